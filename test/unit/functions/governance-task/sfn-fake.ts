import {
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';

export interface TaskState {
  status: 'waiting' | 'succeeded' | 'failed' | 'timed-out';
  output?: unknown;
  error?: string;
  cause?: string;
}

/**
 * A stateful Step Functions fake: tokens a test registers as waiting can be answered once; an answered
 * or timed-out token gets TaskTimedOut, an unknown token InvalidToken, as the real service does.
 */
export function fakeStepFunctions() {
  const tasks = new Map<string, TaskState>();
  const client = new SFNClient({ region: 'us-east-1' });
  const mock = mockClient(client);
  const answer = (token: string, next: TaskState) => {
    const task = tasks.get(token);
    if (!task) throw new InvalidToken({ message: 'Invalid token', $metadata: {} });
    if (task.status !== 'waiting') throw new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} });
    tasks.set(token, next);
    return {};
  };
  mock
    .on(SendTaskSuccessCommand)
    .callsFake((input: { taskToken: string; output: string }) =>
      answer(input.taskToken, { status: 'succeeded', output: JSON.parse(input.output) }),
    );
  mock
    .on(SendTaskFailureCommand)
    .callsFake((input: { taskToken: string; error: string; cause: string }) =>
      answer(input.taskToken, { status: 'failed', error: input.error, cause: input.cause }),
    );
  return {
    client,
    mock,
    tasks,
    wait: (token: string) => tasks.set(token, { status: 'waiting' }),
  };
}
