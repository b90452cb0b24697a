import type { Decision, DecisionSource } from '../decision.js';
import type { EscalationRecord, PinnedDocument } from '../escalation/record.js';
import type { DecisionRequest } from '../request.js';

/** What differs between new decisions; the rest (version 1, pending, no approvals yet) is the same for all. */
export interface NewDecisionInput {
  readonly id: string;
  readonly request: DecisionRequest;
  readonly identityKey: string;
  /** The identity's account, when the entry point knows it. */
  readonly accountId?: string | undefined;
  readonly requester: string;
  /** Who answers for the access; never defaulted to the requester. */
  readonly owner?: string | undefined;
  readonly source: DecisionSource;
  /** The policy's answer (planSubmission): tier, the rule that set it when recorded, approvals needed. */
  readonly tier: string;
  readonly tierRule?: string | undefined;
  readonly requiredApprovals: number;
  readonly escalation?: EscalationRecord | undefined;
  readonly pinned?: PinnedDocument | undefined;
  /** The content hash of the policy that allowed it. */
  readonly policyVersion: string;
  /** When it was submitted (ISO-8601): createdAt, updatedAt and the `submitted` history entry. */
  readonly at: string;
  readonly expiresAt?: string | undefined;
  readonly renewalOf?: string | undefined;
  readonly revokes?: string | undefined;
  readonly taskToken?: string | undefined;
  /** Who the `submitted` entry names; the requester unless the system files on someone's behalf. */
  readonly actor?: string | undefined;
  /** The note on the `submitted` history entry. */
  readonly note?: string | undefined;
}

/**
 * A new decision, pending at version 1 with one `submitted` history entry: the one way every use case
 * (a request, a system revoke, a certification revoke) makes a decision before it stores it. Absent
 * optional fields are left out, never stored as undefined.
 */
export function newPendingDecision(input: NewDecisionInput): Decision {
  return {
    id: input.id,
    version: 1,
    status: 'pending',
    kind: input.request.kind,
    request: input.request,
    identityKey: input.identityKey,
    ...(input.accountId ? { accountId: input.accountId } : {}),
    requester: input.requester,
    ...(input.owner ? { owner: input.owner } : {}),
    source: input.source,
    tier: input.tier,
    ...(input.tierRule ? { tierRule: input.tierRule } : {}),
    requiredApprovals: input.requiredApprovals,
    ...(input.escalation ? { escalation: input.escalation } : {}),
    ...(input.pinned ? { pinned: input.pinned } : {}),
    approvals: [],
    policyVersion: input.policyVersion,
    createdAt: input.at,
    updatedAt: input.at,
    ...(input.expiresAt ? { expiresAt: input.expiresAt } : {}),
    ...(input.renewalOf ? { renewalOf: input.renewalOf } : {}),
    ...(input.revokes ? { revokes: input.revokes } : {}),
    ...(input.taskToken ? { taskToken: input.taskToken } : {}),
    history: [
      {
        at: input.at,
        actor: input.actor ?? input.requester,
        action: 'submitted',
        version: 1,
        ...(input.note ? { note: input.note } : {}),
      },
    ],
  };
}
