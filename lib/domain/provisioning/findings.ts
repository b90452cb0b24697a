import type { FindingStore } from '../../ports/finding-store.js';
import type { Decision } from '../decision.js';
import { DEFAULT_SEVERITY, type Finding, type FindingSource, FRAMEWORKS, findingId } from '../finding.js';
import type { DecisionEvent } from './verify.js';

/**
 * A `forged-event` finding: an executor got an event its decision does not back. One finding per
 * (decision, detail type, version), so a replayed forgery updates `lastSeen` instead of piling up.
 */
export function forgedEventFinding(
  event: DecisionEvent,
  reason: string,
  evidence: Record<string, unknown>,
  source: FindingSource,
  at: string,
): Finding {
  const identityKey = `decision/${event.decisionId}`;
  return {
    id: findingId('forged-event', identityKey, `${event.detailType}:${event.version}`),
    type: 'forged-event',
    severity: DEFAULT_SEVERITY['forged-event'],
    status: 'open',
    source,
    identityKey,
    title: `${event.detailType} event not backed by its decision: ${reason}`,
    evidence: { ...evidence, reason, actedOn: false },
    firstSeen: at,
    lastSeen: at,
    frameworks: FRAMEWORKS['forged-event'],
  };
}

/** A `provisioning-failed` finding about one decision version's failed execution. */
export function provisioningFailedFinding(
  decision: Decision,
  error: string,
  source: FindingSource,
  at: string,
  identityArn?: string,
): Finding {
  return {
    id: findingId('provisioning-failed', decision.identityKey, `${decision.id}:${decision.version}`),
    type: 'provisioning-failed',
    severity: DEFAULT_SEVERITY['provisioning-failed'],
    status: 'open',
    source,
    identityKey: decision.identityKey,
    ...(identityArn ? { identityArn } : {}),
    owner: decision.owner,
    title: `${decision.kind} decision ${decision.id} (version ${decision.version}) could not be executed`,
    evidence: {
      decisionId: decision.id,
      version: decision.version,
      kind: decision.kind,
      status: decision.status,
      error,
    },
    firstSeen: at,
    lastSeen: at,
    frameworks: FRAMEWORKS['provisioning-failed'],
  };
}

/** Opens a finding, or refreshes `lastSeen` of the same one, keeping its `firstSeen`. */
export async function openFinding(store: FindingStore, finding: Finding): Promise<void> {
  const existing = await store.get(finding.id);
  await store.put(
    existing && existing.status !== 'resolved' ? { ...finding, firstSeen: existing.firstSeen } : finding,
  );
}
