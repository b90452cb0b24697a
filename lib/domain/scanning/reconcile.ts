import type { Decision } from '../decision.js';
import { DEFAULT_SEVERITY, type Finding, FRAMEWORKS, findingId } from '../finding.js';
import { findingTypesWhere } from '../findings/types/index.js';
import type { PolicyFile } from '../policy/schema.js';
import { isDatedTitle, renderTitle } from './dated-title.js';
import type { FindingDraft } from './rules/rule.js';

/** Finding types whose condition can only be judged from the credential report. */
export const CREDENTIAL_REPORT_TYPES: ReadonlySet<Finding['type']> = new Set(
  findingTypesWhere((m) => m.judgedFrom === 'credential-report'),
);

/** The account a scan describes, and the findings of that account stored before accounts were kept. */
export interface ScanAccount {
  readonly accountId: string;
  /** Adopted findings without an account, by their (account-less) id: they keep that id and gain the account. */
  readonly adopted: ReadonlyMap<string, Finding>;
}

/** Finding types judged from policy documents, which only exports with managed policies carry. */
export const DOCUMENT_TYPES: ReadonlySet<Finding['type']> = new Set(
  findingTypesWhere((m) => m.judgedFrom === 'policy-documents'),
);

/**
 * Turns drafts into findings of the scanned account: stable id, severity from the policy, framework
 * mapping, `firstSeen` kept from the stored finding (also when it had been resolved and came back),
 * `lastSeen` = the scan time, the title rendered at the scan time (its template kept when it counts
 * days), and `suppressed` with the exception's id when an active exception names the identity and the type.
 */
export function toFindings(
  drafts: readonly FindingDraft[],
  stored: Pick<ReadonlyMap<string, Pick<Finding, 'firstSeen'>>, 'has' | 'get'>,
  exceptions: readonly Decision[],
  policy: PolicyFile,
  asOf: string,
  account: ScanAccount,
): Finding[] {
  const byId = new Map<string, Finding>();
  for (const draft of drafts) {
    const scoped = findingId(draft.type, draft.identityKey, draft.subject, account.accountId);
    const legacy = account.adopted.get(findingId(draft.type, draft.identityKey, draft.subject));
    const id = stored.has(scoped) || !legacy ? scoped : legacy.id;
    const previous = stored.get(id);
    const exception = exceptions.find(
      (e) =>
        e.request.kind === 'exception' &&
        e.identityKey === draft.identityKey &&
        e.request.findingTypes.includes(draft.type),
    );
    byId.set(id, {
      id,
      type: draft.type,
      severity: policy.severities[draft.type] ?? DEFAULT_SEVERITY[draft.type],
      status: exception ? 'suppressed' : 'open',
      source: 'scanner',
      accountId: account.accountId,
      identityKey: draft.identityKey,
      ...(draft.identityArn ? { identityArn: draft.identityArn } : {}),
      ...(draft.owner ? { owner: draft.owner } : {}),
      title: renderTitle(draft.title, asOf),
      ...(isDatedTitle(draft.title) ? { titleTemplate: draft.title } : {}),
      evidence: draft.evidence,
      // Never later than the scan itself (a read-only scan of the past shows what it saw then).
      firstSeen: previous && previous.firstSeen < asOf ? previous.firstSeen : asOf,
      lastSeen: asOf,
      ...(exception ? { suppressedBy: exception.id } : {}),
      frameworks: FRAMEWORKS[draft.type],
    });
  }
  return [...byId.values()];
}

/**
 * The stored scanner findings whose condition this scan no longer sees, marked `resolved`. Findings of
 * other sources (forged events, failed provisioning) are never touched; a key finding of a user the
 * credential report did not cover stays as it is, since this scan could not look.
 */
export function resolveGone(
  storedActive: readonly Finding[],
  currentIds: ReadonlySet<string>,
  canJudge: (finding: Finding) => boolean,
  asOf: string,
  accountId: string,
): Finding[] {
  return storedActive
    .filter((f) => f.source === 'scanner' && f.status !== 'resolved' && !currentIds.has(f.id) && canJudge(f))
    .map((f) => {
      const { suppressedBy: _suppressedBy, ...rest } = f;
      return { ...rest, accountId, status: 'resolved' as const, resolvedAt: asOf };
    });
}
