/**
 * Benchmark: every report on a findings table of 1,000 and of 100,000 findings (#16.5). The findings
 * are written straight to DynamoDB Local with BatchWriteItem (the adapter's own item shape and keys),
 * not by scans, so seeding takes a minute, not an hour. Each store holds the same fixed "probe" slice
 * (one owner, one account, the only critical findings, 100 findings) on top of a bulk that grows with
 * the size, so a filtered report has the same answer at both sizes and its read cost can be compared:
 * the target is read units at 100,000 / read units at 1,000 <= 1.2 for the same answer.
 * Read units are DynamoDB's own (ReturnConsumedCapacity=TOTAL, summed by a middleware on the document
 * client: lib/adapters/dynamodb/read-meter.ts); items read are the queries' ScannedCount.
 *
 *   npm run bench -- --only reports                     # 1,000 and 100,000 findings
 *   npm run bench -- --only reports --sizes 1000,10000  # other sizes
 */
import { loadavg } from 'node:os';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, localDynamoClient } from '../lib/adapters/dynamodb/client.js';
import { ensureTables } from '../lib/adapters/dynamodb/create-tables.js';
import { findingItem } from '../lib/adapters/dynamodb/finding-store.js';
import { startLocalDynamo } from '../lib/adapters/dynamodb/local-server.js';
import { meterReads, type ReadTally, resetTally } from '../lib/adapters/dynamodb/read-meter.js';
import { DynamoScanLog } from '../lib/adapters/dynamodb/scan-log.js';
import { storesFor } from '../lib/cli/local-store.js';
import { renderReport } from '../lib/cli/report/render.js';
import { reportSources } from '../lib/cli/report/sources.js';
import { localTableNames } from '../lib/config/tables.js';
import { type Finding, type FindingType, FRAMEWORKS, findingId } from '../lib/domain/finding.js';
import type { Severity } from '../lib/domain/primitives.js';
import { auditReport } from '../lib/domain/reports/audit/query.js';
import { driftReport } from '../lib/domain/reports/drift/query.js';
import { exceptionsReport } from '../lib/domain/reports/exceptions/query.js';
import { buildFindingsReport } from '../lib/domain/reports/findings/build.js';
import { findingsReport } from '../lib/domain/reports/findings/query.js';
import { overviewReport } from '../lib/domain/reports/overview/query.js';
import { provisioningReport } from '../lib/domain/reports/provisioning/query.js';
import { reviewsReport } from '../lib/domain/reports/reviews/query.js';
import type { ReportSources } from '../lib/domain/reports/sources.js';
import { violationsReport } from '../lib/domain/reports/violations/query.js';
import type { BenchContext } from './index.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const WINDOW = { since: '2026-01-30T12:00:00.000Z', until: NOW.toISOString() };
/**
 * The probe slice, the same in every store: 100 critical findings of one owner in one account, and 10
 * open unapproved-access findings in that account (what drift and violations list).
 */
export const PROBE = { owner: 'team-probe', accountId: '000000000999', size: 100, unapproved: 10 } as const;
/** Bulk types: none of them a violation or drift type, so those reports' answers do not grow either. */
const BULK_TYPES: readonly FindingType[] = [
  'stale-role',
  'unused-access-key',
  'unrotated-access-key',
  'orphaned-identity',
  'human-use-of-nhi',
  'certification-overdue',
];
const BULK_SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high'];
const PROBE_TYPES: readonly FindingType[] = ['unrotated-access-key', 'stale-role'];

const day = (n: number) => new Date(Date.parse('2026-02-28T00:00:00.000Z') - n * 86_400_000).toISOString();

/** The findings of a store of `n`: the probe slice, then a bulk spread over 50 accounts and 200 owners. */
export function* benchFindings(n: number): Generator<Finding> {
  for (let i = 0; i < n; i++) {
    if (i >= PROBE.size && i < PROBE.size + PROBE.unapproved) {
      const identityKey = `role/shadow-${i}`;
      yield {
        id: findingId('unapproved-access', identityKey),
        type: 'unapproved-access',
        severity: 'high',
        status: 'open',
        source: 'scanner',
        identityKey,
        identityArn: `arn:aws:iam::${PROBE.accountId}:${identityKey}`,
        accountId: PROBE.accountId,
        title: 'AdministratorAccess attached with no decision',
        evidence: { n: i },
        firstSeen: day(3),
        lastSeen: day(0),
        frameworks: FRAMEWORKS['unapproved-access'],
      };
      continue;
    }
    const probe = i < PROBE.size;
    const type = probe
      ? (PROBE_TYPES[i % 2] as FindingType)
      : (BULK_TYPES[i % BULK_TYPES.length] as FindingType);
    const identityKey = probe ? `role/probe-${i}` : `role/bulk-${i}`;
    const status = probe ? 'open' : i % 10 === 0 ? 'resolved' : i % 10 === 1 ? 'suppressed' : 'open';
    yield {
      id: findingId(type, identityKey),
      type,
      severity: probe ? 'critical' : (BULK_SEVERITIES[i % BULK_SEVERITIES.length] as Severity),
      status,
      source: 'scanner',
      identityKey,
      identityArn: `arn:aws:iam::${probe ? PROBE.accountId : '1'.repeat(12)}:${identityKey}`,
      ...(probe ? { owner: PROBE.owner } : i % 7 === 0 ? {} : { owner: `team-${i % 200}` }),
      accountId: probe ? PROBE.accountId : String(100_000_000_000 + (i % 50)),
      title: probe ? 'probe finding' : 'bulk finding',
      evidence: { n: i },
      firstSeen: day(i % 400),
      lastSeen: day(0),
      ...(status === 'resolved' ? { resolvedAt: day(0) } : {}),
      ...(status === 'suppressed' ? { suppressedBy: 'd-bench-exception' } : {}),
      frameworks: FRAMEWORKS[type],
    } as Finding;
  }
}

/**
 * Writes the findings with BatchWriteItem, 25 at a time, `writers` batches in flight. DynamoDB Local
 * applies writes one at a time whatever the number of connections (measured here at load 6: 281 items/s
 * with one writer, 197 with eight, 225 with sixteen), so a few writers are enough: one batch is sent
 * while the previous one is applied.
 */
async function seed(
  doc: ReturnType<typeof documentClient>,
  table: string,
  n: number,
  writers: number,
): Promise<void> {
  const batches: Record<string, unknown>[][] = [];
  let batch: Record<string, unknown>[] = [];
  for (const f of benchFindings(n)) {
    batch.push(findingItem(f));
    if (batch.length === 25) {
      batches.push(batch);
      batch = [];
    }
  }
  if (batch.length > 0) batches.push(batch);
  let next = 0;
  let written = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < batches.length) {
      let items = (batches[next++] as Record<string, unknown>[]).map((Item) => ({ PutRequest: { Item } }));
      const size = items.length;
      while (items.length > 0) {
        const out = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: items } }));
        items = (out.UnprocessedItems?.[table] ?? []) as typeof items;
      }
      written += size;
      if (written % 10_000 < size && n >= 20_000) {
        const s = (performance.now() - started) / 1000;
        process.stdout.write(
          `  ${written} of ${n} written in ${s.toFixed(0)} s (${(written / s).toFixed(0)} items/s, load ${loadavg()[0]?.toFixed(1)})\n`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: writers }, worker));
}

/** Every report the bench reads, with the answer size it reports. */
export const BENCH_REPORTS: readonly {
  readonly name: string;
  readonly fixedAnswer: boolean;
  readonly read: (s: ReportSources) => Promise<{ rows: number }>;
}[] = [
  {
    name: 'findings (every open one)',
    fixedAnswer: false,
    read: async (s) => ({
      rows: (await findingsReport(s, { window: WINDOW, status: 'open' }, { now: NOW })).total,
    }),
  },
  {
    // What `nhi-gov report findings` does after opening the store: query, build, draw the table.
    name: 'findings, every open one, drawn as the CLI table',
    fixedAnswer: false,
    read: async (s) => {
      const report = await findingsReport(s, { window: WINDOW, status: 'open' }, { now: NOW });
      renderReport(report, 'table', NOW);
      return { rows: report.total };
    },
  },
  {
    name: 'findings --min-severity critical',
    fixedAnswer: true,
    read: async (s) => ({
      rows: (
        await findingsReport(s, { window: WINDOW, status: 'open', minSeverity: 'critical' }, { now: NOW })
      ).total,
    }),
  },
  {
    name: 'findings --type unrotated-access-key --min-severity critical',
    fixedAnswer: true,
    read: async (s) => ({
      rows: (
        await findingsReport(
          s,
          { window: WINDOW, status: 'open', type: 'unrotated-access-key', minSeverity: 'critical' },
          { now: NOW },
        )
      ).total,
    }),
  },
  {
    name: `findings --owner ${PROBE.owner}`,
    fixedAnswer: true,
    read: async (s) => ({
      rows: (await findingsReport(s, { window: WINDOW, status: 'open', owner: PROBE.owner }, { now: NOW }))
        .total,
    }),
  },
  {
    name: `findings --account ${PROBE.accountId}`,
    fixedAnswer: true,
    read: async (s) => ({
      rows: (
        await findingsReport(
          s,
          { window: WINDOW, status: 'open', account: PROBE.accountId } as Parameters<
            typeof findingsReport
          >[1],
          { now: NOW },
        )
      ).total,
    }),
  },
  {
    name: 'overview (counts every open finding)',
    fixedAnswer: false,
    read: async (s) => ({
      rows: (await overviewReport(s, { window: WINDOW, expiringWithinDays: 14 }, { now: NOW })).findings
        .total,
    }),
  },
  {
    name: 'drift',
    fixedAnswer: true,
    read: async (s) => {
      const r = await driftReport(s, { window: WINDOW, identities: null }, { now: NOW });
      return { rows: r.changes.length + r.unapproved.length + r.changedDocuments.length };
    },
  },
  {
    name: 'violations',
    fixedAnswer: true,
    read: async (s) => {
      const r = await violationsReport(s, { window: WINDOW }, { now: NOW });
      return { rows: r.deniedAttempts.length + r.findings.length };
    },
  },
  {
    name: 'audit role/probe-0',
    fixedAnswer: true,
    read: async (s) => ({
      rows: (await auditReport(s, { identityKey: 'role/probe-0' }, { now: NOW })).timeline.length,
    }),
  },
  {
    name: 'exceptions',
    fixedAnswer: true,
    read: async (s) => ({
      rows: (await exceptionsReport(s, { expiringWithinDays: 14 }, { now: NOW })).exceptions.length,
    }),
  },
  {
    name: 'provisioning',
    fixedAnswer: true,
    read: async (s) => ({
      rows: (await provisioningReport(s, { window: WINDOW }, { now: NOW })).executions.length,
    }),
  },
  {
    name: 'reviews',
    fixedAnswer: true,
    read: async (s) => ({
      rows: (await reviewsReport(s, { window: WINDOW }, { now: NOW })).campaigns.length,
    }),
  },
];

interface Figure {
  readonly rows: number;
  readonly readUnits: number;
  readonly itemsRead: number;
  readonly ms: number;
  readonly heapMb: number;
}

const pad = (s: string | number, n: number) => String(s).padStart(n);

export async function run({ args }: BenchContext): Promise<void> {
  const sizesAt = args.indexOf('--sizes');
  const sizes = sizesAt >= 0 ? (args[sizesAt + 1] ?? '').split(',').map(Number) : [1_000, 100_000];
  const writersAt = args.indexOf('--writers');
  const writers = writersAt >= 0 ? Number(args[writersAt + 1]) : 2;
  const dynamo = await startLocalDynamo({ startTimeoutMs: 180_000 });
  const results = new Map<number, Map<string, Figure>>();
  try {
    for (const n of sizes) {
      const client = localDynamoClient(dynamo.endpoint);
      const names = localTableNames(`bench-${n}`);
      await ensureTables(client, names);
      const doc = documentClient(client);
      let t = performance.now();
      await seed(doc, names.findings, n, writers);
      const seedSeconds = (performance.now() - t) / 1000;
      process.stdout.write(
        `seeded ${n} findings in ${seedSeconds.toFixed(1)} s (${(n / seedSeconds).toFixed(0)} items/s, ${writers} writers, load ${loadavg()[0]?.toFixed(1)})\n`,
      );
      const stores = storesFor(client, names);
      // The scan log names the accounts, as scans would have: the audit of an identity reads each.
      const scans = new DynamoScanLog(stores.doc, names.findings);
      for (const accountId of new Set([...benchFindings(n)].map((f) => f.accountId as string))) {
        await scans.recordScan({ accountId, asOf: day(0), ranAt: day(0), source: 'snapshot' });
      }
      const tally: ReadTally = meterReads(stores.doc);
      const sources = reportSources(stores);
      const figures = new Map<string, Figure>();
      for (const report of BENCH_REPORTS) {
        resetTally(tally);
        global.gc?.();
        const heapBefore = process.memoryUsage().heapUsed;
        t = performance.now();
        const { rows } = await report.read(sources);
        const ms = performance.now() - t;
        const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
        figures.set(report.name, {
          rows,
          readUnits: tally.readUnits,
          itemsRead: tally.itemsRead,
          ms,
          heapMb,
        });
      }
      results.set(n, figures);
      client.destroy();
    }
  } finally {
    await dynamo.stop();
  }
  const [small, large] = sizes;
  const lines = [
    `nhi-gov reports benchmark: ${sizes.join(' and ')} findings (in-memory DynamoDB Local, BatchWrite seed)`,
    `${'report'.padEnd(62)}${sizes.map((n) => `${pad(`rows@${n}`, 12)}${pad(`RU@${n}`, 12)}${pad(`items@${n}`, 13)}${pad(`ms@${n}`, 10)}`).join('')}  RU ratio`,
  ];
  for (const report of BENCH_REPORTS) {
    const cells = sizes.map((n) => {
      const f = results.get(n)?.get(report.name) as Figure;
      return `${pad(f.rows, 12)}${pad(f.readUnits.toFixed(1), 12)}${pad(f.itemsRead, 13)}${pad(f.ms.toFixed(0), 10)}`;
    });
    const a = results.get(small as number)?.get(report.name);
    const b = results.get(large as number)?.get(report.name);
    const ratio = a && b && a.readUnits > 0 ? (b.readUnits / a.readUnits).toFixed(2) : '-';
    lines.push(
      `${report.name.padEnd(62)}${cells.join('')}  ${ratio}${report.fixedAnswer ? '' : ' (answer grows)'}`,
    );
  }
  // The builder and the renderers alone, on the open findings of each size: linear in its rows (no store, no I/O).
  for (const n of sizes) {
    const findings = [...benchFindings(n)].filter((f) => f.status === 'open');
    const t = performance.now();
    const report = buildFindingsReport({
      now: NOW,
      window: WINDOW,
      scope: { status: 'open', owner: null, type: null, minSeverity: null },
      findings,
    });
    const built = performance.now() - t;
    const drawn = performance.now();
    renderReport(report, 'table', NOW);
    const csv = performance.now();
    renderReport(report, 'csv', NOW);
    lines.push(
      `buildFindingsReport alone, ${report.total} open findings of ${n}: ${built.toFixed(0)} ms; drawn as the table ${(csv - drawn).toFixed(0)} ms, as CSV ${(performance.now() - csv).toFixed(0)} ms`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
