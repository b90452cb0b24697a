import type { DeclaredStatement } from './types.js';

/**
 * What every function's role holds for Lambda itself: its own log group (instead of
 * AWSLambdaBasicExecutionRole's logs:* on every group) and X-Ray for active tracing.
 */
export const LAMBDA_BASICS: readonly DeclaredStatement[] = [
  {
    sid: 'OwnLogGroup',
    effect: 'Allow',
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    resources: ['logs:own-log-group'],
    why: 'Lambda writes the function’s logs to its own log group only.',
  },
  {
    effect: 'Allow',
    actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
    resources: ['*'],
    addedBy: 'cdk',
    why: 'Active tracing; X-Ray has no resource-level permissions.',
  },
];

/** What CDK adds to an asynchronously invoked function: sending failed invocations to its own queue. */
export const FAILURE_DESTINATION: DeclaredStatement = {
  effect: 'Allow',
  actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
  resources: ['sqs:own-failure-destination'],
  addedBy: 'cdk',
  why: 'Lambda sends a failed asynchronous invocation (after its retries) to the function’s on-failure queue.',
};
