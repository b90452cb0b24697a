import type { PolicyDocumentReader } from '../../ports/policy-documents.js';
import type { Decision } from '../decision.js';
import { documentHash } from '../escalation/record.js';
import { DEFAULT_SEVERITY, type Finding, FRAMEWORKS, findingId } from '../finding.js';
import type { PlannedChange } from './changes.js';

/** Why an attach is refused: the managed policy is not the document its decision approved. */
export interface PinRefusal {
  readonly reason: string;
  readonly evidence: Record<string, unknown>;
}

/**
 * Checks, before a pending attach, that the managed policy's default version is still the one the
 * decision approved (version id and content hash). Decisions without a pin (decided before pinning,
 * or whose document could not be read) and plans without a pending attach are not judged.
 * @returns the refusal, or undefined when the attach may go ahead.
 */
export async function pinnedPolicyRefusal(
  decision: Decision,
  changes: readonly PlannedChange[],
  reader: Pick<PolicyDocumentReader, 'managedPolicy'> | undefined,
): Promise<PinRefusal | undefined> {
  const pinned = decision.pinned;
  if (!pinned || !reader) return undefined;
  const attach = changes.find(
    (c): c is Extract<PlannedChange, { action: 'attach-policy' }> =>
      c.action === 'attach-policy' && !c.alreadyDone,
  );
  if (!attach) return undefined;
  const current = await reader.managedPolicy(attach.policyArn);
  const base = {
    policyArn: attach.policyArn,
    decisionId: decision.id,
    approvedVersionId: pinned.policyVersionId ?? null,
    approvedHash: pinned.contentHash,
  };
  if (!current)
    return {
      reason: `managed policy ${attach.policyArn} no longer exists; decision ${decision.id} approved version ${pinned.policyVersionId ?? '(unknown)'}`,
      evidence: { ...base, currentVersionId: null, currentHash: null },
    };
  const hash = documentHash(current.document);
  const versionChanged = pinned.policyVersionId !== undefined && current.versionId !== pinned.policyVersionId;
  if (!versionChanged && hash === pinned.contentHash) return undefined;
  return {
    reason: `managed policy ${attach.policyArn} changed since approval (approved version ${pinned.policyVersionId ?? '(unknown)'}, now ${current.versionId}); a fresh decision is needed`,
    evidence: { ...base, currentVersionId: current.versionId, currentHash: hash },
  };
}

/** The `policy-changed-since-approval` finding the executor files when it refuses an attach. */
export function policyChangedFinding(decision: Decision, refusal: PinRefusal, at: string): Finding {
  const type = 'policy-changed-since-approval';
  return {
    id: findingId(type, decision.identityKey, `attach:${decision.id}:${decision.version}`),
    type,
    severity: DEFAULT_SEVERITY[type],
    status: 'open',
    source: 'provisioning',
    identityKey: decision.identityKey,
    owner: decision.owner,
    title: `attach refused: ${refusal.reason}`,
    evidence: { ...refusal.evidence, actedOn: false },
    firstSeen: at,
    lastSeen: at,
    frameworks: FRAMEWORKS[type],
  };
}
