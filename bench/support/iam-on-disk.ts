/**
 * IAM's read side for the scan-handler benchmark, served from files: the generated account is written
 * once as GetAccountAuthorizationDetails pages (1,000 identities each, SDK-shaped JSON) and a credential
 * report CSV, then dropped, so the benchmark's process holds only what the scan function itself holds
 * (a page arrives as JSON off disk, as it would off the network). Its peak RSS is then the Lambda's.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GetAccountAuthorizationDetailsCommand,
  type GetAccountAuthorizationDetailsCommandInput,
  type IAMClient,
} from '@aws-sdk/client-iam';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { toCredentialReportCsv, toGaadJson } from '../../lib/adapters/snapshot/write-snapshot.js';
import type { IamInventory } from '../../lib/domain/inventory.js';
import { installFakeCredentialReport, sdkShape } from '../../test/support/fakes/iam-read.js';

const PAGE = 1_000;
const DATE_KEYS = new Set(['CreateDate', 'LastUsedDate']);

/** Writes the account's pages and report under `dir`; returns how many pages there are. */
export function writeIamAccount(dir: string, inventory: IamInventory): number {
  const gaad = JSON.parse(toGaadJson(inventory)) as {
    RoleDetailList: Record<string, unknown>[];
    UserDetailList: Record<string, unknown>[];
  };
  const all = [
    ...gaad.RoleDetailList.map((item) => ({ kind: 'role' as const, item })),
    ...gaad.UserDetailList.map((item) => ({ kind: 'user' as const, item })),
  ];
  const pages = Math.max(1, Math.ceil(all.length / PAGE));
  for (let p = 0; p < pages; p++) {
    const page = all.slice(p * PAGE, (p + 1) * PAGE);
    const body = {
      RoleDetailList: page.filter((e) => e.kind === 'role').map((e) => sdkShape(e.item)),
      UserDetailList: page.filter((e) => e.kind === 'user').map((e) => sdkShape(e.item)),
      IsTruncated: p < pages - 1,
      ...(p < pages - 1 ? { Marker: String(p + 1) } : {}),
    };
    writeFileSync(join(dir, `gaad-${p}.json`), JSON.stringify(body));
  }
  writeFileSync(join(dir, 'credential-report.csv'), toCredentialReportCsv(inventory));
  return pages;
}

/** Answers the IAM read calls from the files `writeIamAccount` wrote. */
export function installIamFromDisk(iam: AwsClientStub<IAMClient>, dir: string): void {
  iam
    .on(GetAccountAuthorizationDetailsCommand)
    .callsFake((input: GetAccountAuthorizationDetailsCommandInput) =>
      JSON.parse(readFileSync(join(dir, `gaad-${input.Marker ?? '0'}.json`), 'utf8'), (key, value) =>
        DATE_KEYS.has(key) && typeof value === 'string' ? new Date(value) : value,
      ),
    );
  installFakeCredentialReport(iam, () => readFileSync(join(dir, 'credential-report.csv')));
}
