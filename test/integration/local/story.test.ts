import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { localCliEnv, runCli } from '../../support/cli.js';
import { tempDir } from '../../support/temp.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface DriftChange {
  readonly identityKey: string;
  readonly changes: readonly string[];
  readonly executionStatus: string;
  readonly decisionId: string | null;
  readonly decidedBy: string | null;
  readonly policyVersion: string | null;
  readonly verdict: string;
}

/**
 * `npm start` (nhi-gov demo --fresh), in process on the run's DynamoDB Local: the story runs to the
 * end, and afterwards the reports show both trails. In the e2e project (vitest.config.ts): it runs
 * about thirty commands.
 */
describe('npm start: the whole loop on the example account', () => {
  it('tells the story, and the reports then show every IAM change with its decision and the console change with none', async () => {
    // Arrange
    const home = join(tempDir('nhi-gov-story-'), '.nhi-gov');
    const env = { ...localCliEnv('story'), NHI_GOV_HOME: home };
    const cli = (...argv: string[]) => runCli(argv, { env, cwd: ROOT, now: new Date() });

    // Act
    const story = await cli('demo', '--fresh');
    const again = await cli('demo');
    const html = await cli('report', 'overview', '--format', 'html');
    const drift = await cli('report', 'drift', '--format', 'json');
    const audit = await cli('report', 'audit', 'role/payments-reader', '--format', 'json');

    // Assert: the story ran, with its refused self-approval, its JIT expiry and its drift.
    expect(story.stderr).toBe('');
    expect(story.code, story.stdout).toBe(0);
    expect(story.stdout).toMatch(/refused: .*team-lead-alice requested decision \w+ and cannot approve it/);
    expect(story.stdout).toMatch(/schedule\(s\) fired/);
    expect(story.stdout).toMatch(
      /rule RevokeRequested -> governance-events {2}RevokeRequested \w+ {2}approved/,
    );
    expect(story.stdout).toMatch(/secretsmanager finishSecret -> rotate {2}finishSecret {2}done/);
    expect(story.stdout).toContain(
      'managed policy AdministratorAccess on payments-reader has no approved grant',
    );
    expect(story.stdout).not.toMatch(/FAILED after/);
    // A store that holds the story is not overwritten without --fresh.
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--fresh');

    // The overview page has no empty panel.
    expect(html.code).toBe(0);
    expect(html.stdout).not.toContain('class="empty"');
    expect(html.stdout).not.toContain('No data yet');

    // Drift: each IAM change with its execution record, decision, approver and policy version...
    const report = JSON.parse(drift.stdout) as {
      changes: DriftChange[];
      unapproved: { identityKey: string; title: string }[];
    };
    const attach = report.changes.find((c) =>
      c.changes.some(
        (x) => x === 'iam:AttachRolePolicy role/payments-reader:arn:aws:iam::aws:policy/ReadOnlyAccess',
      ),
    );
    expect(attach).toMatchObject({
      executionStatus: 'succeeded',
      decidedBy: 'arn:aws:iam::111122223333:role/security-approver-bob',
      verdict: 'approved',
    });
    expect(attach?.decisionId).toMatch(/^\w{26}$/);
    expect(attach?.policyVersion).toMatch(/^sha256:/);
    expect(report.changes.every((c) => c.decisionId !== null && c.verdict === 'approved')).toBe(true);
    // ... and the console change with none.
    expect(report.changes.some((c) => c.changes.some((x) => x.includes('AdministratorAccess')))).toBe(false);
    expect(report.unapproved).toContainEqual(
      expect.objectContaining({
        identityKey: 'role/payments-reader',
        title: expect.stringContaining('AdministratorAccess'),
      }),
    );
    const trail = JSON.parse(audit.stdout) as {
      decisions: unknown[];
      executions: unknown[];
      deniedAttempts: unknown[];
    };
    expect(trail.decisions.length).toBeGreaterThanOrEqual(3);
    expect(trail.executions.length).toBeGreaterThanOrEqual(4);
    expect(trail.deniedAttempts).toHaveLength(1);
  });
});
