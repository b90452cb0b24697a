/**
 * The suite's event wiring as data, declared once: which DynamoDB stream records the pipes turn into
 * which bus events (filters and input templates), and which bus events the rules route to which
 * function (event patterns). The CDK app deploys exactly these (infra/constructs/event-pipes.ts,
 * event-bus.ts and the constructs that call `route`), and the local event pipeline (local/) applies
 * exactly these to DynamoDB Local's streams, so the two cannot drift apart;
 * test/infra/local-pipeline-wiring.test.ts compares both with the synthesized template.
 */
import { type DetailType, EVENT_SOURCE } from '../domain/events.js';
import { COMPLETE_ACTION } from '../domain/execution.js';
import { GRANT_KINDS, PROVISIONED_KINDS, ROTATED_KINDS } from '../domain/provisioning/kinds.js';
import { DECISION_ACCOUNT_ATTRIBUTE, SCAN_LOG_PARTITION } from './organization.js';

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

/**
 * The attribute scripts/migrate-to-hub.ts sets on every decision it copies into the hub (the old id).
 * A copied item is history, not a new decision: its INSERT must never reach the executors (a migrated
 * approved grant would be provisioned again). Later changes of a migrated decision in the hub (a
 * revoke, an expiry) are real and flow as MODIFY records.
 */
export const MIGRATED_FROM_ATTRIBUTE = 'migratedFrom';
const NOT_MIGRATED = { [MIGRATED_FROM_ATTRIBUTE]: { S: [{ exists: false }] } };

/**
 * A status change into `status`: a new item in that status (matching `newItem` as well), or a
 * modified item that was in another one.
 */
function becameStatus(
  key: Record<string, unknown>,
  status: string,
  extra: Record<string, unknown> = {},
  newItem: Record<string, unknown> = {},
) {
  return [
    {
      eventName: ['INSERT'],
      dynamodb: { NewImage: { ...key, ...extra, status: { S: [status] }, ...newItem } },
    },
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

/** A finding's detail; `at` is when it took the status by the scan's clock (`lastSeen` or `resolvedAt`). */
const findingDetail = (at: 'lastSeen' | 'resolvedAt') =>
  template({
    schemaVersion: '1',
    findingId: s('id'),
    type: s('type'),
    severity: s('severity'),
    status: s('status'),
    identityKey: s('identityKey'),
    at: s(at),
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
      filters: becameStatus(DECISION_KEY, status, {}, NOT_MIGRATED),
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
    inputTemplate: findingDetail('lastSeen'),
  },
  {
    id: 'FindingResolved',
    source: 'findings',
    detailType: 'FindingResolved',
    filters: [becameStatus(FINDING_KEY, 'resolved')[1] as Record<string, unknown>],
    inputTemplate: findingDetail('resolvedAt'),
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

/** The functions bus rules deliver to. */
export type RouteTarget = 'provision' | 'rotate' | 'governance-events' | 'governance-callback';

/** An EventBridge event pattern in the JSON form the rule carries (`detail-type`, not CDK's `detailType`). */
export type EventPatternJson = Readonly<Record<string, unknown>>;

/** One rule on the suite's bus: which events reach which function. */
export interface BusRoute {
  readonly id: string;
  readonly description: string;
  readonly target: RouteTarget;
  readonly pattern: EventPatternJson;
}

/** The suite's rules that always exist (the ticketing rule depends on the policy: accessRequestedRoute). */
export const BUS_ROUTES = {
  ApprovedToProvision: {
    id: 'ApprovedToProvision',
    description: 'approved IAM decisions to provisioning',
    target: 'provision',
    pattern: {
      source: [EVENT_SOURCE],
      'detail-type': ['DecisionApproved'],
      detail: { kind: [...PROVISIONED_KINDS] },
    },
  },
  EndedToProvision: {
    id: 'EndedToProvision',
    description: 'revoked and expired grants to provisioning (access is removed)',
    target: 'provision',
    pattern: {
      source: [EVENT_SOURCE],
      'detail-type': ['DecisionRevoked', 'DecisionExpired'],
      detail: { kind: [...GRANT_KINDS] },
    },
  },
  ApprovedToRotate: {
    id: 'ApprovedToRotate',
    description: 'approved rotate decisions to the rotation function',
    target: 'rotate',
    pattern: {
      source: [EVENT_SOURCE],
      'detail-type': ['DecisionApproved'],
      detail: { kind: [...ROTATED_KINDS] },
    },
  },
  RevokeRequested: {
    id: 'RevokeRequested',
    description: 'system revoke requests (JIT expiry schedule, scanners) to governance',
    target: 'governance-events',
    pattern: { source: [EVENT_SOURCE], 'detail-type': ['RevokeRequested'] },
  },
  DecisionFinal: {
    id: 'DecisionFinal',
    description: 'final decisions to the task-token callback',
    target: 'governance-callback',
    pattern: {
      source: [EVENT_SOURCE],
      'detail-type': ['DecisionApproved', 'DecisionRejected', 'DecisionCancelled'],
    },
  },
} as const satisfies Record<string, BusRoute>;

/**
 * The rule that sends every recorded scan to the Security Hub export (context nhi-gov:securityHub; off:
 * no rule, no function). Not in busRoutes(): local mode has no Security Hub.
 */
export const SECURITY_HUB_ROUTE = {
  id: 'ScanCompletedToSecurityHub',
  description: 'recorded scans to the Security Hub export',
  target: 'security-hub-export',
  pattern: { source: [EVENT_SOURCE], 'detail-type': ['ScanCompleted'] },
} as const satisfies Omit<BusRoute, 'target'> & { readonly target: 'security-hub-export' };

/** The rule for AccessRequested events of the ticketing sources the policy trusts (none: no rule). */
export function accessRequestedRoute(ticketingSources: readonly string[]): BusRoute | undefined {
  if (ticketingSources.length === 0) return undefined;
  return {
    id: 'AccessRequested',
    description: 'access requests from the trusted ticketing integrations to governance',
    target: 'governance-events',
    pattern: { source: [...ticketingSources], 'detail-type': ['AccessRequested'] },
  };
}

/** Every rule of a deployment with these ticketing sources. */
export function busRoutes(ticketingSources: readonly string[] = []): readonly BusRoute[] {
  const ticketing = accessRequestedRoute(ticketingSources);
  return [...Object.values(BUS_ROUTES), ...(ticketing ? [ticketing] : [])];
}
