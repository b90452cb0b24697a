import type { AuditReport } from '../../domain/reports/audit.js';
import type { DriftReport } from '../../domain/reports/drift.js';
import type { ExceptionsReport } from '../../domain/reports/exceptions.js';
import type { FindingsOverTimePoint, FindingsReport } from '../../domain/reports/findings.js';
import type { ProvisioningReport } from '../../domain/reports/provisioning.js';
import type { ReviewsReport } from '../../domain/reports/reviews.js';
import { daysInRange } from '../../domain/reports/stats.js';
import type { ViolationsReport } from '../../domain/reports/violations.js';
import { formatDuration } from '../report/format.js';
import { type AnyReport, lastScanText, staleScanWarning, viewOf } from '../report/views.js';
import { barChart, lineChart, PALETTE } from './charts.js';
import { type PageChart, type PageInput, renderPage } from './page.js';

type Card = PageInput['cards'][number];

const percent = (pct: number | null) => (pct === null ? '-' : `${pct}%`);

function findingsOverTime(r: FindingsReport): PageChart {
  // Every day of the window on the axis, a point only on the days a scan ran: no line across days
  // nobody looked at.
  const days = daysInRange(new Date(r.window.since), new Date(r.window.until));
  const byDay = new Map(r.overTime.map((p) => [p.day, p]));
  const value = (f: (p: FindingsOverTimePoint) => number) =>
    days.map((d) => {
      const p = byDay.get(d);
      return p ? f(p) : null;
    });
  return {
    title: 'Findings over time',
    svg: lineChart({
      label: 'Open findings on the days a scan ran',
      empty: 'No scan in the window',
      categories: days,
      breakOnGaps: true,
      series: [
        { name: 'all open', color: PALETTE.primary, values: value((p) => p.total) },
        { name: 'critical + high', color: PALETTE.critical, values: value((p) => p.critical + p.high) },
      ],
    }),
    caption: `Open findings as each scan saw them: one point per day a scan ran (${r.overTime.length} in the window), none where no scan ran. Last scan: ${lastScanText(r)}.`,
  };
}

function findingsBySeverity(r: FindingsReport): PageChart {
  return {
    title: 'By severity',
    svg: barChart({
      label: 'Findings by severity',
      empty: 'No findings',
      categories: r.bySeverity.map((s) => s.severity),
      series: [
        {
          name: 'findings',
          color: PALETTE.high,
          values: r.bySeverity.map((s) => s.count),
          colors: r.bySeverity.map((s) => PALETTE[s.severity]),
        },
      ],
    }),
    caption: `${r.total} ${r.scope.status} findings in scope.`,
  };
}

function findingsByAge(r: FindingsReport): PageChart {
  return {
    title: 'Finding age',
    svg: barChart({
      label: 'Findings by age',
      empty: 'No findings',
      categories: r.byAge.map((a) => a.bucket),
      series: [{ name: 'findings', color: PALETTE.secondary, values: r.byAge.map((a) => a.count) }],
    }),
    caption: 'Days since each finding was first seen.',
  };
}

function exceptionAge(r: ExceptionsReport): PageChart {
  return {
    title: 'Exception age',
    svg: barChart({
      label: 'Exceptions by days in force',
      empty: 'No exceptions',
      categories: r.ageDistribution.map((a) => a.bucket),
      series: [
        { name: 'in force', color: PALETTE.high, values: r.ageDistribution.map((a) => a.inForce) },
        { name: 'expired', color: PALETTE.muted, values: r.ageDistribution.map((a) => a.expired) },
      ],
    }),
    caption:
      'Days each exception has been in force (expired ones: how long they lasted). Exceptions are meant to be short.',
  };
}

function provisioningLatency(r: ProvisioningReport): PageChart {
  return {
    title: 'Provisioning latency',
    svg: barChart({
      label: 'Provisioning latency by kind',
      empty: 'No executions in the window',
      categories: r.byKind.map(
        (k) =>
          `${k.kind}\n${k.direction === 'grant' ? 'to grant' : k.direction === 'remove' ? 'to remove' : 'to rotate'}`,
      ),
      series: [
        { name: 'median', color: PALETTE.good, values: r.byKind.map((k) => k.medianMs) },
        { name: 'p95', color: PALETTE.medium, values: r.byKind.map((k) => k.p95Ms) },
        { name: 'worst', color: PALETTE.critical, values: r.byKind.map((k) => k.worstMs) },
      ],
      format: (v) => formatDuration(v),
      durationAxis: true,
    }),
    caption: 'From approval to grant, and from revoke or expiry to removal, for executions that succeeded.',
  };
}

function provisioningDaily(r: ProvisioningReport): PageChart {
  const days = [...new Set(r.daily.map((d) => d.day))].sort();
  const line = (direction: string) =>
    days.map((day) => r.daily.find((d) => d.day === day && d.direction === direction)?.medianMs ?? null);
  return {
    title: 'Median latency per day',
    svg: lineChart({
      label: 'Median provisioning latency per day',
      empty: 'No executions in the window',
      categories: days,
      series: [
        { name: 'time to grant', color: PALETTE.primary, values: line('grant') },
        { name: 'time to remove', color: PALETTE.tertiary, values: line('remove') },
      ],
      format: (v) => formatDuration(v),
      durationAxis: true,
    }),
    caption: 'Median of the executions finished on each day.',
  };
}

function violationsByCode(r: ViolationsReport): PageChart {
  const categories = ['separation of duties', 'policy denials', 'forged events', 'unapproved access'];
  const s = r.summary;
  return {
    title: 'Violations',
    svg: barChart({
      label: 'Violations by category',
      empty: 'No violations in the window',
      categories,
      series: [
        {
          name: 'count',
          color: PALETTE.critical,
          values: [s.separationOfDuties, s.policyDenials, s.forgedEvents, s.unapprovedAccess],
        },
      ],
    }),
    caption: 'Refused attempts (the controls working) and findings that should never exist.',
  };
}

function reviewCompletion(r: ReviewsReport): PageChart {
  return {
    title: 'Review completion',
    svg: barChart({
      label: 'Certification completion per campaign',
      empty: 'No certification campaigns',
      categories: r.campaigns.map((c) => c.name),
      series: [{ name: 'complete', color: PALETTE.good, values: r.campaigns.map((c) => c.completionPct) }],
      format: (v) => `${Math.round(v)}%`,
    }),
    caption: 'Share of each campaign’s items reviewed (kept or revoked).',
  };
}

function driftChart(r: DriftReport): PageChart {
  const s = r.summary;
  return {
    title: 'IAM changes by verdict',
    svg: barChart({
      label: 'IAM changes by verdict',
      empty: 'No IAM changes in the window',
      categories: ['approved decision', 'never approved', 'no decision', 'unapproved access'],
      series: [
        {
          name: 'changes',
          color: PALETTE.primary,
          values: [s.approved, s.notApproved, s.noDecision, s.unapprovedAccess],
        },
      ],
    }),
    caption: 'Every change should sit in the first column; anything else is drift.',
  };
}

function auditChart(r: AuditReport): PageChart {
  const sources = ['decision', 'approval', 'denied-attempt', 'execution', 'finding'] as const;
  return {
    title: 'Trail by source',
    svg: barChart({
      label: 'Audit trail entries by source',
      empty: 'Nothing recorded',
      categories: [...sources],
      series: [
        {
          name: 'entries',
          color: PALETTE.primary,
          values: sources.map((s) => r.timeline.filter((t) => t.source === s).length),
        },
      ],
    }),
    caption: 'Entries of the timeline below, by where they were recorded.',
  };
}

const count = (label: string, value: number, tone?: Card['tone']): Card => ({
  label,
  value: String(value),
  ...(tone && value > 0 ? { tone } : {}),
});

function parts(report: AnyReport): { charts: PageChart[]; cards: Card[] } {
  switch (report.report) {
    case 'findings': {
      const sev = (s: string) => report.bySeverity.find((b) => b.severity === s)?.count ?? 0;
      return {
        charts: [findingsOverTime(report), findingsBySeverity(report), findingsByAge(report)],
        cards: [
          count(`${report.scope.status} findings`, report.total, 'warn'),
          count('critical', sev('critical'), 'bad'),
          count('high', sev('high'), 'bad'),
          count('owners', report.byOwner.length),
          count('no owner', report.withoutOwner, 'warn'),
        ],
      };
    }
    case 'exceptions':
      return {
        charts: [exceptionAge(report)],
        cards: [
          count('active', report.summary.active),
          count(`expiring in ${report.expiringWithinDays}d`, report.summary.expiringSoon, 'warn'),
          count('past expiry', report.summary.overdue, 'bad'),
          count('expired', report.summary.expired),
        ],
      };
    case 'provisioning': {
      const grant = report.byDirection.find((d) => d.direction === 'grant');
      const remove = report.byDirection.find((d) => d.direction === 'remove');
      return {
        charts: [provisioningLatency(report), provisioningDaily(report)],
        cards: [
          { label: 'median time to grant', value: formatDuration(grant?.medianMs) },
          { label: 'p95 time to grant', value: formatDuration(grant?.p95Ms) },
          { label: 'median time to remove', value: formatDuration(remove?.medianMs) },
          { label: 'p95 time to remove', value: formatDuration(remove?.p95Ms) },
          count(
            'failed',
            report.byDirection.reduce((n, d) => n + d.failed, 0),
            'bad',
          ),
        ],
      };
    }
    case 'violations':
      return {
        charts: [violationsByCode(report)],
        cards: [
          count('separation of duties', report.summary.separationOfDuties, 'warn'),
          count('policy denials', report.summary.policyDenials),
          count('forged events', report.summary.forgedEvents, 'bad'),
          count('unapproved access', report.summary.unapprovedAccess, 'bad'),
        ],
      };
    case 'reviews':
      return {
        charts: [reviewCompletion(report)],
        cards: [
          { label: 'completion', value: percent(report.summary.completionPct) },
          count('open campaigns', report.summary.open),
          count('overdue campaigns', report.summary.overdueCampaigns, 'bad'),
          count('overdue items', report.summary.overdueItems, 'bad'),
        ],
      };
    case 'drift':
      return {
        charts: [driftChart(report)],
        cards: [
          count('IAM changes', report.summary.changes),
          count('with approved decision', report.summary.approved),
          count('no decision', report.summary.noDecision + report.summary.notApproved, 'bad'),
          count('unapproved access', report.summary.unapprovedAccess, 'bad'),
        ],
      };
    case 'audit':
      return {
        charts: [auditChart(report)],
        cards: [
          count('decisions', report.summary.decisions),
          count('approvals', report.summary.approvals),
          count('refused attempts', report.summary.deniedAttempts, 'warn'),
          count('executions', report.summary.executions),
          count('open findings', report.summary.openFindings, 'bad'),
        ],
      };
    case 'overview': {
      const grant = report.provisioning.byDirection.find((d) => d.direction === 'grant');
      return {
        charts: [
          findingsOverTime(report.findings),
          exceptionAge(report.exceptions),
          provisioningLatency(report.provisioning),
          violationsByCode(report.violations),
          ...(report.reviews ? [reviewCompletion(report.reviews)] : []),
        ],
        cards: [
          count('open findings', report.findings.total, 'warn'),
          count(
            'critical + high',
            report.findings.bySeverity
              .filter((s) => s.severity === 'critical' || s.severity === 'high')
              .reduce((n, s) => n + s.count, 0),
            'bad',
          ),
          count('active exceptions', report.exceptions.summary.active),
          count('exceptions past expiry', report.exceptions.summary.overdue, 'bad'),
          { label: 'median time to grant', value: formatDuration(grant?.medianMs) },
          // The same number as the headline and the sum of the violations chart's bars.
          count('violations', report.violations.summary.total, 'bad'),
          ...(report.reviews
            ? [{ label: 'review completion', value: percent(report.reviews.summary.completionPct) }]
            : []),
        ],
      };
    }
  }
}

/** Warnings at the top of a page whose findings may be out of date. */
function warningsOf(report: AnyReport): string[] {
  const findings =
    report.report === 'findings' ? report : report.report === 'overview' ? report.findings : undefined;
  const warning = findings ? staleScanWarning(findings) : undefined;
  return warning ? [warning] : [];
}

/**
 * The HTML page of a report: headline, cards, charts and the report's tables, in one file. The header
 * says both when the page was generated and the moment it describes (the report's `--as-of`).
 */
export function renderHtmlReport(report: AnyReport, generatedAt: Date = new Date()): string {
  return renderPage({
    view: viewOf(report),
    generatedAt: generatedAt.toISOString(),
    asOf: report.asOf,
    warnings: warningsOf(report),
    ...parts(report),
  });
}
