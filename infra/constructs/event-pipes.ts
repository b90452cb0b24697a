import { Stack } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnPipe } from 'aws-cdk-lib/aws-pipes';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PIPE_SPECS, type StreamSource, withDecisionAccount } from '../../lib/config/event-routes.js';
import { EVENT_SOURCE } from '../../lib/domain/events.js';
import { deadLetterQueue } from './dead-letter-queue.js';

/** Declared in lib/config/event-routes.ts, shared with the local event pipeline. */
export {
  PIPE_SPECS,
  type PipeSpec,
  type StreamSource,
  withDecisionAccount,
} from '../../lib/config/event-routes.js';

export interface EventPipesProps {
  readonly bus: IEventBus;
  /** The tables whose streams this stack turns into events (a member account has no decisions table). */
  readonly tables: Partial<Record<StreamSource, TableV2>>;
  /** Organization hub: decision events carry the decision's account (withDecisionAccount). */
  readonly decisionAccount?: boolean;
}

/**
 * EventBridge Pipes from the tables' streams to the suite's bus, one per detail type. One role per
 * stream, allowed to read that stream, put events on this bus and dead-letter to its own queue.
 */
export class EventPipes extends Construct {
  readonly deadLetterQueues: { readonly label: string; readonly queue: Queue }[] = [];
  readonly pipes: CfnPipe[] = [];

  constructor(scope: Construct, id: string, props: EventPipesProps) {
    super(scope, id);
    const { account } = Stack.of(this);
    for (const source of ['decisions', 'executions', 'findings'] as const) {
      const table = props.tables[source];
      const specs = PIPE_SPECS.filter((p) => p.source === source).map((p) =>
        props.decisionAccount ? withDecisionAccount(p) : p,
      );
      if (!table || specs.length === 0) continue;
      const streamArn = table.tableStreamArn;
      if (!streamArn) throw new Error(`the ${source} table has no stream; the pipes need one`);

      const dlq = deadLetterQueue(this, `${source}Dlq`);
      this.deadLetterQueues.push({ label: `${source} pipes`, queue: dlq });
      const role = new Role(this, `${source}Role`, {
        assumedBy: new ServicePrincipal('pipes.amazonaws.com', {
          conditions: { StringEquals: { 'aws:SourceAccount': account } },
        }),
        description: `nhi-gov: pipes from the ${source} stream to the bus`,
      });
      role.addToPrincipalPolicy(
        new PolicyStatement({
          sid: 'ReadStream',
          actions: [
            'dynamodb:DescribeStream',
            'dynamodb:GetRecords',
            'dynamodb:GetShardIterator',
            'dynamodb:ListStreams',
          ],
          resources: [streamArn],
        }),
      );
      role.addToPrincipalPolicy(
        new PolicyStatement({
          sid: 'PutOnBus',
          actions: ['events:PutEvents'],
          resources: [props.bus.eventBusArn],
        }),
      );
      role.addToPrincipalPolicy(
        new PolicyStatement({ sid: 'DeadLetter', actions: ['sqs:SendMessage'], resources: [dlq.queueArn] }),
      );

      for (const spec of specs) {
        const pipe = new CfnPipe(this, spec.id, {
          description: `nhi-gov: ${source} stream -> ${spec.detailType}`,
          roleArn: role.roleArn,
          source: streamArn,
          sourceParameters: {
            dynamoDbStreamParameters: {
              startingPosition: 'TRIM_HORIZON',
              batchSize: 10,
              maximumRetryAttempts: 10,
              maximumRecordAgeInSeconds: 86_400,
              onPartialBatchItemFailure: 'AUTOMATIC_BISECT',
              deadLetterConfig: { arn: dlq.queueArn },
            },
            filterCriteria: { filters: spec.filters.map((f) => ({ pattern: JSON.stringify(f) })) },
          },
          target: props.bus.eventBusArn,
          targetParameters: {
            eventBridgeEventBusParameters: { source: EVENT_SOURCE, detailType: spec.detailType },
            inputTemplate: spec.inputTemplate,
          },
        });
        // The pipe must not start before its role may read the stream and put events.
        pipe.node.addDependency(role);
        this.pipes.push(pipe);
      }
    }
  }
}
