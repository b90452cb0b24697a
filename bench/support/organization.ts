/**
 * A generated organization for the org benchmark and its 3-account test: accounts in units, each
 * with its own IAM snapshot (the scan benchmark's generated account, moved to that account id), a
 * policy file naming the units, and the scans of every account into one local store via the CLI.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toCredentialReportCsv, toGaadJson } from '../../lib/adapters/snapshot/write-snapshot.js';
import { DEFAULT_POLICY_PATH } from '../../lib/config/policy-file.js';
import { readPolicyFileText } from '../../lib/config/policy-source.js';
import { AS_OF, generate } from './inventory.js';

const GENERATED_ACCOUNT = '123456789012';
const HOUR_MS = 3_600_000;

export interface Organization {
  readonly accounts: readonly string[];
  /** Unit name -> its accounts. */
  readonly units: Readonly<Record<string, readonly string[]>>;
  /** Accounts whose last snapshot is three days older than the others (late members). */
  readonly late: readonly string[];
  /** The policy file (default policy plus organization.units). */
  readonly policyFile: string;
}

/** The i-th account id of the generated organization (12 digits). */
export const accountAt = (i: number) => `9${String(i).padStart(11, '0')}`;

/**
 * Writes `accounts` accounts' snapshots (`identities` each) and the policy file under `dir`; every
 * `lateEvery`-th account is late (0: none).
 */
export function writeOrganization(
  dir: string,
  options: { accounts: number; identities: number; units: number; lateEvery: number },
): Organization {
  const accounts = Array.from({ length: options.accounts }, (_, i) => accountAt(i));
  const units: Record<string, string[]> = {};
  accounts.forEach((a, i) => {
    const unit = `ou-${i % options.units}`;
    units[unit] = [...(units[unit] ?? []), a];
  });
  const inventory = generate(options.identities);
  const gaad = toGaadJson(inventory, 'space');
  const report = toCredentialReportCsv(inventory);
  for (const account of accounts) {
    writeFileSync(join(dir, `${account}.json`), gaad.replaceAll(GENERATED_ACCOUNT, account));
    writeFileSync(join(dir, `${account}.csv`), report.replaceAll(GENERATED_ACCOUNT, account));
  }
  const late =
    options.lateEvery > 0 ? accounts.filter((_, i) => i % options.lateEvery === options.lateEvery - 1) : [];
  const policyFile = join(dir, 'policy.yaml');
  const unitsYaml = Object.entries(units)
    .map(([u, as]) => `    ${u}: [${as.map((a) => `"${a}"`).join(', ')}]`)
    .join('\n');
  writeFileSync(
    policyFile,
    `${readPolicyFileText(DEFAULT_POLICY_PATH)}\norganization:\n  scanIntervalHours: 24\n  units:\n${unitsYaml}\n`,
  );
  return { accounts, units, late, policyFile };
}

/** The as-of of an account's scan: the benchmark's moment, or three days before it for a late one. */
export function asOfFor(org: Organization, account: string): string {
  return org.late.includes(account) ? new Date(Date.parse(AS_OF) - 72 * HOUR_MS).toISOString() : AS_OF;
}

/** The `nhi-gov scan` arguments of one account of the organization. */
export function scanArgs(dir: string, org: Organization, account: string): string[] {
  return [
    'scan',
    '--gaad',
    join(dir, `${account}.json`),
    '--credential-report',
    join(dir, `${account}.csv`),
    '--account',
    account,
    '--as-of',
    asOfFor(org, account),
    '--policy',
    org.policyFile,
    '--format',
    'json',
  ];
}

export { AS_OF };
