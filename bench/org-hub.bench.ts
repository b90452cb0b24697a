/**
 * Benchmark: the org-wide view read from an organization hub. Writes what the hub's ingest would hold
 * for `accounts` member accounts (default 200): per account 110 FindingOpened events (the org
 * benchmark's generated account), 10 of them resolved later, 5 AccessProvisioned outcomes and its
 * scan heartbeat (every 20th account 72 hours late), into an org-events table made from
 * ORG_EVENTS_TABLE on DynamoDB Local, with the hub decisions behind the outcomes. Then runs the
 * organization report and the findings report over the hub adapter (lib/adapters/dynamodb/
 * hub-report-sources.ts) with DynamoDB's consumed capacity returned on every read, and prints the
 * read units, requests, wall times, peak RSS and load average.
 *
 *   npm run bench -- --only org-hub [accounts]    # 200 by default
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../lib/adapters/dynamodb/client.js';
import { createTableInput, ensureTables } from '../lib/adapters/dynamodb/create-tables.js';
import { DynamoDecisionStore } from '../lib/adapters/dynamodb/decision-store.js';
import { hubReportSources } from '../lib/adapters/dynamodb/hub-report-sources.js';
import { acquireLocalStore } from '../lib/adapters/dynamodb/shared-local-store.js';
import { ORG_EVENTS_TABLE, orgEventKey, SCAN_LOG_PARTITION } from '../lib/config/organization.js';
import { localTableNames, type TableDefinition } from '../lib/config/tables.js';
import { FINDING_TYPES } from '../lib/domain/finding.js';
import { findingsReport } from '../lib/domain/reports/findings/query.js';
import { organizationReport } from '../lib/domain/reports/organization.js';
import type { BenchContext } from './index.js';
import { accountAt } from './support/organization.js';
import { countingClient } from './support/read-units.js';

const AS_OF = '2026-03-01T00:00:00.000Z';
const HOUR_MS = 3_600_000;
const at = (hoursBefore: number) => new Date(Date.parse(AS_OF) - hoursBefore * HOUR_MS).toISOString();
const FINDINGS = 110;
const SEVERITIES = ['high', 'medium', 'low'] as const;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** One account's items as the ingest writes them. */
function accountItems(account: string, i: number): Record<string, unknown>[] {
  const items: Record<string, unknown>[] = [];
  const event = (detailType: string, time: string, detail: object, n: number) => {
    const eventId = `${account}-${detailType}-${n}`;
    items.push({
      ...orgEventKey(account, time, detailType, eventId),
      account,
      detailType,
      time,
      eventId,
      detail: JSON.stringify(detail),
    });
  };
  for (let n = 0; n < FINDINGS; n++) {
    const finding = {
      schemaVersion: '1',
      findingId: `${account.slice(-6)}${String(n).padStart(26, '0')}`,
      type: FINDING_TYPES[n % FINDING_TYPES.length],
      severity: SEVERITIES[n % SEVERITIES.length],
      identityKey: `role/svc-role-${n}`,
    };
    event('FindingOpened', at(240 - 0.01), { ...finding, status: 'open', at: at(240) }, n);
    if (n < 10) event('FindingResolved', at(48 - 0.01), { ...finding, status: 'resolved', at: at(48) }, n);
  }
  for (let n = 0; n < 5; n++)
    event(
      'AccessProvisioned',
      at(24 + n),
      {
        schemaVersion: '1',
        decisionId: `${account}-grant${String(n).padStart(4, '0')}`,
        version: '2',
        kind: 'grant',
        identityKey: `role/svc-role-${n}`,
        status: 'succeeded',
        finishedAt: at(24 + n),
      },
      n,
    );
  const asOf = i % 20 === 19 ? at(72) : at(1);
  items.push({
    pk: SCAN_LOG_PARTITION,
    sk: `ACCOUNT#${account}`,
    entity: 'scan',
    accountId: account,
    asOf,
    ranAt: asOf,
    source: 'live',
  });
  return items;
}

export async function run({ dir, size }: BenchContext): Promise<void> {
  const N = size ?? 200;
  const loadStart = loadavg();
  const lease = await acquireLocalStore({ home: join(dir, 'home'), idleSeconds: 0 });
  try {
    const { client, counted } = countingClient(lease.endpoint);
    const doc = documentClient(client);
    const names = localTableNames('hub');
    await ensureTables(client, names);
    const orgEvents = 'hub-org-events';
    await client.send(
      new CreateTableCommand(createTableInput(ORG_EVENTS_TABLE as unknown as TableDefinition, orgEvents)),
    );
    const accounts = Array.from({ length: N }, (_, i) => accountAt(i));
    let t = performance.now();
    const decisions = new DynamoDecisionStore(doc, names.decisions);
    let items = 0;
    let next = 0;
    const seed = async (i: number, account: string) => {
      const all = accountItems(account, i);
      items += all.length;
      for (let k = 0; k < all.length; k += 25) {
        let requests = all.slice(k, k + 25).map((Item) => ({ PutRequest: { Item } }));
        while (requests.length > 0) {
          const r = await doc.send(new BatchWriteCommand({ RequestItems: { [orgEvents]: requests } }));
          requests = (r.UnprocessedItems?.[orgEvents] ?? []) as typeof requests;
        }
      }
      for (let n = 0; n < 5; n++) {
        const id = `${account}-grant${String(n).padStart(4, '0')}`;
        await decisions.create({
          id,
          accountId: account,
          version: 2,
          status: 'approved',
          kind: 'grant',
          request: {
            kind: 'grant',
            identity: { type: 'role', name: `svc-role-${n}` },
            entitlement: { type: 'managed-policy', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
            justification: 'benchmark grant of the organization',
          },
          identityKey: `role/svc-role-${n}`,
          requester: 'arn:aws:iam::111122223333:role/team-lead-alice',
          owner: 'team-payments',
          source: 'api',
          tier: 'low',
          requiredApprovals: 1,
          approvals: [],
          policyVersion: 'sha256:bench',
          createdAt: at(26 + n),
          updatedAt: at(25 + n),
          decidedAt: at(25 + n),
          history: [
            {
              at: at(26 + n),
              actor: 'arn:aws:iam::111122223333:role/team-lead-alice',
              action: 'submitted',
              version: 1,
            },
          ],
        });
      }
    };
    // Eight accounts at a time, as several members' events would arrive.
    const worker = async () => {
      while (next < accounts.length) {
        const i = next++;
        await seed(i, accounts[i] as string);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    const seeded = performance.now() - t;

    const query = {
      units: {},
      scanIntervalHours: 24,
      expiringWithinDays: 14,
      window: { since: at(30 * 24), until: AS_OF },
    };
    const measure = async <T>(fn: () => Promise<T>) => {
      counted.readUnits = 0;
      counted.requests = 0;
      const start = performance.now();
      const result = await fn();
      return { result, ms: performance.now() - start, units: counted.readUnits, requests: counted.requests };
    };
    const org = await measure(() =>
      organizationReport(hubReportSources(doc, { decisions: names.decisions, orgEvents }), query, {
        now: new Date(AS_OF),
      }),
    );
    const unit = await measure(() =>
      organizationReport(
        // As the CLI does for --ou: only the unit's partitions are read.
        hubReportSources(
          doc,
          { decisions: names.decisions, orgEvents },
          { only: accounts.slice(0, Math.ceil(N / 5)) },
        ),
        { ...query, accounts: accounts.slice(0, Math.ceil(N / 5)) },
        { now: new Date(AS_OF) },
      ),
    );
    const findings = await measure(() =>
      findingsReport(
        hubReportSources(doc, { decisions: names.decisions, orgEvents }),
        { window: query.window, status: 'open', scanIntervalHours: 24 },
        { now: new Date(AS_OF) },
      ),
    );
    t = performance.now();
    client.destroy();
    const rss = process.resourceUsage().maxRSS * 1024;
    const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
    const lines = [
      `load average:                 ${load(loadStart)} at the start, ${load(loadavg())} at the end`,
      `hub org-events items:         ${items} for ${N} accounts (${FINDINGS} opened, 10 resolved, 5 outcomes, 1 heartbeat each)`,
      `seed (BatchWrite):            ${seconds(seeded)}`,
      `org report, all accounts:     ${seconds(org.ms)}, ${org.units.toFixed(1)} read units in ${org.requests} requests; ${org.result.totals.openFindings} open, ${org.result.stale.length} stale, ${org.result.totals.provisioned} provisioned`,
      `org report, one unit (${Math.ceil(N / 5)}):   ${seconds(unit.ms)}, ${unit.units.toFixed(1)} read units in ${unit.requests} requests`,
      `findings report, all:         ${seconds(findings.ms)}, ${findings.units.toFixed(1)} read units in ${findings.requests} requests; ${findings.result.total} open`,
      `peak RSS (node process):      ${mb(rss)}  (DynamoDB Local's Java process not included)`,
    ];
    process.stdout.write(`nhi-gov org-wide view over the hub, ${N} accounts\n${lines.join('\n')}\n`);
  } finally {
    await lease.release();
  }
}
