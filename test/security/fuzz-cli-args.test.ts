import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOUNDS } from '../../lib/domain/bounds.js';
import { type CliWorld, cliWorld } from './support/cli-world.js';
import { FUZZ_RUNS, FUZZ_TIMEOUT_MS, REQUESTER, VALID_REQUESTS } from './support/hostile.js';
import { type WriteWatch, watchWrites } from './support/write-watch.js';

const APPROVER = 'arn:aws:iam::111122223333:role/security-approver-bob';
const COMMANDS = [
  'scan',
  'request',
  'approve',
  'reject',
  'cancel',
  'revoke',
  'review',
  'decision',
  'exception',
  'campaign',
  'plan',
  'report',
  'help',
];

/** Principal ARNs that are none. */
const badArn = fc.oneof(
  fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !s.startsWith('arn:') && !s.startsWith('-')),
  fc.constantFrom(
    'arn:aws:iam::12345:role/x',
    'arn:aws:s3:::bucket',
    `arn:aws:iam::111122223333:role/${'a'.repeat(BOUNDS.principalArnLength)}`,
    'arn:aws:iam::111122223333:role/with space',
  ),
);
/** Decision ids that are none: too short, too long, other characters. */
const badId = fc.oneof(
  fc.constantFrom(
    'short',
    'x'.repeat(65),
    'y'.repeat(5000),
    '../../etc/passwd',
    'DECISION#01',
    '01JH0Z8Q3M4XK2V7T9B6C5D4E3;rm',
  ),
  fc.string({ minLength: 1, maxLength: 7 }).filter((s) => !s.startsWith('-')),
);

interface ArgsCase {
  readonly how: string;
  readonly argv: string[];
}

const argsCases = (decisionId: string): fc.Arbitrary<ArgsCase> =>
  fc.oneof(
    fc
      .string({ minLength: 1, maxLength: 20 })
      .filter((s) => !COMMANDS.includes(s) && !s.startsWith('-'))
      .map((cmd) => ({ how: `unknown command ${cmd}`, argv: [cmd] })),
    fc
      .tuple(
        fc.constantFrom(
          ['request', '--as', REQUESTER, '--file', 'valid.json'],
          ['approve', decisionId, '--as', APPROVER],
          ['scan', '--gaad', 'gaad.json'],
          ['report', 'findings'],
          ['decision', 'show', decisionId],
        ),
        fc.constantFrom('--bogus', '--AS', '--File', '--as-of=', '-x', '--__proto__', '--constructor'),
      )
      .map(([argv, flag]) => ({ how: `${argv[0]} with ${flag}`, argv: [...argv, flag, 'v'] })),
    fc
      .constantFrom(
        ['request', '--file', 'valid.json'],
        ['request', '--as', REQUESTER],
        ['approve', '--as', APPROVER],
        ['approve', decisionId],
        ['review', decisionId, '--as', APPROVER],
        ['exception', 'renew', decisionId, '--as', REQUESTER, '--expires-at', '2026-04-01T00:00:00Z'],
        ['campaign', 'start', '--as', APPROVER],
      )
      .map((argv) => ({ how: `missing a required part: ${argv.join(' ')}`, argv: [...argv] })),
    fc
      .tuple(
        fc.constantFrom('--format', '--fail-on', '--outcome'),
        fc.constantFrom('xml', 'JSON', '', 'critical,high', '😀', 'x'.repeat(10_000)),
      )
      .map(([flag, value]) => ({
        how: `${flag} ${value.slice(0, 20)}`,
        argv:
          flag === '--outcome'
            ? ['review', decisionId, '--as', APPROVER, flag, value]
            : flag === '--fail-on'
              ? ['report', 'findings', flag, value]
              : ['decision', 'show', decisionId, flag, value],
      })),
    fc
      .tuple(badArn, fc.constantFrom('request', 'approve', 'reject', 'revoke', 'cancel', 'campaign'))
      .map(([arn, cmd]) => ({
        how: `${cmd} --as ${arn.slice(0, 40)}`,
        argv:
          cmd === 'request'
            ? ['request', '--as', arn, '--file', 'valid.json']
            : cmd === 'campaign'
              ? ['campaign', 'start', '--as', arn, '--name', 'q1']
              : [cmd, decisionId, '--as', arn],
      })),
    fc
      .tuple(
        badId,
        fc.constantFrom(
          'approve',
          'reject',
          'cancel',
          'revoke',
          'review',
          'decision show',
          'campaign show',
          'exception approve',
        ),
      )
      .map(([id, cmd]) => ({
        how: `${cmd} ${id.slice(0, 30)}`,
        argv: [
          ...cmd.split(' '),
          id,
          ...(cmd.endsWith('show') ? [] : ['--as', APPROVER]),
          ...(cmd === 'review' ? ['--outcome', 'confirm'] : []),
        ],
      })),
    fc
      .tuple(
        fc.constantFrom('approve', 'reject', 'revoke'),
        fc.constantFrom(
          'n'.repeat(BOUNDS.noteLength + 1),
          '😀'.repeat(BOUNDS.noteLength + 1),
          'bad \uD800 note',
        ),
      )
      .map(([cmd, note]) => ({
        how: `${cmd} --note of ${note.length}`,
        argv: [cmd, decisionId, '--as', APPROVER, '--note', note],
      })),
    fc
      .constantFrom('yesterday', '2026-13-01', '2026-02-30T00:00:00Z', '1e-300', '9'.repeat(400))
      .map((asOf) => ({
        how: `scan --as-of ${asOf.slice(0, 20)}`,
        argv: ['scan', '--gaad', 'gaad.json', '--as-of', asOf],
      })),
    fc.constantFrom('abc', '0', '-1', '1e-300', '1e300', 'NaN', '366').map((days) => ({
      how: `campaign start --due-days ${days}`,
      argv: ['campaign', 'start', '--as', APPROVER, '--name', 'q1', '--due-days', days],
    })),
    fc.constantFrom('missing.json', '.', '/dev/null', 'gaad.json').map((file) => ({
      how: `request --file ${file}`,
      argv: ['request', '--as', REQUESTER, '--file', file],
    })),
    fc.constantFrom('k'.repeat(BOUNDS.idempotencyKeyLength + 1)).map((key) => ({
      how: 'idempotency key past its bound',
      argv: ['request', '--as', REQUESTER, '--file', 'valid.json', '--idempotency-key', key],
    })),
  );

describe('fuzz: command-line arguments (nhi-gov)', () => {
  let world: CliWorld;
  let writes: WriteWatch;
  let decisionId: string;
  beforeAll(async () => {
    world = cliWorld('fuzz-args');
    writeFileSync(join(world.dir, 'valid.json'), JSON.stringify(VALID_REQUESTS.grant));
    writeFileSync(join(world.dir, 'gaad.json'), '{"RoleDetailList": [], "UserDetailList": []}');
    writes = await watchWrites(async () => {
      const seeded = await world.cli(
        'request',
        '--as',
        REQUESTER,
        '--file',
        'valid.json',
        '--format',
        'json',
      );
      expect(seeded.code, seeded.stderr).toBe(0);
      decisionId = JSON.parse(seeded.stdout).id;
    }, world.snapshot);
  });
  afterAll(() => {
    writes.stop();
    world.close();
  });

  it(
    `refuses ${FUZZ_RUNS} hostile command lines with exit 2 (usage or input error), and writes nothing`,
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constant(null).chain(() => argsCases(decisionId)),
          async (c) => {
            // Act
            const run = await world.cli(...c.argv);
            // Assert
            expect(run.code, `${c.how}: ${run.stderr.slice(0, 300)}`).toBe(2);
            expect(run.stderr).not.toContain('unexpected error');
            writes.expectNoWrites(c.how);
          },
        ),
        { numRuns: FUZZ_RUNS, endOnFailure: true },
      );
      await writes.expectTablesUnchanged();
    },
    FUZZ_TIMEOUT_MS,
  );
});
