import {
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import type { TaskAnswer, TaskCallback } from '../../ports/task-callback.js';

// SendTaskFailure caps `error` at 256 and `cause` at 32768 characters.
const MAX_ERROR = 256;
const MAX_CAUSE = 32_768;

/** TaskCallback on Step Functions. A used, expired or unknown token is `gone`, not an error. */
export class SfnTaskCallback implements TaskCallback {
  constructor(private readonly client: SFNClient) {}

  async succeed(taskToken: string, output: unknown): Promise<TaskAnswer> {
    return this.answer(() =>
      this.client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) })),
    );
  }

  async fail(taskToken: string, error: string, cause: string): Promise<TaskAnswer> {
    return this.answer(() =>
      this.client.send(
        new SendTaskFailureCommand({
          taskToken,
          error: error.slice(0, MAX_ERROR),
          cause: cause.slice(0, MAX_CAUSE),
        }),
      ),
    );
  }

  private async answer(send: () => Promise<unknown>): Promise<TaskAnswer> {
    try {
      await send();
      return 'sent';
    } catch (error) {
      if (error instanceof TaskTimedOut || error instanceof InvalidToken || error instanceof TaskDoesNotExist)
        return 'gone';
      throw error;
    }
  }
}
