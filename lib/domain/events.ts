import * as z from 'zod';
import { FindingStatus, FindingType } from './finding.js';
import { Id, IsoTimestamp, Severity } from './primitives.js';
import { DecisionRequest, RequestKindSchema } from './request.js';

/**
 * Events on the suite's bus. Every event has `source: "nhi-gov"` and one of these detail types; each
 * detail has a zod schema here and a JSON Schema generated from it in docs/schemas/events/ (by
 * `npm run schemas`), so EventBridge rules and Step Functions can be written against them.
 *
 * Numbers that come from DynamoDB stream records through an EventBridge Pipe arrive as strings, so
 * `version` and the like are coerced.
 */
export const EVENT_SOURCE = 'nhi-gov';

const SchemaVersion = z.literal('1');
const Version = z.coerce.number().int().positive();

/** A decision changed status: emitted by the decisions-table pipe. Executors re-read the decision before acting. */
export const DecisionEventDetail = z.object({
  schemaVersion: SchemaVersion,
  decisionId: Id,
  version: Version,
  kind: RequestKindSchema,
  status: z.enum(['approved', 'rejected', 'cancelled', 'revoked', 'expired']),
  /** `role/<name>` or `user/<name>`: bounded, as executors record it in findings (their keys). */
  identityKey: z.string().regex(/^(role|user)\/[\w+=,.@-]{1,64}$/, 'must be role/<name> or user/<name>'),
  /** Organization mode: the member account the decision acts in (the hub dispatches on it). */
  accountId: z
    .string()
    .regex(/^\d{12}$/, 'must be a 12-digit AWS account id')
    .optional(),
});
export type DecisionEventDetail = z.infer<typeof DecisionEventDetail>;

/** An executor finished a decision version: emitted from the executions-table pipe (the `complete` record). */
export const ProvisioningOutcomeDetail = z.object({
  schemaVersion: SchemaVersion,
  decisionId: Id,
  version: Version,
  kind: RequestKindSchema,
  identityKey: z.string().min(1),
  status: z.enum(['succeeded', 'failed']),
  decidedAt: IsoTimestamp.optional(),
  finishedAt: IsoTimestamp,
  /** Milliseconds from the decision to the end of execution: the provisioning latency metric. */
  latencyMs: z.coerce.number().nonnegative().optional(),
  error: z.string().optional(),
});
export type ProvisioningOutcomeDetail = z.infer<typeof ProvisioningOutcomeDetail>;

export const SecretRotatedDetail = z.object({
  schemaVersion: SchemaVersion,
  secretId: z.string().min(1),
  identityKey: z.string().min(1),
  trigger: z.enum(['schedule', 'decision']),
  decisionId: Id.optional(),
  rotatedAt: IsoTimestamp,
});
export type SecretRotatedDetail = z.infer<typeof SecretRotatedDetail>;

export const FindingEventDetail = z.object({
  schemaVersion: SchemaVersion,
  findingId: z.string().min(1),
  type: FindingType,
  severity: Severity,
  status: FindingStatus,
  identityKey: z.string().min(1),
  /**
   * When the finding took this status by the scan's clock: its `lastSeen` when it opened, its
   * `resolvedAt` when it resolved. The hub orders a finding's events by it, so a late redelivery of an
   * old event cannot undo a newer one (absent from members deployed before it: then the event's time).
   */
  at: IsoTimestamp.optional(),
});
export type FindingEventDetail = z.infer<typeof FindingEventDetail>;

/**
 * A scan finished and was recorded in the account's scan log: the member's heartbeat. In organization
 * mode the hub keeps the newest one per account (keyed by the sending account, not by this detail),
 * so the org-wide reports can say which accounts are stale.
 */
export const ScanCompletedDetail = z.object({
  schemaVersion: SchemaVersion,
  accountId: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
  asOf: IsoTimestamp,
  ranAt: IsoTimestamp,
});
export type ScanCompletedDetail = z.infer<typeof ScanCompletedDetail>;

export const ExceptionExpiredDetail = z.object({
  schemaVersion: SchemaVersion,
  decisionId: Id,
  identityKey: z.string().min(1),
  expiredAt: IsoTimestamp,
});
export type ExceptionExpiredDetail = z.infer<typeof ExceptionExpiredDetail>;

/**
 * A system revoke filed through governance: sent by the JIT expiry schedule and the scanners' expiry
 * sweep. Governance turns it into a revoke decision; nothing here touches IAM. Every reason is an
 * expiry, honoured only once the target has expired, so a forged event cannot end live access early
 * (certification revokes are filed by the reviewer in the review's own transaction, never as an event).
 */
export const RevokeRequestedDetail = z.object({
  schemaVersion: SchemaVersion,
  /** The approved grant, break-glass or exception decision to end. */
  decisionId: Id,
  reason: z.enum(['jit-expiry', 'grant-expired', 'exception-expired', 'break-glass-expired']),
  /** `system:<component>`, e.g. `system:scheduler`, `system:scanner`. */
  requestedBy: z.string().regex(/^system:[a-z-]{1,64}$/, 'must be system:<component>'),
  requestedAt: IsoTimestamp,
});
export type RevokeRequestedDetail = z.infer<typeof RevokeRequestedDetail>;

/** A request from a ticketing system. The requester is the event's authenticated integration, see docs/governance.md. */
export const AccessRequestedDetail = z.object({
  schemaVersion: SchemaVersion,
  request: DecisionRequest,
  /** The ticketing system's reference, kept on the decision. */
  ticket: z.string().min(1).max(256),
});
export type AccessRequestedDetail = z.infer<typeof AccessRequestedDetail>;

/** Every detail type on the bus and its schema. */
export const EVENT_DETAIL_SCHEMAS = {
  DecisionApproved: DecisionEventDetail,
  DecisionRejected: DecisionEventDetail,
  DecisionCancelled: DecisionEventDetail,
  DecisionRevoked: DecisionEventDetail,
  DecisionExpired: DecisionEventDetail,
  AccessProvisioned: ProvisioningOutcomeDetail,
  AccessProvisioningFailed: ProvisioningOutcomeDetail,
  SecretRotated: SecretRotatedDetail,
  FindingOpened: FindingEventDetail,
  FindingResolved: FindingEventDetail,
  ScanCompleted: ScanCompletedDetail,
  ExceptionExpired: ExceptionExpiredDetail,
  RevokeRequested: RevokeRequestedDetail,
  AccessRequested: AccessRequestedDetail,
} as const;
export type DetailType = keyof typeof EVENT_DETAIL_SCHEMAS;
