import { Duration, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * An encrypted, TLS-only SQS queue that catches what could not be delivered or processed (a rule
 * target, a pipe, a schedule, a failed asynchronous invocation). Kept 14 days, the SQS maximum, so an
 * operator has two weeks to redrive after the depth alarm fires.
 */
export function deadLetterQueue(scope: Construct, id: string): Queue {
  const queue = new Queue(scope, id, {
    // SSE-SQS: EventBridge, Pipes and Scheduler can write to it without a key policy to maintain.
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge(
    {
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself a dead-letter queue (of an EventBridge target, pipe, schedule or Lambda on-failure destination); its depth is alarmed.',
    },
    {
      id: 'Serverless-SQSRedrivePolicy',
      reason:
        'This queue is itself a dead-letter queue; a redrive policy on it would only move failures one hop further. Its depth is alarmed.',
    },
  );
  return queue;
}
