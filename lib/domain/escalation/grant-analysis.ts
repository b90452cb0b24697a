import type { PolicyDocumentReader } from '../../ports/policy-documents.js';
import type { DecisionRequest, Entitlement } from '../request.js';
import { entitlementKey } from '../request.js';
import { analysePermissions, type OpenPath, type PermissionSet, type Subject } from './analyse.js';
import { CATALOGUE, CATALOGUE_VERSION } from './catalogue.js';
import type { EscalationPath } from './path.js';
import { documentHash, type EscalationRecord, type OpenPathRecord, type PinnedDocument } from './record.js';
import type { PolicySource } from './statements.js';

export interface GrantAnalysis {
  readonly escalation: EscalationRecord;
  /** What an approval of this request approves; absent when the document could not be read. */
  readonly pinned?: PinnedDocument;
}

/** The evidence lines of one open path, bounded for storage. */
export function toRecord(path: OpenPath): OpenPathRecord {
  return {
    id: path.id,
    title: path.title,
    certainty: path.certainty,
    because: path.evidence.map((e) =>
      `${e.action} on ${e.resource} by ${e.statements.join(', ')}${e.undecided ? `; undecided: ${e.undecided}` : ''}`.slice(
        0,
        600,
      ),
    ),
  };
}

/** The source label of an entitlement in evidence, the same one the scanner uses for what IAM shows. */
export function entitlementSource(e: Entitlement): string {
  return entitlementKey(e);
}

async function grantedDocument(
  reader: PolicyDocumentReader | undefined,
  e: Entitlement,
): Promise<{ document: unknown; versionId?: string } | string> {
  if (e.type === 'inline-policy') return { document: e.document };
  if (!reader) return `no policy reader is configured: the document of ${e.policyArn} was not read`;
  const found = await reader.managedPolicy(e.policyArn);
  if (!found) return `managed policy ${e.policyArn} was not found (not in IAM or not in the snapshot)`;
  return { document: found.document, versionId: found.versionId };
}

/**
 * Analyses what a grant (or break-glass) request would allow together with what its identity already
 * holds: which catalogue paths it completes (open with it, closed without it), which are open anyway,
 * and what the analysis could not decide. Also pins the document being approved. Reads documents only.
 */
export async function analyseGrantRequest(
  reader: PolicyDocumentReader | undefined,
  request: Extract<DecisionRequest, { kind: 'grant' | 'break-glass' }>,
  catalogue: readonly EscalationPath[] = CATALOGUE,
): Promise<GrantAnalysis> {
  const notes: string[] = [];
  const granted = await grantedDocument(reader, request.entitlement);
  const held = reader ? await reader.identityPermissions(request.identity) : undefined;
  const source = entitlementSource(request.entitlement);
  if (typeof granted === 'string') notes.push(granted);
  if (!held)
    notes.push(
      `the current permissions of ${request.identity.type}/${request.identity.name} are unknown (not in IAM or the snapshot): the grant was analysed alone`,
    );

  if (held?.unread && held.unread.length > 0)
    notes.push(
      `documents not read, left out of the identity's current permissions: ${held.unread.join(', ')}`,
    );
  const subject: Subject = {
    type: request.identity.type,
    arn: held?.arn ?? `arn:aws:iam::000000000000:${request.identity.type}/${request.identity.name}`,
  };
  // The entitlement itself may be held already (a re-grant): judge the requested document, not the old one.
  const heldPolicies = (held?.policies ?? []).filter((p) => p.source !== source);
  let boundary: PermissionSet['boundary'];
  if (held?.boundaryArn) {
    const b = reader ? await reader.managedPolicy(held.boundaryArn) : undefined;
    boundary = b
      ? { source: `boundary:${held.boundaryArn}`, document: b.document }
      : { source: `boundary:${held.boundaryArn}`, unknown: true };
  }
  const without = analysePermissions(
    subject,
    { policies: heldPolicies, ...(boundary ? { boundary } : {}) },
    catalogue,
  );
  const grantPolicies: PolicySource[] =
    typeof granted === 'string' ? [] : [{ source, document: granted.document }];
  const withGrant = analysePermissions(
    subject,
    { policies: [...heldPolicies, ...grantPolicies], ...(boundary ? { boundary } : {}) },
    catalogue,
  );
  const before = new Set(without.open.map((p) => p.id));
  const grantProblems = withGrant.problems.filter(
    (p) => p.startsWith(`${source} `) || p.startsWith(`${source}:`),
  );
  notes.push(...withGrant.problems);
  const analysed = typeof granted !== 'string' && grantProblems.length === 0;
  return {
    escalation: {
      catalogueVersion: CATALOGUE_VERSION,
      analysed,
      heldKnown: held !== undefined,
      completes: withGrant.open.filter((p) => !before.has(p.id)).map(toRecord),
      alreadyOpen: [...before].sort(),
      notes: [...new Set(notes)].slice(0, 20).map((n) => n.slice(0, 600)),
    },
    ...(typeof granted === 'string'
      ? {}
      : {
          pinned: {
            contentHash: documentHash(granted.document),
            ...(granted.versionId ? { policyVersionId: granted.versionId } : {}),
          },
        }),
  };
}
