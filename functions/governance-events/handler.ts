// AWS permissions this function needs (least privilege, read by infra/):
//   Read-only IAM for the escalation analysis of grants (docs/escalation.md): iam:GetPolicy,
//   iam:GetPolicyVersion, iam:GetRole, iam:GetUser, iam:ListAttachedRolePolicies, iam:ListRolePolicies,
//   iam:GetRolePolicy, iam:ListAttachedUserPolicies, iam:ListUserPolicies, iam:GetUserPolicy,
//   iam:ListGroupsForUser, iam:ListAttachedGroupPolicies, iam:ListGroupPolicies, iam:GetGroupPolicy.
//   dynamodb:GetItem, dynamodb:PutItem, dynamodb:UpdateItem, dynamodb:Query,
//   dynamodb:ConditionCheckItem, dynamodb:TransactWriteItems on the decisions table and its indexes.
// Environment: DECISIONS_TABLE_NAME, POLICY_FILE.
// Triggered by EventBridge rules: detail-type RevokeRequested with source "nhi-gov" (JIT schedules,
// scanners), and detail-type AccessRequested from the ticketing sources listed in the policy.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import * as z from 'zod';
import { BOUNDS } from '../../lib/domain/bounds.js';
import { AppError } from '../../lib/domain/errors.js';
import { AccessRequestedDetail, EVENT_SOURCE } from '../../lib/domain/events.js';
import { derivedId } from '../../lib/domain/governance/deps.js';
import { type Governance, PolicyDeniedError } from '../../lib/domain/governance/index.js';
import { parseOrThrow } from '../../lib/domain/validation.js';
import { governanceFromEnv } from '../governance-api/wiring.js';
import { observability } from '../shared/observability.js';

/** The EventBridge envelope fields this function relies on. */
/** Bounded as EventBridge bounds them: they are recorded in evidence when the event is refused. */
const Envelope = z.object({
  id: z.string().min(1).max(BOUNDS.idempotencyKeyLength),
  'detail-type': z.string().min(1).max(BOUNDS.eventDetailTypeLength),
  source: z.string().min(1).max(BOUNDS.eventSourceLength),
  account: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
  detail: z.unknown(),
});

export interface EventsDeps {
  readonly governance: Governance;
  readonly warn?: (message: string, details: Record<string, unknown>) => void;
}

export type EventsResult =
  | { readonly decisionId: string; readonly status: string }
  | { readonly refused: string; readonly message: string }
  | { readonly ignored: string };

/**
 * Turns bus events into governance requests.
 *
 * - `RevokeRequested` (source `nhi-gov`): fileSystemRevoke.
 * - `AccessRequested` from a ticketing system: the requester is the principal the policy's
 *   `ticketing` list maps the event's source (and account) to; anything in the detail is never the
 *   requester. Unlisted sources are refused and the attempt is recorded. The EventBridge event id is
 *   the idempotency key, so a redelivered event files nothing new.
 *
 * Refusals (invalid detail, policy denial, untrusted source) return without throwing: retrying cannot
 * help. Other errors throw, so EventBridge/Lambda retry and then the dead-letter queue take over.
 */
export function buildHandler(deps: EventsDeps) {
  const gov = deps.governance;
  return async (event: unknown): Promise<EventsResult> => {
    const envelope = parseOrThrow(Envelope, event, 'EventBridge event');
    try {
      if (envelope['detail-type'] === 'RevokeRequested' && envelope.source === EVENT_SOURCE) {
        const decision = await gov.fileSystemRevoke(envelope.detail as never);
        return decision
          ? { decisionId: decision.id, status: decision.status }
          : { ignored: 'the decision is no longer in force' };
      }
      if (envelope['detail-type'] === 'AccessRequested') {
        const trusted = (gov.deps.policy.document.ticketing ?? []).find(
          (t) => t.source === envelope.source && (t.account === undefined || t.account === envelope.account),
        );
        if (!trusted) {
          const error = new PolicyDeniedError(
            `event source ${envelope.source} (account ${envelope.account}) is not a trusted ticketing system in the policy`,
          );
          await gov.deps.decisions.recordDeniedAttempt({
            decisionId: derivedId('event', envelope.id),
            at: gov.deps.clock.now().toISOString(),
            actor: `event:${envelope.source}@${envelope.account}`,
            action: 'submit via eventbridge',
            code: error.code,
            reason: error.message,
          });
          throw error;
        }
        const detail = parseOrThrow(AccessRequestedDetail, envelope.detail, 'AccessRequested detail');
        const decision = await gov.submit({
          request: detail.request,
          requester: trusted.principal,
          source: 'eventbridge',
          ticket: detail.ticket,
          idempotencyKey: envelope.id,
        });
        return { decisionId: decision.id, status: decision.status };
      }
      return { ignored: `${envelope['detail-type']} from ${envelope.source} is not handled here` };
    } catch (error) {
      if (error instanceof AppError && error.code !== 'CONFLICT') {
        deps.warn?.('event refused', { id: envelope.id, code: error.code, message: error.message });
        return { refused: error.code, message: error.message };
      }
      throw error;
    }
  };
}

const obs = observability('governance-events');

export const handler = middy(
  buildHandler({
    governance: governanceFromEnv(new DynamoDBClient({})),
    warn: (message, details) => obs.logger.warn(message, details),
  }),
).use(obs.middlewares);
