import * as z from 'zod';
import { AccountId } from './account.js';
import { ConflictError } from './errors.js';
import { EscalationRecord, PinnedDocument } from './escalation/record.js';
import { identityKey } from './identity.js';
import { Id, IsoTimestamp, PrincipalArn } from './primitives.js';
import { DecisionRequest, RequestKindSchema } from './request.js';

export const DecisionStatus = z.enum(['pending', 'approved', 'rejected', 'cancelled', 'revoked', 'expired']);
export type DecisionStatus = z.infer<typeof DecisionStatus>;

/** The only moves a decision can make. Terminal states have no way out. */
export const TRANSITIONS: Readonly<Record<DecisionStatus, readonly DecisionStatus[]>> = {
  pending: ['approved', 'rejected', 'cancelled'],
  approved: ['revoked', 'expired'],
  rejected: [],
  cancelled: [],
  revoked: [],
  expired: [],
};

/** Where a request came in; the approver always comes from the authenticated caller of that entry point. */
export const DecisionSource = z.enum([
  'api',
  'step-functions',
  'eventbridge',
  'cli',
  'system',
  'certification',
]);
export type DecisionSource = z.infer<typeof DecisionSource>;

export const Approval = z.strictObject({
  approver: PrincipalArn,
  at: IsoTimestamp,
  /** Why this approver counted: the policy rule that allowed them, or `auto-approve:<rule>`. */
  basis: z.string().min(1),
});
export type Approval = z.infer<typeof Approval>;

export const HistoryAction = z.enum([
  'submitted',
  'approval-recorded',
  'approved',
  'auto-approved',
  'rejected',
  'cancelled',
  'revoked',
  'expired',
  'reviewed',
]);
export type HistoryAction = z.infer<typeof HistoryAction>;

export const HistoryEntry = z.strictObject({
  at: IsoTimestamp,
  actor: z.string().min(1),
  action: HistoryAction,
  note: z.string().optional(),
  /** The decision version this entry produced. */
  version: z.number().int().positive(),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

export const Decision = z.strictObject({
  id: Id,
  /** Optimistic lock: every write is conditional on the version read; each transition adds one. */
  version: z.number().int().positive(),
  status: DecisionStatus,
  kind: RequestKindSchema,
  request: DecisionRequest,
  /** `role/<name>` or `user/<name>`: what this decision is about. */
  identityKey: z.string().min(1),
  /** The account of the identity (the request's `account`, or the local store's one account). */
  accountId: AccountId.optional(),
  requester: PrincipalArn,
  /**
   * Who answers for the access: the owner the request named (an exception's risk owner when it names
   * no other); absent when it named none. Never defaulted to the requester.
   */
  owner: z.string().min(1).optional(),
  source: DecisionSource,
  /** The policy tier that applied (`low`, `high`, ...), and how many distinct approvals it needs. */
  tier: z.string().min(1),
  requiredApprovals: z.number().int().nonnegative(),
  /** The policy rule that set `tier` (e.g. `escalation.completesPath (passrole-lambda-create-invoke)`). */
  tierRule: z.string().min(1).max(2000).optional(),
  /** Grants and break-glass: what the escalation analysis of the granted document found. */
  escalation: EscalationRecord.optional(),
  /** Grants and break-glass: the document approved (content hash, managed policy version id). */
  pinned: PinnedDocument.optional(),
  approvals: z.array(Approval),
  /** Content hash of the policy file that allowed this decision. */
  policyVersion: z.string().min(1),
  createdAt: IsoTimestamp,
  updatedAt: IsoTimestamp,
  decidedAt: IsoTimestamp.optional(),
  /** For time-bound access (JIT grant, break-glass, exception): when it ends. */
  expiresAt: IsoTimestamp.optional(),
  /** Break-glass: someone other than the requester must review it by then. */
  reviewDueAt: IsoTimestamp.optional(),
  reviewedBy: PrincipalArn.optional(),
  reviewedAt: IsoTimestamp.optional(),
  /** A renewal references what it renews; a revoke references the grant it ends. */
  renewalOf: Id.optional(),
  revokes: Id.optional(),
  /** A Step Functions task token to answer when the decision reaches a final state. Never returned to callers. */
  taskToken: z.string().optional(),
  statusReason: z.string().optional(),
  /** The id the decision had before it moved into an organization hub (docs/data-model.md). */
  migratedFrom: Id.optional(),
  history: z.array(HistoryEntry),
});
export type Decision = z.infer<typeof Decision>;

/** A refused attempt (self-approval, operator approval, policy denial), kept as evidence beside the decision. */
export const DeniedAttempt = z.strictObject({
  decisionId: Id,
  at: IsoTimestamp,
  actor: z.string().min(1),
  action: z.string().min(1),
  code: z.string().min(1),
  reason: z.string().min(1),
});
export type DeniedAttempt = z.infer<typeof DeniedAttempt>;

/** True when the status machine allows `from → to`. */
export function canTransition(from: DecisionStatus, to: DecisionStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export interface TransitionInput {
  readonly to: DecisionStatus;
  readonly actor: string;
  readonly at: string;
  readonly action: HistoryAction;
  readonly note?: string;
}

/**
 * Moves a decision to a new status, returning the next version with its history entry.
 * @throws ConflictError when the status machine does not allow the move.
 */
export function transition(decision: Decision, input: TransitionInput): Decision {
  if (!canTransition(decision.status, input.to)) {
    throw new ConflictError(`decision ${decision.id} is ${decision.status}; it cannot become ${input.to}`);
  }
  const version = decision.version + 1;
  const decidedAt = decision.status === 'pending' ? input.at : decision.decidedAt;
  return {
    ...decision,
    status: input.to,
    version,
    updatedAt: input.at,
    ...(decidedAt ? { decidedAt } : {}),
    ...(input.note ? { statusReason: input.note } : {}),
    history: [
      ...decision.history,
      {
        at: input.at,
        actor: input.actor,
        action: input.action,
        version,
        ...(input.note ? { note: input.note } : {}),
      },
    ],
  };
}

/** The identity key a request is about. */
export function requestIdentityKey(request: DecisionRequest): string {
  return identityKey(request.identity);
}

/** True while a decision grants something: approved and not past its expiry. */
export function isInForce(decision: Decision, now: Date): boolean {
  if (decision.status !== 'approved') return false;
  return decision.expiresAt === undefined || Date.parse(decision.expiresAt) > now.getTime();
}
