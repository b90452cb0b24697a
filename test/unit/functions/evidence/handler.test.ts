import { readFileSync } from 'node:fs';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildHandler, type EvidenceHandlerDeps } from '../../../../functions/evidence/handler.js';
import { DynamoCampaignStore } from '../../../../lib/adapters/dynamodb/campaign-store.js';
import { S3EvidenceArchive } from '../../../../lib/adapters/s3/evidence-archive.js';
import { fixedClock } from '../../../../lib/adapters/system.js';
import { storesFor } from '../../../../lib/cli/local-store.js';
import { DEFAULT_POLICY_PATH, loadPolicyFile } from '../../../../lib/config/policy-file.js';
import { ConflictError, ValidationError } from '../../../../lib/domain/errors.js';
import { MANIFEST_FILE, verifyPackage } from '../../../../lib/domain/evidence/manifest.js';
import { seed } from '../../../integration/reports/seed.js';
import { createTestTables } from '../../../support/dynamo.js';
import { FakeS3 } from '../../../support/fakes/s3.js';

// handler.ts builds its Lambda dependencies at import, as it does on a cold start: give it an environment.
await vi.hoisted(async () => {
  const { defaultPolicyJsonFile } = await import('../../../support/policy.js');
  Object.assign(process.env, {
    DECISIONS_TABLE_NAME: 'unused-decisions',
    EXECUTIONS_TABLE_NAME: 'unused-executions',
    FINDINGS_TABLE_NAME: 'unused-findings',
    EVIDENCE_BUCKET_NAME: 'unused-bucket',
    EVIDENCE_PERIOD: 'month',
    POLICY_FILE: defaultPolicyJsonFile(),
    AWS_REGION: 'us-east-1',
  });
});

const BUCKET = 'nhi-gov-evidence';
let sources: EvidenceHandlerDeps['sources'];
let s3: FakeS3;

beforeAll(async () => {
  const tables = await createTestTables();
  const stores = storesFor(tables.client, tables.names);
  await seed(stores);
  sources = {
    decisions: stores.decisions,
    executions: stores.executions,
    findings: stores.findings,
    campaigns: new DynamoCampaignStore(stores.doc, tables.names.decisions),
  };
});

beforeEach(() => {
  s3 = new FakeS3();
});

function handlerAt(now: string) {
  const policy = loadPolicyFile();
  return buildHandler({
    sources,
    archive: new S3EvidenceArchive(new S3Client({ region: 'us-east-1' }), BUCKET),
    policy: {
      version: policy.version,
      source: 'policy.yaml',
      text: readFileSync(DEFAULT_POLICY_PATH, 'utf8'),
    },
    period: 'month',
    clock: fixedClock(now),
    source: 'tables:test',
  });
}

/** The package as stored under one prefix, by package path. */
const stored = (prefix: string) =>
  new Map(
    [...s3.objects.entries()]
      .filter(([key]) => key.startsWith(`${BUCKET}/${prefix}`))
      .map(([key, o]) => [key.slice(`${BUCKET}/${prefix}`.length), o.body]),
  );

describe('evidence handler', () => {
  it("writes the previous month's package once, manifest last, and the stored objects verify", async () => {
    const summary = await handlerAt('2026-03-01T03:00:00Z')({ trigger: 'schedule' });

    expect(summary).toMatchObject({ from: '2026-02-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' });
    expect(summary.prefix).toBe('evidence/2026-02-01T000000Z_2026-03-01T000000Z/2026-03-01T030000Z/');
    const keys = s3.mock.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key);
    expect(keys.at(-1)).toBe(`${summary.prefix}${MANIFEST_FILE}`);
    expect(keys).toHaveLength(summary.files);
    const result = verifyPackage(stored(summary.prefix), { expectDigest: summary.packageDigest });
    expect(result.problems).toEqual([]);
    expect(s3.objects.get(`${BUCKET}/${summary.prefix}${MANIFEST_FILE}`)?.metadata).toEqual({
      'package-digest': summary.packageDigest,
    });
    for (const call of s3.mock.commandCalls(PutObjectCommand)) {
      expect(call.args[0].input.IfNoneMatch).toBe('*');
      expect(call.args[0].input.ChecksumSHA256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
      expect(call.args[0].input).not.toHaveProperty('ObjectLockMode');
    }
  });

  it('never overwrites: a second run at the same instant is a conflict and leaves the first package intact', async () => {
    const run = handlerAt('2026-03-01T03:00:00Z');
    const first = await run({});
    const before = new Map(
      [...s3.objects.entries()].map(([k, o]) => [k, Buffer.from(o.body).toString('base64')]),
    );

    await expect(run({})).rejects.toBeInstanceOf(ConflictError);
    expect(
      new Map([...s3.objects.entries()].map(([k, o]) => [k, Buffer.from(o.body).toString('base64')])),
    ).toEqual(before);
    expect(verifyPackage(stored(first.prefix)).ok).toBe(true);
  });

  it('writes an explicit past period as a new package beside the earlier ones', async () => {
    const scheduled = await handlerAt('2026-03-01T03:00:00Z')({});
    const rerun = await handlerAt('2026-03-02T09:30:00Z')({
      from: '2026-02-01T00:00:00Z',
      to: '2026-03-01T00:00:00Z',
    });

    expect(rerun.prefix).not.toBe(scheduled.prefix);
    expect(verifyPackage(stored(scheduled.prefix)).ok).toBe(true);
    expect(verifyPackage(stored(rerun.prefix)).ok).toBe(true);
  });

  it('refuses a malformed event and writes nothing', async () => {
    const run = handlerAt('2026-03-01T03:00:00Z');
    for (const event of [
      { from: '2026-02-01T00:00:00Z' },
      { from: '2026-03-01T00:00:00Z', to: '2026-02-01T00:00:00Z' },
      { from: 'last month', to: '2026-03-01T00:00:00Z' },
    ]) {
      await expect(run(event), JSON.stringify(event)).rejects.toBeInstanceOf(ValidationError);
    }
    expect(s3.mock.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});
