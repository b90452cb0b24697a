import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localDynamoClient } from '../../../lib/adapters/dynamodb/client.js';
import { ensureTables } from '../../../lib/adapters/dynamodb/create-tables.js';
import { storesFor } from '../../../lib/cli/local-store.js';
import { localTableNames } from '../../../lib/config/tables.js';
import { localCliEnv, runCli } from '../../support/cli.js';
import { ocsfErrors } from '../../support/ocsf.js';
import { NOW, seed } from '../reports/seed.js';

const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));
let cwd: string;

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'nhi-gov-ocsf-'));
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const lines = (out: string) =>
  out
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('--format ocsf', () => {
  it('scan emits one valid OCSF record per open, suppressed and resolved finding, as JSON Lines', async () => {
    const env = localCliEnv('ocsf');
    const scan = (format: string) =>
      runCli(
        [
          'scan',
          '--gaad',
          `${EXAMPLES}acme-gaad.json`,
          '--credential-report',
          `${EXAMPLES}acme-credential-report.csv`,
          '--as-of',
          '2026-03-01T00:00:00Z',
          '--format',
          format,
        ],
        { env, cwd, now: '2026-03-02T09:00:00Z' },
      );

    const json = JSON.parse((await scan('json')).stdout);
    const r = await scan('ocsf');
    const records = lines(r.stdout);

    expect(r.code).toBe(0);
    expect(records).toHaveLength(json.findings.length + json.resolved.length);
    expect(records.length).toBeGreaterThan(0);
    for (const record of records) expect(ocsfErrors(record), JSON.stringify(record)).toEqual([]);
    expect(new Set(records.map((x) => (x.finding_info as { uid: string }).uid))).toEqual(
      new Set([...json.findings, ...json.resolved].map((f: { id: string }) => f.id)),
    );
  });

  it('report findings emits the findings in scope as valid OCSF records (compliance and detection)', async () => {
    const prefix = `oc-${randomUUID().slice(0, 8)}`;
    const client = localDynamoClient(inject('dynamoEndpoint'));
    await ensureTables(client, localTableNames(prefix));
    await seed(storesFor(client, localTableNames(prefix)));
    client.destroy();
    const env = { NHI_GOV_DYNAMODB_ENDPOINT: inject('dynamoEndpoint'), NHI_GOV_TABLE_PREFIX: prefix };

    const r = await runCli(['report', 'findings', '--format', 'ocsf'], { env, cwd, now: NOW });
    const table = await runCli(['report', 'findings', '--format', 'json'], { env, cwd, now: NOW });
    const records = lines(r.stdout);

    expect(r.code).toBe(0);
    expect(records).toHaveLength(JSON.parse(table.stdout).findings.length);
    for (const record of records) expect(ocsfErrors(record), JSON.stringify(record)).toEqual([]);
    expect(new Set(records.map((x) => x.class_uid))).toEqual(new Set([2003, 2004]));
  });

  it('is refused where it has no meaning, naming the flag', async () => {
    const r = await runCli(['report', 'exceptions', '--format', 'ocsf'], {
      env: localCliEnv('ocsf'),
      cwd,
      now: NOW,
    });

    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--format ocsf: nhi-gov report exceptions has no ocsf form/);
  });
});
