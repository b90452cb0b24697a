import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCredentialReport } from '../../../../lib/adapters/snapshot/credential-report.js';
import { readIamDate } from '../../../../lib/adapters/snapshot/iam-dates.js';
import { readSnapshot } from '../../../../lib/adapters/snapshot/read-snapshot.js';
import { toCredentialReportCsv, toGaadJson } from '../../../../lib/adapters/snapshot/write-snapshot.js';
import { ValidationError } from '../../../../lib/domain/errors.js';
import { IamInventory } from '../../../../lib/domain/inventory.js';
import { tempDir } from '../../../support/temp.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const GAAD = fixture('gaad-quirks.json');
const REPORT = fixture('credential-report-quirks.csv');

// Made while the file is collected, removed after its tests (test/support/temp.ts).
const dir = tempDir('nhi-gov-snapshot-');

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function errorOf(promise: Promise<unknown>): Promise<ValidationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe('readIamDate', () => {
  it('reads both date styles, Z and offsets to the same UTC instant', () => {
    expect(readIamDate('2025-02-03 04:05:06+00:00')).toEqual({ ok: true, value: '2025-02-03T04:05:06Z' });
    expect(readIamDate('2025-02-03T04:05:06+00:00')).toEqual({ ok: true, value: '2025-02-03T04:05:06Z' });
    expect(readIamDate('2025-02-03T04:05:06Z')).toEqual({ ok: true, value: '2025-02-03T04:05:06Z' });
    expect(readIamDate('2025-02-03T06:05:06+02:00')).toEqual({ ok: true, value: '2025-02-03T04:05:06Z' });
    expect(readIamDate(new Date('2025-02-03T04:05:06.250Z'))).toEqual({
      ok: true,
      value: '2025-02-03T04:05:06.250Z',
    });
  });

  it('reads N/A, not_supported and no_information as no value, and refuses anything else', () => {
    for (const none of ['N/A', 'not_supported', 'no_information', '', undefined]) {
      expect(readIamDate(none)).toEqual({ ok: true, value: undefined });
    }
    expect(readIamDate('yesterday')).toMatchObject({ ok: false });
    expect(readIamDate('2025-02-30 00:00:00+00:00')).toMatchObject({ ok: false });
    expect(readIamDate('2025-13-01 00:00:00+00:00')).toMatchObject({ ok: false });
  });
});

describe('readSnapshot', () => {
  it('normalizes a GAAD export with space dates, URL-encoded documents and missing optional fields', async () => {
    const inventory = await readSnapshot({ gaadPath: GAAD });

    expect(IamInventory.parse(inventory)).toEqual(inventory);
    expect(inventory).toMatchObject({ source: 'snapshot', accountId: '111122223333', origin: [GAAD] });
    const etl = inventory.roles.find((r) => r.name === 'etl-nightly');
    expect(etl).toMatchObject({
      path: '/nhi/',
      createdAt: '2025-02-03T04:05:06Z',
      lastUsedAt: '2025-05-06T07:08:09Z',
      lastUsedRegion: 'eu-west-1',
      permissionsBoundaryArn: 'arn:aws:iam::111122223333:policy/nhi-gov-boundary',
      trustPolicy: { Statement: [{ Principal: { Service: 'glue.amazonaws.com' } }] },
    });
    const serviceRole = inventory.roles.find((r) => r.name === 'AWSServiceRoleForSupport');
    expect(serviceRole?.lastUsedAt).toBeUndefined();
    expect(serviceRole).toMatchObject({ tags: {}, attachedManagedPolicies: [], inlinePolicies: [] });
    const legacy = inventory.users.find((u) => u.name === 'legacy-bot');
    expect(legacy).toMatchObject({
      createdAt: '2024-06-30T23:59:59Z',
      groups: [],
      inlinePolicies: [{ name: 'encoded', document: { Statement: [{ Action: 's3:GetObject' }] } }],
      credentialReportSeen: false,
      accessKeys: [],
    });
    expect(inventory.users.find((u) => u.name === 'ci-deployer')?.tags).toEqual({
      'nhi-gov:owner': 'team-platform',
    });
  });

  it('joins the credential report: skips the root row, reads N/A-like values as absent, keeps inactive keys', async () => {
    const inventory = await readSnapshot({ gaadPath: GAAD, credentialReportPath: REPORT });

    expect(inventory.origin).toEqual([GAAD, REPORT]);
    expect(inventory.users.map((u) => u.name)).toEqual(['ci-deployer', 'legacy-bot']);
    expect(inventory.users.find((u) => u.name === 'ci-deployer')).toMatchObject({
      credentialReportSeen: true,
      passwordEnabled: false,
      mfaActive: false,
      accessKeys: [
        {
          slot: 1,
          active: true,
          lastRotatedAt: '2025-01-02T03:10:00Z',
          lastUsedAt: '2025-06-01T10:00:00Z',
          lastUsedService: 's3',
        },
        { slot: 2, active: false, lastRotatedAt: '2025-01-02T03:05:00Z' },
      ],
    });
    const legacy = inventory.users.find((u) => u.name === 'legacy-bot');
    expect(legacy).toMatchObject({ passwordEnabled: true, credentialReportSeen: true });
    expect(legacy?.passwordLastUsedAt).toBeUndefined();
    expect(legacy?.accessKeys).toEqual([{ slot: 1, active: true, lastRotatedAt: '2024-07-01T00:00:00Z' }]);
  });

  it('reports the root row as seen and ignores rows of users GAAD does not list', () => {
    const report = parseCredentialReport(
      toCredentialReportCsv({ users: [], accountId: '111122223333' }),
      'r.csv',
    );
    expect(report.rootRowSeen).toBe(true);
    expect(report.users.size).toBe(0);
  });

  it('round-trips what the snapshot writer produces, in both date styles', async () => {
    const original = await readSnapshot({ gaadPath: GAAD, credentialReportPath: REPORT });
    for (const style of ['space', 'iso-t'] as const) {
      const gaadPath = await file(`rt-${style}.json`, toGaadJson(original, style));
      const reportPath = await file(`rt-${style}.csv`, toCredentialReportCsv(original, { style }));
      const copy = await readSnapshot({ gaadPath, credentialReportPath: reportPath });
      expect(copy.roles.map((r) => ({ ...r, id: undefined }))).toEqual(
        original.roles.map((r) => ({ ...r, id: undefined })),
      );
      expect(copy.users.map((u) => u.accessKeys)).toEqual(original.users.map((u) => u.accessKeys));
    }
  });

  it('names the file, line and column of invalid JSON', async () => {
    const path = await file('broken.json', '{\n  "RoleDetailList": [\n    { "RoleName": "x" ,, }\n  ]\n}\n');
    const error = await errorOf(readSnapshot({ gaadPath: path }));
    expect(error.message).toContain(`${path}:3:`);
    expect(error.message).not.toMatch(/\n\s+at /);
  });

  it('names the file and the JSON path of every bad field', async () => {
    const path = await file(
      'bad-fields.json',
      JSON.stringify({
        RoleDetailList: [
          {
            RoleName: 'ok',
            Arn: 'arn:aws:iam::111122223333:role/ok',
            CreateDate: '2025-01-01 00:00:00+00:00',
          },
          { RoleName: 'bad', Arn: 'arn:aws:iam::111122223333:role/bad', CreateDate: 'last tuesday' },
        ],
        UserDetailList: [{ UserName: 'no-arn', CreateDate: '2025-01-01T00:00:00Z' }],
      }),
    );
    const error = await errorOf(readSnapshot({ gaadPath: path }));
    expect(error.issues.map((i) => i.path)).toEqual([
      `${path} at UserDetailList[0].Arn`,
      `${path} at RoleDetailList[1].CreateDate`,
    ]);
    expect(error.message).toContain('last tuesday');
  });

  it('names the file, line and column of every bad credential report cell', async () => {
    const good = await readSnapshot({ gaadPath: GAAD, credentialReportPath: REPORT });
    const lines = toCredentialReportCsv(good).split('\n');
    lines[2] = (lines[2] ?? '').replace(',false,N/A,N/A,N/A,false,true,', ',maybe,N/A,N/A,N/A,false,true,');
    lines[3] = (lines[3] ?? '').replace('2024-07-01T00:00:00+00:00', '07/01/2024');
    const path = await file('bad.csv', lines.join('\n'));
    const error = await errorOf(readSnapshot({ gaadPath: GAAD, credentialReportPath: path }));
    expect(error.issues).toEqual([
      { path: `${path}:3 column password_enabled`, message: 'expected true or false, got "maybe"' },
      expect.objectContaining({ path: `${path}:4 column access_key_1_last_rotated` }),
    ]);
  });

  it('refuses a CSV that is not a credential report, and a missing file, by name', async () => {
    const path = await file('other.csv', 'name,size\na,1\n');
    const notReport = await errorOf(readSnapshot({ gaadPath: GAAD, credentialReportPath: path }));
    expect(notReport.message).toContain(`${path}:1`);
    expect(notReport.message).toContain('access_key_1_active');

    const missing = await errorOf(readSnapshot({ gaadPath: join(dir, 'nope.json') }));
    expect(missing.message).toBe(`cannot read GAAD file ${join(dir, 'nope.json')}: no such file`);
  });

  it('accepts quoted CSV cells and an array of saved GAAD pages', async () => {
    const original = await readSnapshot({ gaadPath: GAAD });
    const pages = [
      { RoleDetailList: JSON.parse(toGaadJson(original)).RoleDetailList, IsTruncated: true, Marker: 'm' },
      { UserDetailList: JSON.parse(toGaadJson(original)).UserDetailList, IsTruncated: false },
    ];
    const gaadPath = await file('pages.json', JSON.stringify(pages));
    const csv = toCredentialReportCsv({
      ...original,
      users: original.users.map((u) => ({ ...u, credentialReportSeen: true })),
    }).replace('ci-deployer,', '"ci-deployer",');
    const reportPath = await file('quoted.csv', csv);
    const inventory = await readSnapshot({ gaadPath, credentialReportPath: reportPath });
    expect(inventory.roles).toHaveLength(2);
    expect(inventory.users.find((u) => u.name === 'ci-deployer')?.credentialReportSeen).toBe(true);
  });
});
