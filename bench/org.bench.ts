/**
 * Benchmark: a local organization. Generates `accounts` accounts' IAM snapshots (default 200, each
 * the scan benchmark's generated account at 50 identities, moved to its own account id; every 20th
 * account three days late), scans each into one local store (account-keyed) in this process (the
 * code `nhi-gov scan --account` runs once its store is open: one store start, not one per account), then
 * runs the org-wide report (all accounts, and one unit) through the CLI and once more through its
 * query with DynamoDB's consumed capacity returned on every read, to count read units.
 * Prints wall times, the Node process's peak RSS and the read units.
 *
 *   npm run bench -- --only org [accounts]    # 200 by default
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { documentClient } from '../lib/adapters/dynamodb/client.js';
import { DynamoScanLog } from '../lib/adapters/dynamodb/scan-log.js';
import { acquireLocalStore } from '../lib/adapters/dynamodb/shared-local-store.js';
import { readSnapshot } from '../lib/adapters/snapshot/read-snapshot.js';
import { scanIntoStores } from '../lib/cli/commands/scan.js';
import { storesFor, withLocalStores } from '../lib/cli/local-store.js';
import { run as runCli } from '../lib/cli/main.js';
import { boundPolicy } from '../lib/cli/policy-binding.js';
import { loadPolicyFile } from '../lib/config/policy-file.js';
import { localTableNames } from '../lib/config/tables.js';
import type { OrganizationReport } from '../lib/domain/reports/organization.js';
import { organizationReport } from '../lib/domain/reports/organization.js';
import type { BenchContext } from './index.js';
import { AS_OF, asOfFor, writeOrganization } from './support/organization.js';
import { countingClient } from './support/read-units.js';

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const IDENTITIES = 50;

export async function run({ dir, size }: BenchContext): Promise<void> {
  const N = size ?? 200;
  const loadStart = loadavg();
  let t = performance.now();
  const org = writeOrganization(dir, { accounts: N, identities: IDENTITIES, units: 5, lateEvery: 20 });
  const generated = performance.now() - t;

  // One DynamoDB Local for the whole run; the scans and every CLI command join it.
  const lease = await acquireLocalStore({ home: join(dir, 'home'), idleSeconds: 0 });
  try {
    const env = { ...process.env, NHI_GOV_DYNAMODB_ENDPOINT: lease.endpoint, CI: 'true' };
    const io = {
      stdout: { write: () => true },
      stderr: { write: (s: string) => (process.env.BENCH_VERBOSE ? process.stderr.write(s) : true) },
      env,
      cwd: dir,
      now: () => new Date(AS_OF),
    };
    // Every account's scan in this process over one store: `nhi-gov scan --account` without a
    // command start per account (scanIntoStores is what the command runs once its store is open).
    t = performance.now();
    await withLocalStores(io, async (stores) => {
      const policy = await boundPolicy(stores, {
        requested: loadPolicyFile(org.policyFile),
        command: 'scan',
        now: new Date(AS_OF),
      });
      for (const [i, account] of org.accounts.entries()) {
        const inventory = await readSnapshot({
          gaadPath: join(dir, `${account}.json`),
          credentialReportPath: join(dir, `${account}.csv`),
        });
        await scanIntoStores(stores, policy, {
          inventory,
          asOf: new Date(asOfFor(org, account)),
          now: new Date(AS_OF),
          accountId: account,
        });
        if (process.env.BENCH_VERBOSE && (i + 1) % 20 === 0)
          process.stderr.write(`scanned ${i + 1} of ${N} accounts in ${seconds(performance.now() - t)}\n`);
      }
    });
    const scanned = performance.now() - t;

    const report = async (...extra: string[]) => {
      let out = '';
      const start = performance.now();
      const code = await runCli(['report', 'organization', '--format', 'json', ...extra], {
        ...io,
        stdout: {
          write: (s: string) => {
            out += s;
            return true;
          },
        },
      });
      if (code !== 0) throw new Error(`report organization exited with ${code}`);
      return { ms: performance.now() - start, doc: JSON.parse(out) as OrganizationReport };
    };
    const whole = await report();
    const unit = await report('--ou', 'ou-0');

    // The same query once more, with the consumed capacity of every read added up.
    const { client, counted } = countingClient(lease.endpoint);
    const stores = storesFor(client, localTableNames('nhi-gov'));
    const sources = {
      findings: stores.findings,
      decisions: stores.decisions,
      executions: stores.executions,
      scans: new DynamoScanLog(documentClient(client), stores.names.findings),
    };
    const query = {
      units: org.units,
      scanIntervalHours: 24,
      expiringWithinDays: 14,
      window: { since: new Date(Date.parse(AS_OF) - 30 * 86_400_000).toISOString(), until: AS_OF },
    };
    t = performance.now();
    await organizationReport(sources, query, { now: new Date(AS_OF) });
    const queried = performance.now() - t;
    const wholeUnits = { ...counted };
    counted.readUnits = 0;
    counted.requests = 0;
    await organizationReport(
      sources,
      { ...query, accounts: org.units['ou-0'] ?? [] },
      { now: new Date(AS_OF) },
    );
    const unitUnits = { ...counted };
    client.destroy();

    const rss = process.resourceUsage().maxRSS * 1024;
    const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
    const lines = [
      `load average:               ${load(loadStart)} at the start, ${load(loadavg())} at the end`,
      `accounts:                   ${N} in 5 units, ${IDENTITIES} identities each (${N * IDENTITIES} in all), ${org.late.length} late by 72 h`,
      `open findings (org-wide):   ${whole.doc.totals.openFindings} (${JSON.stringify(whole.doc.totals.bySeverity)})`,
      `stale accounts reported:    ${whole.doc.stale.length} (expected ${org.late.length})`,
      `generate snapshots:         ${seconds(generated)}`,
      `scan ${N} accounts:         ${seconds(scanned)}  (${seconds(scanned / N)} per account, in process, one store)`,
      `report organization (CLI):  ${seconds(whole.ms)}  all accounts`,
      `report organization --ou:   ${seconds(unit.ms)}  ${unit.doc.accounts.length} accounts`,
      `org query alone:            ${seconds(queried)}`,
      `read units, all accounts:   ${wholeUnits.readUnits.toFixed(1)} in ${wholeUnits.requests} requests`,
      `read units, one unit:       ${unitUnits.readUnits.toFixed(1)} in ${unitUnits.requests} requests`,
      `peak RSS (node process):    ${mb(rss)}  (DynamoDB Local's Java process not included)`,
    ];
    process.stdout.write(`nhi-gov organization benchmark, ${N} accounts\n${lines.join('\n')}\n`);
  } finally {
    await lease.release();
  }
}
