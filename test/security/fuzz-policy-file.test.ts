import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { governanceFromEnv } from '../../functions/shared/governance-wiring.js';
import { loadPolicyFile } from '../../lib/config/policy-file.js';
import { BOUNDS } from '../../lib/domain/bounds.js';
import { ValidationError } from '../../lib/domain/errors.js';
import { createTestTables, type TestTables } from '../support/dynamo.js';
import { snapshotTables } from '../support/table-snapshot.js';
import { FUZZ_RUNS, FUZZ_TIMEOUT_MS, nested, PROTO_OBJECT } from './support/hostile.js';
import { probeWrite, type WriteWatch, watchWrites } from './support/write-watch.js';

type Json = Record<string, unknown>;
const DEFAULT = loadPolicyFile().document as unknown as Json;

function setAt(root: Json, path: readonly string[], value: unknown): Json {
  const copy = structuredClone(root);
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Json;
  Object.defineProperty(node, path[path.length - 1] as string, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return copy;
}
function deleteAt(root: Json, path: readonly string[]): Json {
  const copy = structuredClone(root);
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Json;
  delete node[path[path.length - 1] as string];
  return copy;
}

/** Required fields of the policy file, and values each can never take. */
const FIELDS: readonly { path: string[]; bad: unknown[] }[] = [
  { path: ['schemaVersion'], bad: [2, '1', 0, null] },
  { path: ['name'], bad: ['', 42, 'n'.repeat(BOUNDS.policyNameLength + 1), '\uD800'] },
  { path: ['managedPath'], bad: ['nhi', '/nhi', '//', `/${'p'.repeat(600)}/`, '/a b/', 7] },
  {
    path: ['operators'],
    bad: [
      'arn:aws:iam::*:role/x',
      [''],
      ['p'.repeat(BOUNDS.policyPatternLength + 1)],
      Array.from({ length: BOUNDS.policyListLength + 1 }, (_, i) => `arn:aws:iam::*:role/op-${i}`),
      [42],
    ],
  },
  { path: ['tiers'], bad: [{}, [], 'low', { low: { approvals: 1 } }] },
  { path: ['tiers', 'low', 'approvals'], bad: [BOUNDS.maxQuorum + 1, -1, 1.5, 1e300, '1', null] },
  {
    path: ['tiers', 'low', 'approvers'],
    bad: [
      [],
      'x',
      [null],
      Array.from({ length: BOUNDS.policyListLength + 1 }, () => 'arn:aws:iam::*:role/a'),
    ],
  },
  { path: ['kinds', 'grant', 'tier'], bad: ['no-such-tier', '', 'LOW', 42] },
  { path: ['kinds'], bad: [{ grant: { tier: 'low' } }, [], null] },
  {
    path: ['entitlements'],
    bad: [
      { match: '*', tier: 'low' },
      [{ match: '*', tier: 'nope' }],
      [{ match: '', tier: 'low' }],
      [{ Match: '*', tier: 'low' }],
    ],
  },
  {
    path: ['autoApprove'],
    bad: [
      [{ name: 'x', kinds: [] }],
      [{ name: 'x', kinds: ['GRANT'] }],
      [{ name: 'n'.repeat(BOUNDS.policyNameLength + 1), kinds: ['rotate'] }],
      'all',
    ],
  },
  { path: ['grants', 'maxDurationHours'], bad: [0, -1, BOUNDS.policyHoursMax + 1, 1e300, '720', null] },
  { path: ['grants', 'allowStanding'], bad: ['yes', 1, null] },
  { path: ['exceptions', 'maxDurationDays'], bad: [0, -5, BOUNDS.policyDaysMax + 1, 1e300] },
  { path: ['exceptions', 'tier'], bad: ['nope', ''] },
  { path: ['breakGlass', 'maxDurationMinutes'], bad: [0, 1.5, 1e300, -1] },
  { path: ['breakGlass', 'reviewWithinHours'], bad: [0, 1e300, 'soon'] },
  { path: ['certification', 'intervalDays'], bad: [0, 1e300, -1] },
  { path: ['certification', 'dueDays'], bad: [0, 1e300] },
  { path: ['thresholds', 'staleRoleDays'], bad: [0, 1.5, 1e300] },
  { path: ['severities'], bad: [{ 'stale-role': 'urgent' }, { 'no-such-type': 'high' }, []] },
  {
    path: ['ticketing'],
    bad: [
      [{ source: 's', principal: 'not-an-arn' }],
      [{ source: 's', account: '123', principal: 'arn:aws:iam::111122223333:role/x' }],
      [{ source: 's'.repeat(BOUNDS.eventSourceLength + 1), principal: 'arn:aws:iam::111122223333:role/x' }],
      {},
    ],
  },
];
const REQUIRED = [
  'schemaVersion',
  'name',
  'managedPath',
  'operators',
  'tiers',
  'kinds',
  'entitlements',
  'grants',
  'exceptions',
  'breakGlass',
  'certification',
  'thresholds',
];

const policyCases: fc.Arbitrary<{ how: string; text: string }> = fc.oneof(
  fc
    .constantFrom(...FIELDS)
    .chain((f) =>
      fc.constantFrom(...f.bad).map((bad) => ({
        how: `${f.path.join('.')} = ${JSON.stringify(bad)?.slice(0, 40)}`,
        doc: setAt(DEFAULT, f.path, bad),
      })),
    )
    .chain(({ how, doc }) =>
      fc.constantFrom('yaml', 'json').map((format) => ({
        how: `${how} (${format})`,
        text: format === 'json' ? JSON.stringify(doc) : stringify(doc),
      })),
    ),
  fc
    .constantFrom(...REQUIRED)
    .map((key) => ({ how: `missing ${key}`, text: stringify(deleteAt(DEFAULT, [key])) })),
  fc
    .tuple(
      fc.constantFrom([], ['tiers', 'low'], ['grants'], ['breakGlass'], ['kinds']),
      fc.constantFrom('__proto__', 'constructor', 'Name', 'SCHEMAVERSION', 'approvers ', 'extra'),
    )
    .filter(([path, key]) => !(path.length === 0 && key === 'constructor' && false))
    .map(([path, key]) => ({
      how: `extra key ${key} in ${path.join('.') || '(root)'}`,
      text: JSON.stringify(setAt(DEFAULT, [...path, key], PROTO_OBJECT)),
    })),
  fc
    .constantFrom(
      '',
      'schemaVersion: 1\nname: [unclosed',
      ':\n  - :',
      '{"schemaVersion": 1,}',
      '- just\n- a\n- list',
      'schemaVersion: !!js/function "function(){}"',
      `a: &a [${'x,'.repeat(50)}x]\nb: &b [${'*a,'.repeat(50)}*a]\nc: &c [${'*b,'.repeat(50)}*b]\nd: [${'*c,'.repeat(50)}*c]`,
      JSON.stringify({ ...DEFAULT, deep: nested(80) }),
      '\uFEFF\uFEFF',
      'x'.repeat(200_000),
    )
    .map((text) => ({ how: `text ${JSON.stringify(text.slice(0, 30))}`, text })),
);

describe('fuzz: the policy file (loadPolicyFile: local mode --policy and every governance function at cold start)', () => {
  let tables: TestTables;
  let dir: string;
  let writes: WriteWatch;
  beforeAll(async () => {
    tables = await createTestTables();
    dir = mkdtempSync(join(tmpdir(), 'nhi-gov-fuzz-policy-'));
    writes = await watchWrites(probeWrite(tables.doc, tables.names.idempotency), () =>
      snapshotTables(tables.doc, tables.names),
    );
  });
  afterAll(() => {
    writes.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    `refuses ${FUZZ_RUNS} hostile policy files with a ValidationError naming the problem, and writes nothing`,
    async () => {
      await fc.assert(
        fc.asyncProperty(policyCases, async (c) => {
          // Arrange
          const file = join(dir, 'policy.yaml');
          writeFileSync(file, c.text);
          // Act: a governance function's cold start with this policy in its bundle.
          const errorOf = (fn: () => unknown): unknown => {
            try {
              fn();
            } catch (e) {
              return e;
            }
            return undefined;
          };
          // The local reader (YAML or JSON: `--policy`) and, for JSON text, a function's cold start.
          const errors = [errorOf(() => loadPolicyFile(file))];
          if (errorOf(() => JSON.parse(c.text)) === undefined)
            errors.push(
              errorOf(() =>
                governanceFromEnv(tables.client, {
                  DECISIONS_TABLE_NAME: tables.names.decisions,
                  POLICY_FILE: file,
                }),
              ),
            );
          // Assert
          for (const error of errors) {
            expect(error, c.how).toBeInstanceOf(ValidationError);
            expect((error as ValidationError).message, c.how).toContain('policy file');
          }
          writes.expectNoWrites(c.how);
        }),
        { numRuns: FUZZ_RUNS, endOnFailure: true },
      );
      await writes.expectTablesUnchanged();
    },
    FUZZ_TIMEOUT_MS,
  );
});
