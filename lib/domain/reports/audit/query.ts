import type { Decision } from '../../decision.js';
import { NotFoundError } from '../../errors.js';
import type { Finding } from '../../finding.js';
import { mapLimit, type QueryOptions, type ReportSources } from '../sources.js';
import { type AuditReport, type AuditSubject, buildAuditReport } from './build.js';

/** True when a finding is about this decision: raised on it, suppressed by it, or naming it in evidence. */
function concernsDecision(finding: Finding, decisionId: string): boolean {
  return (
    finding.identityKey === `decision/${decisionId}` ||
    finding.suppressedBy === decisionId ||
    JSON.stringify(finding.evidence).includes(decisionId)
  );
}

/**
 * The full trail of one decision or one identity.
 * @throws NotFoundError when the subject is a decision id that does not exist.
 */
export async function auditReport(
  sources: ReportSources,
  subject: { readonly decisionId: string } | { readonly identityKey: string },
  options: QueryOptions,
): Promise<AuditReport> {
  if ('decisionId' in subject) {
    const decision = await sources.decisions.get(subject.decisionId);
    if (!decision) throw new NotFoundError(`no decision with id ${subject.decisionId}`);
    const [deniedAttempts, executions, onDecision, onIdentity] = await Promise.all([
      sources.decisions.listDeniedAttempts(decision.id),
      sources.executions.listForDecision(decision.id),
      sources.findings.listByIdentity(`decision/${decision.id}`),
      sources.findings.listByIdentity(decision.identityKey),
    ]);
    const auditSubject: AuditSubject = {
      type: 'decision',
      decisionId: decision.id,
      identityKey: decision.identityKey,
    };
    return buildAuditReport({
      now: options.now,
      subject: auditSubject,
      decisions: [decision],
      deniedAttempts,
      executions,
      findings: [...onDecision, ...onIdentity.filter((f) => concernsDecision(f, decision.id))],
    });
  }
  const key = subject.identityKey;
  // One identity name may exist in several accounts: the decisions of each account the store knows
  // (by-identity partitions are per account), and those naming no account.
  const accounts = (await sources.scans?.listLatestScans())?.map((s) => s.accountId) ?? [];
  const byId = new Map<string, Decision>();
  for (const list of await Promise.all([
    sources.decisions.listByIdentity(key),
    ...accounts.map((a) => sources.decisions.listByIdentity(key, a)),
  ]))
    for (const d of list) byId.set(d.id, d);
  const ordered = [...byId.values()].sort((a, b) =>
    `${a.createdAt}#${a.id}`.localeCompare(`${b.createdAt}#${b.id}`),
  );
  const [decisions, executions, findings] = await Promise.all([
    Promise.resolve(ordered),
    sources.executions.listForIdentity(key),
    sources.findings.listByIdentity(key),
  ]);
  let done = 0;
  const perDecision = await mapLimit(decisions, 8, async (d) => {
    const [attempts, onDecision] = await Promise.all([
      sources.decisions.listDeniedAttempts(d.id),
      sources.findings.listByIdentity(`decision/${d.id}`),
    ]);
    options.progress?.(++done, decisions.length, `reading decision ${d.id}`);
    return { attempts, onDecision };
  });
  return buildAuditReport({
    now: options.now,
    subject: { type: 'identity', identityKey: key },
    decisions,
    deniedAttempts: perDecision.flatMap((p) => p.attempts),
    executions,
    findings: [...findings, ...perDecision.flatMap((p) => p.onDecision)],
  });
}
