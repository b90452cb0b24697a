import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IAM_LIMITS } from '../../lib/domain/bounds.js';
import { type CliWorld, cliWorld } from './support/cli-world.js';
import { anyHostileValue, FUZZ_RUNS, FUZZ_TIMEOUT_MS, nested, PROTO_OBJECT } from './support/hostile.js';
import { type WriteWatch, watchWrites } from './support/write-watch.js';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
const GAAD = JSON.parse(readFileSync(join(EXAMPLES, 'acme-gaad.json'), 'utf8')) as Record<string, unknown[]>;
const REPORT = readFileSync(join(EXAMPLES, 'acme-credential-report.csv'), 'utf8');

type Json = Record<string, unknown>;
const role = (GAAD.RoleDetailList?.[0] ?? {}) as Json;
const user = (GAAD.UserDetailList?.[0] ?? {}) as Json;

/** A GAAD export whose first role (or user) has one field broken. */
function withIdentity(list: 'RoleDetailList' | 'UserDetailList', key: string, value: unknown) {
  const entries = [...(GAAD[list] ?? [])] as Json[];
  const broken = { ...(entries[0] ?? {}) };
  Object.defineProperty(broken, key, { value, enumerable: true, writable: true, configurable: true });
  entries[0] = broken;
  return JSON.stringify({ ...GAAD, [list]: entries });
}

/** Values a field of this kind can never take. */
const notString = fc.oneof(fc.constantFrom<unknown>(null, 42, true, [], {}, PROTO_OBJECT), fc.integer());
const badName = fc.constantFrom(
  '',
  'n'.repeat(IAM_LIMITS.nameLength + 1),
  'x'.repeat(100_000),
  'name with spaces',
  'rôle',
  'a/b',
  '😀',
  '\uD800',
);

interface SnapshotCase {
  readonly how: string;
  readonly gaad: string;
  readonly report: string;
}

const snapshotCases: fc.Arbitrary<SnapshotCase> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom<'RoleDetailList' | 'UserDetailList'>('RoleDetailList', 'UserDetailList'),
      fc.oneof(badName, notString),
    )
    .map(([list, name]) => ({
      how: `${list} name ${JSON.stringify(name)?.slice(0, 30)}`,
      gaad: withIdentity(list, list === 'RoleDetailList' ? 'RoleName' : 'UserName', name),
      report: REPORT,
    })),
  fc
    .tuple(
      fc.constantFrom<'RoleDetailList' | 'UserDetailList'>('RoleDetailList', 'UserDetailList'),
      fc.constantFrom('Arn', 'Path', 'CreateDate', 'Tags', 'AttachedManagedPolicies', 'PermissionsBoundary'),
      anyHostileValue,
    )
    .filter(([, key, value]) => {
      // Only values that cannot be valid for the field.
      if (key === 'Arn')
        return typeof value !== 'string' || value === '' || value.length > IAM_LIMITS.arnLength;
      if (key === 'Path')
        return value !== undefined && (typeof value !== 'string' || value.length > IAM_LIMITS.pathLength);
      if (key === 'CreateDate') return typeof value !== 'string' || Number.isNaN(Date.parse(value));
      if (key === 'Tags' || key === 'AttachedManagedPolicies')
        return value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0);
      return value !== null && (typeof value !== 'object' || Array.isArray(value));
    })
    .map(([list, key, value]) => ({
      how: `${list}[0].${key} = ${JSON.stringify(value)?.slice(0, 30)}`,
      gaad: withIdentity(list, key, value),
      report: REPORT,
    })),
  fc
    .constantFrom<[string, unknown]>(
      ['Path', `/${'p'.repeat(IAM_LIMITS.pathLength)}/`],
      ['Tags', [{ Key: 'k'.repeat(IAM_LIMITS.tagKeyLength + 1), Value: 'v' }]],
      ['Tags', [{ Key: 'owner', Value: 'v'.repeat(IAM_LIMITS.tagValueLength + 1) }]],
      ['Tags', [{ Key: '', Value: 'v' }]],
      ['Tags', [{ Value: 'v' }]],
      ['AttachedManagedPolicies', [{ PolicyName: 'p', PolicyArn: 'a'.repeat(IAM_LIMITS.arnLength + 1) }]],
      ['AttachedManagedPolicies', [{ PolicyName: '', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }]],
      ['RolePolicyList', [{ PolicyName: 'p', PolicyDocument: '%7B%22not json' }]],
      ['RolePolicyList', [{ PolicyName: 'p' }]],
      ['AssumeRolePolicyDocument', '{not json'],
      ['CreateDate', '2026-02-30T00:00:00Z'],
      ['RoleLastUsed', { LastUsedDate: 'last tuesday' }],
      ['Arn', 'x'.repeat(IAM_LIMITS.arnLength + 1)],
    )
    .map(([key, value]) => ({
      how: `role ${key} = ${JSON.stringify(value).slice(0, 40)}`,
      gaad: withIdentity('RoleDetailList', key, value),
      report: REPORT,
    })),
  fc
    .constantFrom<unknown>(
      { RoleDetailList: 'roles' },
      { RoleDetailList: [null] },
      { RoleDetailList: [{}] },
      { UserDetailList: [role] },
      { RoleDetailList: [user] },
      { RoleDetailList: [nested(60)] },
      [{ RoleDetailList: [{ ...role, RoleName: '' }] }],
      [GAAD, { UserDetailList: 42 }],
    )
    .map((doc) => ({
      how: `GAAD ${JSON.stringify(doc).slice(0, 50)}`,
      gaad: JSON.stringify(doc),
      report: REPORT,
    })),
  fc
    .constantFrom('', '{', '[', 'null', '42', '"GAAD"', '\uFEFF', 'RoleDetailList:\n  - RoleName: x')
    .map((text) => ({ how: `GAAD text ${JSON.stringify(text)}`, gaad: text, report: REPORT })),
  fc
    .constantFrom(
      '',
      'user,arn\nci,arn:aws:iam::123456789012:user/ci',
      REPORT.replace('access_key_1_active', 'access_key_one_active'),
      REPORT.replace(/^user,/, 'User,'),
      `${REPORT.trimEnd()}\n,arn:aws:iam::123456789012:user/nobody,2024-01-01T00:00:00+00:00`,
      `${REPORT.trimEnd()}\nonly,three,cells`,
      `${REPORT.split('\n')[0]}\n"unterminated,quote`,
    )
    .map((report) => ({
      how: `credential report ${JSON.stringify(report.slice(-40))}`,
      gaad: JSON.stringify(GAAD),
      report,
    })),
);

describe('fuzz: IAM snapshot files (nhi-gov scan --gaad --credential-report)', () => {
  let world: CliWorld;
  let writes: WriteWatch;
  beforeAll(async () => {
    world = cliWorld('fuzz-snapshot');
    writeFileSync(join(world.dir, 'gaad.json'), JSON.stringify(GAAD));
    writeFileSync(join(world.dir, 'report.csv'), REPORT);
    // A real scan first: findings exist, so a bad snapshot read as an empty account would change them.
    writes = await watchWrites(async () => {
      const seeded = await world.cli(
        'scan',
        '--gaad',
        'gaad.json',
        '--credential-report',
        'report.csv',
        '--as-of',
        '2026-03-01T00:00:00Z',
      );
      expect(seeded.code, seeded.stderr).toBeLessThanOrEqual(1);
    }, world.snapshot);
  });
  afterAll(() => {
    writes.stop();
    world.close();
  });

  it(
    `refuses ${FUZZ_RUNS} hostile snapshot files with exit 2, and changes no finding`,
    async () => {
      await fc.assert(
        fc.asyncProperty(snapshotCases, async (c) => {
          // Arrange
          writeFileSync(join(world.dir, 'bad-gaad.json'), c.gaad);
          writeFileSync(join(world.dir, 'bad-report.csv'), c.report);
          // Act
          const run = await world.cli(
            'scan',
            '--gaad',
            'bad-gaad.json',
            '--credential-report',
            'bad-report.csv',
            '--as-of',
            '2026-03-01T00:00:00Z',
          );
          // Assert
          expect(run.code, `${c.how}: ${run.stderr.slice(0, 300)}`).toBe(2);
          expect(run.stderr).not.toContain('unexpected error');
          writes.expectNoWrites(c.how);
        }),
        { numRuns: FUZZ_RUNS, endOnFailure: true },
      );
      await writes.expectTablesUnchanged();
    },
    FUZZ_TIMEOUT_MS,
  );
});
