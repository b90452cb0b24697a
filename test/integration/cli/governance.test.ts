import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALICE, BOB, CAROL } from '../../support/builders.js';
import { localCliEnv, runCli } from '../../support/cli.js';
import { tempDir } from '../../support/temp.js';

const dir = tempDir('nhi-gov-cli-');
const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));
const env = localCliEnv('cli');

const cli = (...argv: string[]) => runCli(argv, { env, cwd: dir, now: '2026-03-02T09:00:00.000Z' });

writeFileSync(
  join(dir, 'request.json'),
  JSON.stringify({
    kind: 'grant',
    identity: { type: 'role', name: 'payments-batch' },
    entitlement: { type: 'managed-policy', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
    durationHours: 8,
    justification: 'nightly reconciliation job reads the ledger',
    owner: 'team-payments',
  }),
);

describe('nhi-gov governance commands (local mode)', () => {
  it('runs request -> approve with --as and prints the decision as JSON, never the task token', async () => {
    const submitted = await cli('request', '--as', ALICE, '--file', 'request.json', '--format', 'json');
    expect(submitted.stderr).toBe('');
    expect(submitted.code).toBe(0);
    const pending = JSON.parse(submitted.stdout);
    expect(pending).toMatchObject({ status: 'pending', requester: ALICE, source: 'cli', tier: 'low' });

    const self = await cli('approve', pending.id, '--as', ALICE);
    expect(self.code).toBe(3);
    expect(self.stderr).toMatch(/^nhi-gov: refused: .*cannot approve it\n$/);

    const unknown = await cli('approve', '01NOSUCHDECISION000000000', '--as', BOB);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('nhi-gov: decision 01NOSUCHDECISION000000000 does not exist\n');

    const approved = await cli('approve', pending.id, '--as', BOB, '--format', 'json');
    expect(approved.code).toBe(0);
    expect(JSON.parse(approved.stdout)).toMatchObject({
      id: pending.id,
      status: 'approved',
      approvals: [{ approver: BOB }],
      expiresAt: '2026-03-02T17:00:00.000Z',
    });
    expect(approved.stdout).not.toContain('taskToken');

    const shown = await cli('decision', 'show', pending.id);
    expect(shown.stdout).toContain(
      `decision ${pending.id}  grant role/payments-batch  APPROVED  (version 2)`,
    );
    expect(shown.stdout).toContain(`approved by ${BOB}`);

    const revoked = await cli(
      'revoke',
      pending.id,
      '--as',
      CAROL,
      '--note',
      'job retired',
      '--format',
      'json',
    );
    expect(JSON.parse(revoked.stdout)).toMatchObject({ status: 'revoked', statusReason: 'job retired' });
  });

  it('exits 2 with every invalid field named for a bad request file, and requires --as', async () => {
    writeFileSync(
      join(dir, 'bad.json'),
      JSON.stringify({ kind: 'grant', identity: { type: 'role' }, justification: 'x' }),
    );
    const bad = await cli('request', '--as', ALICE, '--file', 'bad.json');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/identity\.name/);
    expect(bad.stderr).toMatch(/entitlement/);
    expect(bad.stderr).toMatch(/justification/);
    const { owner: _owner, ...ownerless } = JSON.parse(readFileSync(join(dir, 'request.json'), 'utf8'));
    writeFileSync(join(dir, 'no-owner.json'), JSON.stringify(ownerless));
    const noOwner = await cli('request', '--as', ALICE, '--file', 'no-owner.json');
    expect(noOwner.code).toBe(2);
    expect(noOwner.stderr).toMatch(/owner: /);
    const noAs = await cli('approve', 'some-decision-id');
    expect(noAs.code).toBe(2);
    expect(noAs.stderr).toMatch(/--as/);
  });

  it('runs the exception flow and a campaign review from the command line', async () => {
    writeFileSync(
      join(dir, 'exception.json'),
      JSON.stringify({
        identity: { type: 'user', name: 'legacy-ftp' },
        findingTypes: ['unrotated-access-key'],
        riskAcceptance: {
          owner: 'team-legacy',
          risk: 'vendor cannot rotate yet',
          compensatingControls: ['IP condition'],
          residualSeverity: 'medium',
        },
        expiresAt: '2026-04-01T00:00:00Z',
        justification: 'vendor migration finishes in March',
      }),
    );
    const requested = JSON.parse(
      (await cli('exception', 'request', '--as', ALICE, '--file', 'exception.json', '--format', 'json'))
        .stdout,
    );
    await cli('exception', 'approve', requested.id, '--as', BOB);
    const approved = JSON.parse(
      (await cli('exception', 'approve', requested.id, '--as', CAROL, '--format', 'json')).stdout,
    );
    expect(approved.status).toBe('approved');
    const renewed = await cli(
      'exception',
      'renew',
      requested.id,
      '--as',
      ALICE,
      '--expires-at',
      '2026-05-01T00:00:00Z',
      '--justification',
      'migration slipped to April',
      '--format',
      'json',
    );
    expect(JSON.parse(renewed.stdout)).toMatchObject({ status: 'pending', renewalOf: requested.id });

    const grant = JSON.parse(
      (await cli('request', '--as', ALICE, '--file', 'request.json', '--format', 'json')).stdout,
    );
    await cli('approve', grant.id, '--as', BOB);
    const started = await cli('campaign', 'start', '--as', CAROL, '--name', 'Q1', '--format', 'json');
    expect(started.code).toBe(0);
    const { campaign, items } = JSON.parse(started.stdout);
    expect(items).toEqual([expect.objectContaining({ grantDecisionId: grant.id, outcome: 'pending' })]);
    const review = await cli(
      'campaign',
      'review',
      campaign.id,
      items[0].itemId,
      '--as',
      CAROL,
      '--outcome',
      'keep',
    );
    // CAROL, not BOB: BOB approved the grant, so he is not independent of it (issue #10 class 3)
    expect(review.code).toBe(0);
    expect(review.stdout).toContain(`keep by ${CAROL}`);
  });

  it('starts a campaign with --gaad over every identity under the managed path, even without decisions', async () => {
    // Arrange: no decision in this store covers role/reports-export
    const scope = ['--identities', 'role/reports-export,user/*'];
    const withoutSnapshot = await cli('campaign', 'start', '--as', CAROL, '--name', 'Q2', ...scope);
    // Act
    const started = await cli(
      'campaign',
      'start',
      '--as',
      CAROL,
      '--name',
      'Q2',
      ...scope,
      '--gaad',
      `${EXAMPLES}acme-gaad.json`,
      '--credential-report',
      `${EXAMPLES}acme-credential-report.csv`,
      '--format',
      'json',
    );
    // Assert
    expect(withoutSnapshot.code).toBe(2);
    expect(withoutSnapshot.stderr).toMatch(/nothing to certify/);
    expect(started.stderr).toBe('');
    expect(started.code).toBe(0);
    const { campaign, items } = JSON.parse(started.stdout);
    // Managed path /nhi/ only: the snapshot's users at / (alice, build-bot, ...) are out of scope.
    expect(
      items.map(
        (i: { identityKey: string; entitlementKey: string }) => `${i.identityKey} ${i.entitlementKey}`,
      ),
    ).toEqual([
      'role/reports-export identity',
      'role/reports-export managed-policy:arn:aws:iam::aws:policy/ReadOnlyAccess',
      'user/ci-deployer identity',
      'user/metrics-pusher identity',
    ]);
    expect(items.every((i: { grantDecisionId?: string }) => i.grantDecisionId === undefined)).toBe(true);
    expect(campaign).toMatchObject({ itemCount: 4, status: 'open', createdBy: CAROL });
    const shown = await cli('campaign', 'show', campaign.id);
    expect(shown.stdout).toContain('0/4 reviewed');
  });

  it('refuses --credential-report without --gaad, and an unreadable snapshot, before starting anything', async () => {
    const alone = await cli(
      'campaign',
      'start',
      '--as',
      CAROL,
      '--name',
      'Q3',
      '--credential-report',
      `${EXAMPLES}acme-credential-report.csv`,
    );
    const missing = await cli('campaign', 'start', '--as', CAROL, '--name', 'Q3', '--gaad', 'no-such.json');

    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/--credential-report needs --gaad/);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read --gaad .*no-such\.json: no such file/);
    expect(alone.stdout + missing.stdout).toBe('');
  });
});
