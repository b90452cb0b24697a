import {
  GenerateCredentialReportCommand,
  GetAccountAuthorizationDetailsCommand,
  GetCredentialReportCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { GAAD_PAGE_SIZE, LiveIamDirectory } from '../../../../lib/adapters/iam-inventory/live-inventory.js';
import { readSnapshot } from '../../../../lib/adapters/snapshot/read-snapshot.js';
import type { IamInventory } from '../../../../lib/domain/inventory.js';
import {
  anInventory,
  aRole,
  aUser,
  daysAgo,
  installFakeIamAccount,
} from '../../../support/fakes/iam-read.js';
import { tempDir } from '../../../support/temp.js';

const iam = mockClient(IAMClient);
const client = new IAMClient({ region: 'us-east-1' });
const noWait = async () => {};

beforeEach(() => {
  iam.reset();
});

function account(n: number): IamInventory {
  const roles = Array.from({ length: Math.ceil(n / 2) }, (_, i) =>
    aRole(`role-${i}`, {
      attachedManagedPolicies: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess', name: 'ReadOnlyAccess' }],
      inlinePolicies: [{ name: 'inline', document: { Version: '2012-10-17', Statement: [] } }],
    }),
  );
  const users = Array.from({ length: Math.floor(n / 2) }, (_, i) => aUser(`user-${i}`));
  return anInventory({ roles, users });
}

describe('LiveIamDirectory', () => {
  it.each([1, 999, 1000, 1001, 2500, 10_000])(
    'reads %i identities in at most ceil(N/1000) GAAD calls plus a constant for the credential report',
    async (n) => {
      installFakeIamAccount(iam, account(n), { reportReadyAfter: 3 });

      const inventory = await new LiveIamDirectory(client, { sleep: noWait }).readInventory();

      expect(inventory.roles.length + inventory.users.length).toBe(n);
      const gaadCalls = iam.commandCalls(GetAccountAuthorizationDetailsCommand);
      expect(gaadCalls.length).toBeLessThanOrEqual(Math.ceil(n / GAAD_PAGE_SIZE));
      for (const call of gaadCalls) {
        expect(call.args[0].input).toMatchObject({
          MaxItems: 1000,
          Filter: ['Role', 'User', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'],
        });
      }
      // 3 GenerateCredentialReport polls + 1 GetCredentialReport, whatever N is.
      expect(iam.calls().length - gaadCalls.length).toBe(4);
      expect(iam.commandCalls(GetCredentialReportCommand)).toHaveLength(1);
    },
  );

  it('normalizes SDK values (Dates, URL-encoded documents) like the snapshot reader does', async () => {
    const source = anInventory({
      roles: [
        aRole('batch', {
          lastUsedAt: daysAgo(3),
          lastUsedRegion: 'eu-west-1',
          tags: { team: 'data' },
          trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole' }] },
          inlinePolicies: [
            {
              name: 'reads',
              document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:Get*' }] },
            },
          ],
        }),
      ],
      users: [
        aUser('ci', {
          passwordEnabled: true,
          accessKeys: [
            {
              slot: 2,
              active: true,
              lastRotatedAt: daysAgo(100),
              lastUsedService: 's3',
              lastUsedAt: daysAgo(1),
            },
          ],
        }),
      ],
    });
    installFakeIamAccount(iam, source);

    const live = await new LiveIamDirectory(client, {
      sleep: noWait,
      now: () => new Date('2026-03-01T00:00:00Z'),
    }).readInventory();

    expect(live).toMatchObject({
      source: 'live',
      collectedAt: '2026-03-01T00:00:00Z',
      accountId: '111122223333',
    });
    expect(live.roles[0]).toMatchObject({
      name: 'batch',
      tags: { team: 'data' },
      lastUsedRegion: 'eu-west-1',
      trustPolicy: { Statement: [{ Action: 'sts:AssumeRole' }] },
      inlinePolicies: [{ name: 'reads', document: { Statement: [{ Action: 's3:Get*' }] } }],
    });
    expect(Date.parse(live.roles[0]?.lastUsedAt ?? '')).toBe(Date.parse(daysAgo(3)));
    expect(live.users[0]).toMatchObject({
      credentialReportSeen: true,
      passwordEnabled: true,
      accessKeys: [{ slot: 2, active: true, lastUsedService: 's3' }],
    });
  });

  it('waits with growing delays while the report is generated, and gives up after maxPolls', async () => {
    installFakeIamAccount(iam, account(2), { reportReadyAfter: 100 });
    const waits: number[] = [];
    const directory = new LiveIamDirectory(client, {
      maxPolls: 6,
      baseDelayMs: 500,
      maxDelayMs: 4000,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });

    await expect(directory.readInventory()).rejects.toMatchObject({ code: 'CREDENTIAL_REPORT_TIMEOUT' });
    expect(waits).toEqual([500, 1000, 2000, 4000, 4000]);
    expect(iam.commandCalls(GenerateCredentialReportCommand)).toHaveLength(6);
    expect(iam.commandCalls(GetCredentialReportCommand)).toHaveLength(0);
  });

  it('reads the same inventory as the snapshot files of the same account', async () => {
    const { writeFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { toCredentialReportCsv, toGaadJson } = await import(
      '../../../../lib/adapters/snapshot/write-snapshot.js'
    );
    const source = account(6);
    installFakeIamAccount(iam, source);
    const dir = tempDir('nhi-gov-live-');
    await writeFile(join(dir, 'g.json'), toGaadJson(source));
    await writeFile(join(dir, 'r.csv'), toCredentialReportCsv(source));

    const live = await new LiveIamDirectory(client, { sleep: noWait }).readInventory();
    const files = await readSnapshot({
      gaadPath: join(dir, 'g.json'),
      credentialReportPath: join(dir, 'r.csv'),
    });

    expect(live.roles).toEqual(files.roles);
    expect(live.users).toEqual(files.users);
  });
});
