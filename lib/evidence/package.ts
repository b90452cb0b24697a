import { type Column, escapeHtml, renderCsv, renderJson } from '../cli/output.js';
import type { Decision } from '../domain/decision.js';
import type { EvidenceData } from '../domain/evidence/collect.js';
import {
  CONTROLS,
  type ControlEvidence,
  describeFilter,
  EVIDENCE_PARTS,
  type EvidencePart,
  type RowFilter,
} from '../domain/evidence/controls.js';
import {
  buildManifest,
  MANIFEST_FILE,
  type Manifest,
  renderManifest,
  sha256Hex,
} from '../domain/evidence/manifest.js';
import type { ExecutionRecord } from '../domain/execution.js';
import type { Finding } from '../domain/finding.js';
import { type FindingProjection, findingCsvCells, projectFinding } from '../domain/finding-projection.js';
import type { ExceptionRow } from '../domain/reports/exceptions/build.js';
import type { CampaignRow } from '../domain/reports/reviews/build.js';
import type { DeniedAttemptRow } from '../domain/reports/violations/build.js';

/** A policy file in force for the package, with the version decisions cite (`sha256:` of its canonical form). */
export interface PolicyInForce {
  readonly version: string;
  /** Where it was read from (a path, or the path inside the function bundle). */
  readonly source: string;
  readonly text: string;
}

export interface PackageInput {
  readonly data: EvidenceData;
  readonly policies: readonly PolicyInForce[];
  /** `local`, `stack:<name>`, `tables:<decisions table>`, `lambda:<function>`: where the data came from. */
  readonly source: string;
  readonly generator: string;
}

export interface EvidencePackage {
  /** Every file of the package by path, the manifest included. */
  readonly files: ReadonlyMap<string, Uint8Array>;
  readonly manifest: Manifest;
  /** Rows per part, as the index counts them. */
  readonly rows: Readonly<Record<EvidencePart, number>>;
}

interface ApprovalRow {
  readonly decisionId: string;
  readonly kind: string;
  readonly identityKey: string;
  readonly requester: string;
  readonly approver: string;
  readonly at: string;
  readonly basis: string;
  readonly tier: string;
  readonly requiredApprovals: number;
  readonly policyVersion: string;
}

interface BreakGlassRow {
  readonly decisionId: string;
  readonly identityKey: string;
  readonly requester: string;
  readonly approvers: readonly string[];
  readonly activatedAt: string | null;
  readonly expiresAt: string | null;
  readonly reviewDueAt: string | null;
  readonly reviewedBy: string | null;
  readonly reviewedAt: string | null;
  /** `on-time`, `late`, `overdue` (no review, past due at the end of the period) or `pending`. */
  readonly review: 'on-time' | 'late' | 'overdue' | 'pending';
  readonly status: string;
  readonly policyVersion: string;
}

interface PolicyRow {
  readonly policyVersion: string;
  readonly decisions: number;
  readonly file: string | null;
  readonly fileSha256: string | null;
  readonly source: string | null;
}

interface Part<T> {
  readonly name: EvidencePart;
  readonly description: string;
  readonly rows: readonly T[];
  readonly columns: readonly Column<T>[];
  /** The JSON form of a row, when it keeps more than the CSV (nested approvals, history, calls). */
  readonly json?: (row: T) => unknown;
  readonly matches?: (row: T, where: RowFilter) => boolean;
}

const list = (values: readonly string[] | undefined) => (values ?? []).join('; ');

/** The evidence package's findings columns: its own headers over keys of the one finding projection. */
const FINDING_EVIDENCE_COLUMNS: readonly (readonly [string, keyof FindingProjection])[] = [
  ['id', 'id'],
  ['type', 'type'],
  ['severity', 'severity'],
  ['status', 'status'],
  ['identity', 'identityKey'],
  ['owner', 'owner'],
  ['title', 'title'],
  ['first_seen', 'firstSeen'],
  ['last_seen', 'lastSeen'],
  ['resolved_at', 'resolvedAt'],
  ['suppressed_by', 'suppressedBy'],
  ['owasp_nhi', 'owaspNhi'],
  ['nist_csf', 'nistCsf'],
  ['evidence', 'evidence'],
];

function breakGlassRow(d: Decision, periodEnd: string): BreakGlassRow {
  const due = d.reviewDueAt ?? null;
  const reviewedAt = d.reviewedAt ?? null;
  const review: BreakGlassRow['review'] = reviewedAt
    ? due && reviewedAt > due
      ? 'late'
      : 'on-time'
    : due && due < periodEnd
      ? 'overdue'
      : 'pending';
  return {
    decisionId: d.id,
    identityKey: d.identityKey,
    requester: d.requester,
    approvers: d.approvals.map((a) => a.approver),
    activatedAt: d.decidedAt ?? null,
    expiresAt: d.expiresAt ?? null,
    reviewDueAt: due,
    reviewedBy: d.reviewedBy ?? null,
    reviewedAt,
    review,
    status: d.status,
    policyVersion: d.policyVersion,
  };
}

function policyRows(data: EvidenceData, policies: readonly PolicyInForce[]): PolicyRow[] {
  const cited = new Map<string, number>();
  for (const d of data.decisions) cited.set(d.policyVersion, (cited.get(d.policyVersion) ?? 0) + 1);
  for (const p of policies) if (!cited.has(p.version)) cited.set(p.version, 0);
  return [...cited.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([version, decisions]) => {
      const file = policies.find((p) => p.version === version);
      return {
        policyVersion: version,
        decisions,
        file: file ? policyPath(version) : null,
        fileSha256: file ? sha256Hex(file.text) : null,
        source: file?.source ?? null,
      };
    });
}

const policyPath = (version: string) => `policies/${version.replace(/^sha256:/, '').slice(0, 16)}.yaml`;

function parts(data: EvidenceData, policies: readonly PolicyInForce[]) {
  const decisions: Part<Decision> = {
    name: 'decisions',
    description:
      'Decisions with any activity in the period: request, tier, approvals, history, policy version.',
    rows: data.decisions,
    columns: [
      { header: 'decision_id', value: (d) => d.id },
      { header: 'kind', value: (d) => d.kind },
      { header: 'status', value: (d) => d.status },
      { header: 'identity', value: (d) => d.identityKey },
      { header: 'requester', value: (d) => d.requester },
      { header: 'owner', value: (d) => d.owner },
      { header: 'source', value: (d) => d.source },
      { header: 'tier', value: (d) => d.tier },
      { header: 'required_approvals', value: (d) => d.requiredApprovals },
      { header: 'approvers', value: (d) => list(d.approvals.map((a) => a.approver)) },
      { header: 'policy_version', value: (d) => d.policyVersion },
      { header: 'created_at', value: (d) => d.createdAt },
      { header: 'decided_at', value: (d) => d.decidedAt },
      { header: 'expires_at', value: (d) => d.expiresAt },
      { header: 'renewal_of', value: (d) => d.renewalOf },
      { header: 'revokes', value: (d) => d.revokes },
      { header: 'status_reason', value: (d) => d.statusReason },
    ],
    // The Step Functions task token is a credential of sorts: it never leaves the table.
    json: ({ taskToken: _token, ...d }) => d,
    matches: (d, where) => ('kinds' in where ? where.kinds.includes(d.kind) : true),
  };
  const approvals: Part<ApprovalRow> = {
    name: 'approvals',
    description:
      'Every approval given in the period: who, when, on what basis, under which tier and policy version.',
    rows: data.decisions
      .flatMap((d) =>
        d.approvals.map((a) => ({
          decisionId: d.id,
          kind: d.kind,
          identityKey: d.identityKey,
          requester: d.requester,
          approver: a.approver,
          at: a.at,
          basis: a.basis,
          tier: d.tier,
          requiredApprovals: d.requiredApprovals,
          policyVersion: d.policyVersion,
        })),
      )
      .filter((a) => a.at >= data.period.from && a.at < data.period.to)
      .sort((a, b) => a.at.localeCompare(b.at) || a.decisionId.localeCompare(b.decisionId)),
    columns: [
      { header: 'decision_id', value: (a) => a.decisionId },
      { header: 'kind', value: (a) => a.kind },
      { header: 'identity', value: (a) => a.identityKey },
      { header: 'requester', value: (a) => a.requester },
      { header: 'approver', value: (a) => a.approver },
      { header: 'at', value: (a) => a.at },
      { header: 'basis', value: (a) => a.basis },
      { header: 'tier', value: (a) => a.tier },
      { header: 'required_approvals', value: (a) => a.requiredApprovals },
      { header: 'policy_version', value: (a) => a.policyVersion },
    ],
  };
  const refused: Part<DeniedAttemptRow> = {
    name: 'refused-attempts',
    description:
      'Refused attempts in the period: separation-of-duties refusals and policy denials. Nothing was changed.',
    rows: data.deniedAttempts,
    columns: [
      { header: 'at', value: (a) => a.at },
      { header: 'decision_id', value: (a) => a.decisionId },
      { header: 'actor', value: (a) => a.actor },
      { header: 'action', value: (a) => a.action },
      { header: 'code', value: (a) => a.code },
      { header: 'category', value: (a) => a.category },
      { header: 'reason', value: (a) => a.reason },
    ],
  };
  const executions: Part<ExecutionRecord> = {
    name: 'executions',
    description:
      'The execution trail (append-only, written only by the executors): every action taken for a decision version, with its AWS calls. Kept apart from the decisions.',
    rows: data.executions,
    columns: [
      { header: 'decision_id', value: (r) => r.decisionId },
      { header: 'decision_version', value: (r) => r.decisionVersion },
      { header: 'step', value: (r) => r.step },
      { header: 'action', value: (r) => r.action },
      { header: 'kind', value: (r) => r.kind },
      { header: 'status', value: (r) => r.status },
      { header: 'identity', value: (r) => r.identityKey },
      { header: 'identity_arn', value: (r) => r.identityArn },
      { header: 'executor', value: (r) => r.executor },
      { header: 'calls', value: (r) => r.calls.map((c) => `${c.api} ${c.target} ${c.outcome}`).join('; ') },
      { header: 'started_at', value: (r) => r.startedAt },
      { header: 'finished_at', value: (r) => r.finishedAt },
      { header: 'decided_at', value: (r) => r.decidedAt },
      { header: 'latency_ms', value: (r) => r.latencyMs },
      { header: 'error', value: (r) => r.error },
    ],
    matches: (r, where) => ('kinds' in where ? where.kinds.includes(r.kind) : true),
  };
  const exceptions: Part<ExceptionRow> = {
    name: 'exceptions',
    description:
      'Exceptions in force during the period: owner, risk acceptance (risk, risk owner, residual severity, compensating controls), approvers, expiry and the decision each renews.',
    rows: data.exceptions,
    columns: [
      { header: 'decision_id', value: (e) => e.decisionId },
      { header: 'state_at_period_end', value: (e) => e.state },
      { header: 'identity', value: (e) => e.identityKey },
      { header: 'owner', value: (e) => e.owner },
      { header: 'risk_owner', value: (e) => e.riskOwner },
      { header: 'risk', value: (e) => e.risk },
      { header: 'residual_severity', value: (e) => e.residualSeverity },
      { header: 'finding_types', value: (e) => list(e.findingTypes) },
      { header: 'compensating_controls', value: (e) => list(e.compensatingControls) },
      { header: 'approved_at', value: (e) => e.approvedAt },
      { header: 'approvers', value: (e) => list(e.approvers) },
      { header: 'expires_at', value: (e) => e.expiresAt },
      { header: 'renewal_of', value: (e) => e.renewalOf },
      { header: 'policy_version', value: (e) => e.policyVersion },
    ],
  };
  const breakGlass: Part<BreakGlassRow> = {
    name: 'break-glass',
    description: 'Break-glass activations in or overlapping the period, and their after-the-fact review.',
    rows: data.breakGlass.map((d) => breakGlassRow(d, data.period.to)),
    columns: [
      { header: 'decision_id', value: (b) => b.decisionId },
      { header: 'identity', value: (b) => b.identityKey },
      { header: 'requester', value: (b) => b.requester },
      { header: 'approvers', value: (b) => list(b.approvers) },
      { header: 'activated_at', value: (b) => b.activatedAt },
      { header: 'expires_at', value: (b) => b.expiresAt },
      { header: 'review_due_at', value: (b) => b.reviewDueAt },
      { header: 'reviewed_by', value: (b) => b.reviewedBy },
      { header: 'reviewed_at', value: (b) => b.reviewedAt },
      { header: 'review', value: (b) => b.review },
      { header: 'status', value: (b) => b.status },
      { header: 'policy_version', value: (b) => b.policyVersion },
    ],
  };
  const certifications: Part<CampaignRow> = {
    name: 'certifications',
    description: 'Certification campaigns open during the period, with their completion.',
    rows: data.campaigns,
    columns: [
      { header: 'campaign_id', value: (c) => c.campaignId },
      { header: 'name', value: (c) => c.name },
      { header: 'status', value: (c) => c.status },
      { header: 'created_at', value: (c) => c.createdAt },
      { header: 'due_at', value: (c) => c.dueAt },
      { header: 'overdue', value: (c) => String(c.overdue) },
      { header: 'items', value: (c) => c.items },
      { header: 'reviewed', value: (c) => c.reviewed },
      { header: 'kept', value: (c) => c.kept },
      { header: 'revoked', value: (c) => c.revoked },
      { header: 'pending', value: (c) => c.pending },
      { header: 'completion_pct', value: (c) => c.completionPct },
    ],
  };
  const findings: Part<Finding> = {
    name: 'findings',
    description: 'Findings opened or resolved in the period, with their evidence and framework mapping.',
    rows: data.findings,
    // The public projection's CSV cells (lib/domain/finding-projection.ts) under the evidence headers.
    columns: FINDING_EVIDENCE_COLUMNS.map(([header, key]) => ({
      header,
      value: (f: Finding) => findingCsvCells(projectFinding(f, new Date(data.generatedAt)))[key],
    })),
    matches: (f, where) =>
      'owaspNhi' in where
        ? f.frameworks.owaspNhi.some((m) => m.startsWith(`${where.owaspNhi} `) || m === where.owaspNhi)
        : 'findingTypes' in where
          ? where.findingTypes.includes(f.type)
          : true,
  };
  const policyPart: Part<PolicyRow> = {
    name: 'policies',
    description:
      'Policy versions cited by the period’s decisions, and the policy file(s) in force, included by hash under policies/.',
    rows: policyRows(data, policies),
    columns: [
      { header: 'policy_version', value: (p) => p.policyVersion },
      { header: 'decisions', value: (p) => p.decisions },
      { header: 'file', value: (p) => p.file },
      { header: 'file_sha256', value: (p) => p.fileSha256 },
      { header: 'source', value: (p) => p.source },
    ],
  };
  return [
    decisions,
    approvals,
    refused,
    executions,
    exceptions,
    breakGlass,
    certifications,
    findings,
    policyPart,
  ] as const;
}

type AnyPart = Part<never>;

function countFor(part: AnyPart, where: RowFilter | undefined): number {
  if (!where) return part.rows.length;
  const matches = part.matches as ((row: unknown, w: RowFilter) => boolean) | undefined;
  if (!matches) return part.rows.length;
  return part.rows.filter((r) => matches(r, where)).length;
}

function indexHtml(data: EvidenceData, all: readonly AnyPart[], source: string): string {
  const e = (v: unknown) => escapeHtml(String(v ?? ''));
  const byName = new Map(all.map((p) => [p.name, p]));
  const evidenceCell = (ev: ControlEvidence) => {
    const part = byName.get(ev.part) as AnyPart;
    const n = countFor(part, ev.where);
    return `<li><a href="${e(ev.part)}.csv">${e(ev.part)}.csv</a> · <a href="${e(ev.part)}.json">json</a> — ${n} row${n === 1 ? '' : 's'} (${e(describeFilter(ev.where))})</li>`;
  };
  const controls = CONTROLS.map(
    (c) =>
      `<tr><td>${e(c.framework)}</td><td><strong>${e(c.id)}</strong></td><td>${e(c.title)}</td><td><ul>${c.evidence.map(evidenceCell).join('')}</ul></td></tr>`,
  ).join('\n');
  const files = all
    .map(
      (p) =>
        `<tr><td><a href="${e(p.name)}.csv">${e(p.name)}.csv</a> · <a href="${e(p.name)}.json">json</a></td><td>${p.rows.length}</td><td>${e(p.description)}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>nhi-gov evidence ${e(data.period.from)} – ${e(data.period.to)}</title>
<style>
body{font:14px system-ui,sans-serif;margin:2rem;color:#1b1f24;max-width:72rem}
table{border-collapse:collapse;width:100%;margin-bottom:2rem}th,td{border-bottom:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}ul{margin:0;padding-left:1rem}code{font-size:12px}
</style>
</head>
<body>
<h1>nhi-gov evidence package</h1>
<p>Period <code>${e(data.period.from)}</code> (inclusive) to <code>${e(data.period.to)}</code> (exclusive). Generated <code>${e(data.generatedAt)}</code> from <code>${e(source)}</code>.</p>
<p>Every file of this package is listed in <a href="${MANIFEST_FILE}">${MANIFEST_FILE}</a> with its SHA-256, and the manifest carries a digest over the whole package. Check it with <code>nhi-gov evidence verify &lt;dir&gt;</code>. The decision trail (decisions, approvals, refused attempts) and the execution trail (executions) are separate files from separate tables, written by different roles.</p>
<h2>Controls</h2>
<table>
<thead><tr><th>Framework</th><th>Control</th><th>What it asks</th><th>Evidence in this package</th></tr></thead>
<tbody>
${controls}
</tbody>
</table>
<h2>Files</h2>
<table>
<thead><tr><th>File</th><th>Rows</th><th>What it proves</th></tr></thead>
<tbody>
${files}
</tbody>
</table>
</body>
</html>
`;
}

const encoder = new TextEncoder();

/**
 * Renders a period's evidence as files: `<part>.json` and `<part>.csv` for every part, the policy files
 * in force under `policies/`, `index.html` (controls to files, with row counts) and `manifest.json`.
 */
export function buildEvidencePackage(input: PackageInput): EvidencePackage {
  const { data } = input;
  const all = parts(data, input.policies) as unknown as readonly AnyPart[];
  const files = new Map<string, Uint8Array>();
  const rows = {} as Record<EvidencePart, number>;
  for (const part of all) {
    const toJson = (part.json ?? ((r: unknown) => r)) as (r: unknown) => unknown;
    files.set(
      `${part.name}.json`,
      encoder.encode(
        renderJson({
          part: part.name,
          description: part.description,
          period: data.period,
          generatedAt: data.generatedAt,
          rows: part.rows.map(toJson),
        }),
      ),
    );
    files.set(`${part.name}.csv`, encoder.encode(renderCsv(part.rows, part.columns as Column<unknown>[])));
    rows[part.name] = part.rows.length;
  }
  for (const p of input.policies) files.set(policyPath(p.version), encoder.encode(p.text));
  files.set('index.html', encoder.encode(indexHtml(data, all, input.source)));
  const manifest = buildManifest(files, {
    period: data.period,
    generatedAt: data.generatedAt,
    generator: input.generator,
    source: input.source,
  });
  files.set(MANIFEST_FILE, encoder.encode(renderManifest(manifest)));
  // Same order as EVIDENCE_PARTS, for callers that print a summary.
  const ordered = Object.fromEntries(EVIDENCE_PARTS.map((p) => [p, rows[p] ?? 0])) as Record<
    EvidencePart,
    number
  >;
  return { files, manifest, rows: ordered };
}

/** Rows each control has in each of its files: what the index prints (and what tests check). */
export function controlCoverage(data: EvidenceData, policies: readonly PolicyInForce[]) {
  const all = parts(data, policies) as unknown as readonly AnyPart[];
  const byName = new Map(all.map((p) => [p.name, p]));
  return CONTROLS.map((c) => ({
    control: `${c.framework} ${c.id}`,
    files: c.evidence.map((ev) => ({
      file: `${ev.part}.csv`,
      rows: countFor(byName.get(ev.part) as AnyPart, ev.where),
    })),
  }));
}
