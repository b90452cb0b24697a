import { Stack } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnPipe } from 'aws-cdk-lib/aws-pipes';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DECISION_ACCOUNT_ATTRIBUTE, SCAN_LOG_PARTITION } from '../../lib/config/organization.js';
import { type DetailType, EVENT_SOURCE } from '../../lib/domain/events.js';
import { COMPLETE_ACTION } from '../../lib/domain/execution.js';
import { deadLetterQueue } from './dead-letter-queue.js';

export type StreamSource = 'decisions' | 'executions' | 'findings';

/** One pipe: which stream records become which bus event, and how the detail is built. */
export interface PipeSpec {
  readonly id: string;
  readonly source: StreamSource;
  readonly detailType: DetailType;
  /** EventBridge filter patterns (any one matches) over the DynamoDB stream record. */
  readonly filters: readonly Record<string, unknown>[];
  /** Pipes input template: `<$.path>` placeholders inside JSON strings. */
  readonly inputTemplate: string;
}

const s = (attribute: string) => `<$.dynamodb.NewImage.${attribute}.S>`;
const n = (attribute: string) => `<$.dynamodb.NewImage.${attribute}.N>`;

/** Renders a template whose values are placeholders (the pipe fills them in; JSON.stringify would quote the brackets the same way). */
const template = (fields: Record<string, string>) =>
  `{${Object.entries(fields)
    .map(([k, v]) => `"${k}": "${v}"`)
    .join(', ')}}`;

const DECISION_KEY = { sk: { S: ['DECISION'] } };
const FINDING_KEY = { sk: { S: ['FINDING'] } };

/** A status change into `status`: a new item in that status, or a modified item that was in another one. */
function becameStatus(key: Record<string, unknown>, status: string, extra: Record<string, unknown> = {}) {
  return [
    { eventName: ['INSERT'], dynamodb: { NewImage: { ...key, ...extra, status: { S: [status] } } } },
    {
      eventName: ['MODIFY'],
      dynamodb: {
        NewImage: { ...key, ...extra, status: { S: [status] } },
        OldImage: { status: { S: [{ 'anything-but': [status] }] } },
      },
    },
  ];
}

const decisionFields = {
  schemaVersion: '1',
  decisionId: s('id'),
  version: n('version'),
  kind: s('kind'),
  status: s('status'),
  identityKey: s('identityKey'),
};
const decisionDetail = template(decisionFields);

/**
 * Organization hub: a decision acts in one member account, which its events carry (the dispatch
 * routes on it). Every hub decision names its account; one without would have no executor to reach.
 */
export function withDecisionAccount(spec: PipeSpec): PipeSpec {
  if (spec.source !== 'decisions' || spec.inputTemplate !== decisionDetail) return spec;
  const account = { [DECISION_ACCOUNT_ATTRIBUTE]: { S: [{ exists: true }] } };
  return {
    ...spec,
    filters: spec.filters.map((f) => {
      const dynamodb = f.dynamodb as { NewImage: Record<string, unknown> };
      return { ...f, dynamodb: { ...dynamodb, NewImage: { ...dynamodb.NewImage, ...account } } };
    }),
    inputTemplate: template({
      ...decisionFields,
      [DECISION_ACCOUNT_ATTRIBUTE]: s(DECISION_ACCOUNT_ATTRIBUTE),
    }),
  };
}

const DECISION_STATUS_EVENTS = [
  ['approved', 'DecisionApproved'],
  ['rejected', 'DecisionRejected'],
  ['cancelled', 'DecisionCancelled'],
  ['revoked', 'DecisionRevoked'],
  ['expired', 'DecisionExpired'],
] as const;

const outcomeDetail = template({
  schemaVersion: '1',
  decisionId: s('decisionId'),
  version: n('decisionVersion'),
  kind: s('kind'),
  identityKey: s('identityKey'),
  status: s('status'),
  finishedAt: s('finishedAt'),
});

const findingDetail = template({
  schemaVersion: '1',
  findingId: s('id'),
  type: s('type'),
  severity: s('severity'),
  status: s('status'),
  identityKey: s('identityKey'),
});

/**
 * Every pipe of the suite. Filters run on the stream record, so only the transitions that matter
 * reach the bus; the input template produces exactly the detail schema of lib/domain/events.ts
 * (numbers arrive as strings and the schemas coerce them). test/infra/event-pipes.test.ts evaluates
 * these filters against sample records and parses rendered details with the zod schemas.
 */
export const PIPE_SPECS: readonly PipeSpec[] = [
  ...DECISION_STATUS_EVENTS.map(
    ([status, detailType]): PipeSpec => ({
      id: detailType,
      source: 'decisions',
      detailType,
      filters: becameStatus(DECISION_KEY, status),
      inputTemplate: decisionDetail,
    }),
  ),
  {
    id: 'ExceptionExpired',
    source: 'decisions',
    detailType: 'ExceptionExpired',
    filters: [
      {
        eventName: ['MODIFY'],
        dynamodb: {
          NewImage: { ...DECISION_KEY, kind: { S: ['exception'] }, status: { S: ['expired'] } },
          OldImage: { status: { S: ['approved'] } },
        },
      },
    ],
    inputTemplate: template({
      schemaVersion: '1',
      decisionId: s('id'),
      identityKey: s('identityKey'),
      expiredAt: s('updatedAt'),
    }),
  },
  {
    id: 'AccessProvisioned',
    source: 'executions',
    detailType: 'AccessProvisioned',
    // The trail is append-only, so the `complete` record only ever arrives as an INSERT.
    filters: [
      {
        eventName: ['INSERT'],
        dynamodb: { NewImage: { action: { S: [COMPLETE_ACTION] }, status: { S: ['succeeded'] } } },
      },
    ],
    inputTemplate: outcomeDetail,
  },
  {
    id: 'AccessProvisioningFailed',
    source: 'executions',
    detailType: 'AccessProvisioningFailed',
    filters: [
      {
        eventName: ['INSERT'],
        dynamodb: { NewImage: { action: { S: [COMPLETE_ACTION] }, status: { S: ['failed'] } } },
      },
    ],
    inputTemplate: outcomeDetail,
  },
  {
    id: 'FindingOpened',
    source: 'findings',
    detailType: 'FindingOpened',
    filters: becameStatus(FINDING_KEY, 'open'),
    inputTemplate: findingDetail,
  },
  {
    id: 'FindingResolved',
    source: 'findings',
    detailType: 'FindingResolved',
    filters: [becameStatus(FINDING_KEY, 'resolved')[1] as Record<string, unknown>],
    inputTemplate: findingDetail,
  },
  {
    id: 'ScanCompleted',
    source: 'findings',
    detailType: 'ScanCompleted',
    // The account's latest-scan item of the scan log, written (or replaced by a newer scan) once per scan.
    filters: [
      { eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { pk: { S: [SCAN_LOG_PARTITION] } } } },
    ],
    inputTemplate: template({
      schemaVersion: '1',
      accountId: s('accountId'),
      asOf: s('asOf'),
      ranAt: s('ranAt'),
    }),
  },
];

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
