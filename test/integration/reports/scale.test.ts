import { BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { benchFindings, PROBE } from '../../../bench/reports.bench.js';
import { findingItem } from '../../../lib/adapters/dynamodb/finding-store.js';
import { meterReads, type ReadTally, resetTally } from '../../../lib/adapters/dynamodb/read-meter.js';
import { type Stores, storesFor } from '../../../lib/cli/local-store.js';
import { reportSources } from '../../../lib/cli/report/sources.js';
import { FINDING_TYPES, type Finding } from '../../../lib/domain/finding.js';
import { SEVERITY_RANK, type Severity } from '../../../lib/domain/primitives.js';
import { findingsReport } from '../../../lib/domain/reports/findings/query.js';
import { overviewReport } from '../../../lib/domain/reports/overview/query.js';
import type { ReportSources } from '../../../lib/domain/reports/sources.js';
import type { FindingFilter } from '../../../lib/ports/finding-store.js';
import { localCliEnv, runCli } from '../../support/cli.js';
import { createTestTables } from '../../support/dynamo.js';
import { tempDir } from '../../support/temp.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const window = { since: '2026-01-30T12:00:00.000Z', until: NOW.toISOString() };

interface Store {
  readonly stores: Stores;
  readonly sources: ReportSources;
  readonly tally: ReadTally;
  readonly findings: Finding[];
}

/** Tables on DynamoDB Local holding the bench's findings of size `n` (written with BatchWriteItem). */
async function storeOf(n: number): Promise<Store> {
  const tables = await createTestTables();
  const findings = [...benchFindings(n)];
  for (let i = 0; i < findings.length; i += 25) {
    const chunk = findings.slice(i, i + 25).map((f) => ({ PutRequest: { Item: findingItem(f) } }));
    await tables.doc.send(new BatchWriteCommand({ RequestItems: { [tables.names.findings]: chunk } }));
  }
  const stores = storesFor(tables.client, tables.names);
  const tally = meterReads(stores.doc);
  return { stores, sources: reportSources(stores), tally, findings };
}

/** What one read cost. */
async function measure<T>(
  store: Store,
  read: () => Promise<T>,
): Promise<{ result: T; units: number; items: number }> {
  resetTally(store.tally);
  const result = await read();
  return { result, units: store.tally.readUnits, items: store.tally.itemsRead };
}

describe('report queries at scale (#16.5)', () => {
  let small: Store;
  let large: Store;

  beforeAll(async () => {
    [small, large] = await Promise.all([storeOf(200), storeOf(1_000)]);
  });

  const FILTERED = [
    { name: '--min-severity critical', query: { minSeverity: 'critical' as const } },
    {
      name: '--type --min-severity',
      query: { type: 'unrotated-access-key' as const, minSeverity: 'high' as const },
    },
    { name: '--owner', query: { owner: PROBE.owner } },
    { name: '--owner --min-severity', query: { owner: PROBE.owner, minSeverity: 'critical' as const } },
    { name: '--account', query: { account: PROBE.accountId } },
    { name: '--account --type', query: { account: PROBE.accountId, type: 'stale-role' as const } },
  ];

  for (const { name, query } of FILTERED) {
    it(`findings ${name}: reads only its answer, the same on a table five times larger`, async () => {
      // Arrange: the same probe slice in a store of 200 and one of 1,000 findings.
      const q = { window, status: 'open' as const, ...query };

      // Act
      const a = await measure(small, () => findingsReport(small.sources, q, { now: NOW }));
      const b = await measure(large, () => findingsReport(large.sources, q, { now: NOW }));

      // Assert: same answer, items read = the answer, read units within 1.2x.
      expect(b.result.findings).toEqual(a.result.findings);
      expect(a.result.total).toBeGreaterThan(0);
      expect(a.items).toBe(a.result.total);
      expect(b.items).toBe(b.result.total);
      expect(b.units / a.units).toBeLessThanOrEqual(1.2);
    });
  }

  it('answers every filter exactly as filtering every finding would (generated filters)', async () => {
    // Arrange: the oracle is the in-memory filter over what was written.
    const { sources, findings } = small;
    const owners = [...new Set(findings.map((f) => f.owner).filter((o): o is string => !!o))].slice(0, 5);
    const accounts = [...new Set(findings.map((f) => f.accountId as string))].slice(0, 5);
    const filters = fc.record(
      {
        status: fc.constantFrom('open', 'suppressed', 'resolved'),
        type: fc.constantFrom(...FINDING_TYPES),
        minSeverity: fc.constantFrom<Severity>('info', 'low', 'medium', 'high', 'critical'),
        owner: fc.constantFrom(...owners, 'nobody', 'team-1#'),
        accountId: fc.constantFrom(...accounts, '999999999999'),
      },
      { requiredKeys: ['status'] },
    );

    await fc.assert(
      fc.asyncProperty(filters, async (filter: FindingFilter) => {
        // Act
        const got: Finding[] = [];
        for await (const page of sources.findings.pagesOf(filter)) got.push(...page);
        // Assert
        const want = findings.filter(
          (f) =>
            f.status === filter.status &&
            (!filter.type || f.type === filter.type) &&
            (!filter.minSeverity || SEVERITY_RANK[f.severity] >= SEVERITY_RANK[filter.minSeverity]) &&
            (filter.owner === undefined || f.owner === filter.owner) &&
            (filter.accountId === undefined || f.accountId === filter.accountId),
        );
        expect(got.map((f) => f.id).sort()).toEqual(want.map((f) => f.id).sort());
      }),
      { numRuns: 25 },
    );
  });

  it('overview: counts every open finding but holds only its top rows', async () => {
    // Arrange
    const full = await findingsReport(large.sources, { window, status: 'open' }, { now: NOW });

    // Act
    const overview = await overviewReport(large.sources, { window, expiringWithinDays: 14 }, { now: NOW });

    // Assert: the same counts, the same worst rows, ten of them.
    const { findings: rows, ...counts } = overview.findings;
    const { findings: allRows, ...fullCounts } = full;
    expect(counts).toEqual(fullCounts);
    expect(rows).toHaveLength(10);
    expect(rows).toEqual(allRows.slice(0, 10));
    expect(full.total).toBeGreaterThan(500);
  });

  it('brings a store written with the old keys up to date once, and then finds its findings by severity', async () => {
    // Arrange: a finding stored as an older version stored it (type-first sort key, no by-account keys).
    const store = await storeOf(0);
    const old = {
      ...([...benchFindings(1)][0] as Finding),
      id: 'f-old-keys-0001',
      identityKey: 'role/old-keys',
    };
    const { gsi4pk: _pk, gsi4sk: _sk, ...item } = findingItem(old);
    await store.stores.doc.send(
      new PutCommand({
        TableName: store.stores.names.findings,
        Item: { ...item, gsi1sk: `${old.type}#${old.firstSeen}#${old.id}` },
      }),
    );
    const bySeverity = async () => {
      const ids: string[] = [];
      for await (const page of store.sources.findings.pagesOf({ status: 'open', minSeverity: 'critical' })) {
        ids.push(...page.map((f) => f.id));
      }
      return ids;
    };
    expect(await bySeverity()).not.toContain(old.id);

    // Act
    const first = await store.stores.findings.upgradeKeys();
    const second = await store.stores.findings.upgradeKeys();

    // Assert
    expect(first).toEqual({ updated: 1, complete: true });
    expect(second).toEqual({ updated: 0, complete: true });
    expect(await bySeverity()).toContain(old.id);
  });

  it('refuses an --account that is not 12 digits, naming the flag, before opening any store', async () => {
    // Act
    const { code, stderr } = await runCli(['report', 'findings', '--account', '12345#'], {
      env: localCliEnv('scale'),
      cwd: tempDir('nhi-gov-scale-'),
      now: NOW,
    });

    // Assert
    expect(code).toBe(2);
    expect(stderr).toContain('--account');
  });
});
