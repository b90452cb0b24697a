import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { documentClient, localDynamoClient } from '../../lib/adapters/dynamodb/client.js';
import { localTableNames } from '../../lib/config/tables.js';
import { diff, snapshot } from '../integration/governance/harness.js';
import { ALICE, BOB } from '../support/builders.js';
import { localCliEnv, runCli } from '../support/cli.js';
import type { TestTables } from '../support/dynamo.js';

const dir = mkdtempSync(join(tmpdir(), 'nhi-gov-sec-policy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const DEFAULT = readFileSync(new URL('../../policy/default.yaml', import.meta.url), 'utf8');
const EVIL = DEFAULT.replace(
  '  - name: revoke-is-always-safe\n    kinds: [revoke]',
  '  - name: revoke-is-always-safe\n    kinds: [revoke]\n  - name: anything-goes\n    kinds: [grant]',
).replace(
  '{ match: "arn:aws:iam::aws:policy/AdministratorAccess", tier: high }',
  '{ match: "arn:aws:iam::aws:policy/AdministratorAccess", tier: routine }',
);
writeFileSync(join(dir, 'evil.yaml'), EVIL);
writeFileSync(join(dir, 'bound.yaml'), DEFAULT);
writeFileSync(
  join(dir, 'admin.json'),
  JSON.stringify({
    kind: 'grant',
    identity: { type: 'role', name: 'payments-batch' },
    entitlement: { type: 'managed-policy', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
    durationHours: 2,
    justification: 'incident follow-up needs full access briefly',
    owner: 'team-payments',
  }),
);

function store(prefix: string): TestTables {
  const endpoint = inject('dynamoEndpoint');
  const client = localDynamoClient(endpoint);
  return { client, doc: documentClient(client), names: localTableNames(prefix), endpoint };
}

function cliFor(name: string) {
  const env = localCliEnv(name);
  const cli = (...argv: string[]) => runCli(argv, { env, cwd: dir, now: '2026-03-02T09:00:00.000Z' });
  return { cli, tables: store(env.NHI_GOV_TABLE_PREFIX) };
}

describe('the local store is bound to one policy (issue #10 class 8)', () => {
  it('refuses a --policy that differs from the bound one, before anything is written (exit 3)', async () => {
    const { cli, tables } = cliFor('sec-bind-a');
    // Arrange: the first command binds the store (default policy)
    expect((await cli('request', '--as', ALICE, '--file', 'admin.json', '--format', 'json')).code).toBe(0);
    const before = await snapshot(tables);
    // Act: the requester brings their own rules
    const run = await cli('request', '--as', ALICE, '--file', 'admin.json', '--policy', 'evil.yaml');
    // Assert
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /^nhi-gov: refused: --policy .*evil\.yaml \(sha256:[0-9a-f]{64}\) is not the policy this local store is bound to/,
    );
    expect(diff(before, await snapshot(tables))).toEqual({ added: [], removedOrChanged: [] });
  });

  it('evaluates every command under the bound rules: editing the bound file afterwards changes nothing', async () => {
    const { cli } = cliFor('sec-bind-b');
    writeFileSync(join(dir, 'editable.yaml'), DEFAULT);
    expect((await cli('decision', 'show', '01NOSUCHDECISION000000000', '--format', 'json')).code).toBe(2);
    const bound = await cli('policy', 'show', '--format', 'json');
    expect(JSON.parse(bound.stdout).current.setBy).toBe('first use (nhi-gov governance)');
    writeFileSync(join(dir, 'editable.yaml'), EVIL);
    const run = await cli('request', '--as', ALICE, '--file', 'admin.json', '--format', 'json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'pending', tier: 'high', requiredApprovals: 2 });
  });

  it('refuses every other policy on the command line, whatever differs (50 generated variants)', async () => {
    const { cli, tables } = cliFor('sec-bind-c');
    expect((await cli('request', '--as', ALICE, '--file', 'admin.json')).code).toBe(0);
    const before = await snapshot(tables);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 720 }), fc.boolean(), async (hours, standing) => {
        const variant = DEFAULT.replace(
          'maxDurationHours: 720',
          `maxDurationHours: ${hours === 720 ? 719 : hours}`,
        ).replace('allowStanding: true', `allowStanding: ${standing}`);
        writeFileSync(join(dir, 'variant.yaml'), variant);
        const run = await cli('request', '--as', ALICE, '--file', 'admin.json', '--policy', 'variant.yaml');
        expect(run.code).toBe(3);
      }),
      { numRuns: 50 },
    );
    expect(diff(before, await snapshot(tables))).toEqual({ added: [], removedOrChanged: [] });
  });

  it('changes the policy only by `policy set`, by a highest-tier approver, recorded with hash, previous hash and who', async () => {
    const { cli, tables } = cliFor('sec-bind-d');
    expect((await cli('policy', 'show')).stdout).toMatch(/no policy bound yet/);
    expect((await cli('request', '--as', ALICE, '--file', 'admin.json')).code).toBe(0);
    // A requester (team lead: low tier only) may not swap the rules; the attempt is kept as evidence
    const before = await snapshot(tables);
    const refused = await cli('policy', 'set', 'evil.yaml', '--as', ALICE);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/may not change the local store's policy/);
    const { added, removedOrChanged } = diff(before, await snapshot(tables));
    expect(removedOrChanged).toEqual([]);
    expect(added).toEqual([
      expect.objectContaining({ entity: 'denied-attempt', action: 'policy set', actor: ALICE }),
    ]);
    // A high-tier approver may, and it is recorded
    const set = await cli('policy', 'set', 'evil.yaml', '--as', BOB, '--format', 'json');
    expect(set.code).toBe(0);
    const shown = JSON.parse((await cli('policy', 'show', '--format', 'json')).stdout);
    expect(shown.history).toHaveLength(2);
    expect(shown.history[1]).toMatchObject({
      setBy: BOB,
      previousVersion: shown.history[0].version,
      version: expect.stringMatching(/^sha256:/),
      revision: 2,
    });
    // and from now on the new rules apply without any --policy
    const after = await cli('request', '--as', ALICE, '--file', 'admin.json', '--format', 'json');
    expect(JSON.parse(after.stdout)).toMatchObject({ status: 'approved' });
  });

  it('applies to scan too: --policy on a scan cannot swap the rules', async () => {
    const { cli } = cliFor('sec-bind-e');
    writeFileSync(
      join(dir, 'gaad.json'),
      JSON.stringify({
        UserDetailList: [],
        GroupDetailList: [],
        RoleDetailList: [],
        Policies: [],
        IsTruncated: false,
      }),
    );
    expect((await cli('request', '--as', ALICE, '--file', 'admin.json')).code).toBe(0);
    const run = await cli(
      'scan',
      '--gaad',
      'gaad.json',
      '--account',
      '111122223333',
      '--policy',
      'evil.yaml',
    );
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/is not the policy this local store is bound to/);
  });
});
