/** Answers a Step Functions task token. `gone` means the token was already used or timed out: nothing to do. */
export type TaskAnswer = 'sent' | 'gone';

/** The Step Functions side of a waiting workflow. */
export interface TaskCallback {
  succeed(taskToken: string, output: unknown): Promise<TaskAnswer>;
  fail(taskToken: string, error: string, cause: string): Promise<TaskAnswer>;
}
