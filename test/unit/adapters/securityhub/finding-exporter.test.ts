import { BatchImportFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { asffId, parseProductArn, toAsff } from '../../../../lib/adapters/securityhub/asff.js';
import { SecurityHubExporter } from '../../../../lib/adapters/securityhub/finding-exporter.js';
import { FINDING_TYPES, type Finding, FRAMEWORKS, findingId } from '../../../../lib/domain/finding.js';
import { aFinding } from '../../../support/builders.js';
import { FakeSecurityHub } from '../../../support/fakes/securityhub.js';

const ACCOUNT = '111122223333';
const PRODUCT = `arn:aws:securityhub:eu-west-1:${ACCOUNT}:product/${ACCOUNT}/default`;
const AT = '2026-03-01T12:00:00.000Z';
let hub: FakeSecurityHub;
const exporter = (maxAttempts = 5) =>
  new SecurityHubExporter(new SecurityHubClient({ region: 'eu-west-1' }), PRODUCT, {
    maxAttempts,
    sleep: async () => {},
  });
const many = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    aFinding({ id: findingId('stale-role', `role/r${i}`), identityKey: `role/r${i}` }),
  );

beforeEach(() => {
  hub = new FakeSecurityHub(PRODUCT, ACCOUNT);
});

describe('SecurityHubExporter', () => {
  it('sends at most 100 findings per BatchImportFindings call', async () => {
    const result = await exporter().export(many(250), AT);

    const sizes = hub.mock
      .commandCalls(BatchImportFindingsCommand)
      .map((c) => c.args[0].input.Findings?.length);
    expect(sizes).toEqual([100, 100, 50]);
    expect(result.sent).toBe(250);
    expect(hub.findings.size).toBe(250);
  });

  it('retries a throttled call and keeps one finding per id', async () => {
    hub.throttleNext(3);

    await exporter().export(many(3), AT);

    expect(hub.mock.commandCalls(BatchImportFindingsCommand)).toHaveLength(4);
    expect(hub.findings.size).toBe(3);
  });

  it('resends only the findings a call reports as failed', async () => {
    const findings = many(5);
    hub.failNext(asffId(findings[2] as Finding), 2);

    await exporter().export(findings, AT);

    const calls = hub.mock
      .commandCalls(BatchImportFindingsCommand)
      .map((c) => c.args[0].input.Findings?.map((f) => f.Id));
    expect(calls).toEqual([
      findings.map(asffId),
      [asffId(findings[2] as Finding)],
      [asffId(findings[2] as Finding)],
    ]);
    expect(hub.findings.size).toBe(5);
  });

  it('fails naming the finding ids and codes once the attempts are spent, and after a throttle that never ends', async () => {
    const findings = many(2);
    hub.failNext(asffId(findings[0] as Finding), 10);

    await expect(exporter(3).export(findings, AT)).rejects.toMatchObject({
      code: 'FINDING_EXPORT_FAILED',
      message: expect.stringContaining(`${asffId(findings[0] as Finding)} (InternalException)`),
    });
    hub.throttleNext(10);
    await expect(exporter(3).export(findings, AT)).rejects.toMatchObject({ code: 'FINDING_EXPORT_FAILED' });
  });

  it('refuses a product ARN that is not the default product of the same account', () => {
    for (const arn of [
      `arn:aws:securityhub:eu-west-1:${ACCOUNT}:product/999999999999/default`,
      `arn:aws:securityhub:eu-west-1:${ACCOUNT}:product/aws/guardduty`,
      'arn:aws:securityhub:eu-west-1::product/x/default',
    ]) {
      expect(() => parseProductArn(arn), arn).toThrow(/not a default Security Hub product ARN/);
    }
  });
});

describe('toAsff', () => {
  const target = parseProductArn(PRODUCT);

  it('maps any finding to a record Security Hub accepts: stable id, bounded text, compliance with the frameworks', async () => {
    const finding = fc.record({
      type: fc.constantFrom(...FINDING_TYPES),
      status: fc.constantFrom('open', 'suppressed', 'resolved' as const),
      severity: fc.constantFrom('info', 'low', 'medium', 'high', 'critical' as const),
      name: fc.stringMatching(/^[\w+=,.@-]{1,64}$/),
      kind: fc.constantFrom('role', 'user', 'decision'),
      title: fc.string({ minLength: 1, maxLength: 2000 }),
    });
    await fc.assert(
      fc.asyncProperty(finding, async (g) => {
        const f = aFinding({
          type: g.type,
          status: g.status,
          severity: g.severity,
          identityKey: `${g.kind}/${g.name}`,
          id: findingId(g.type, `${g.kind}/${g.name}`),
          title: g.title,
          frameworks: FRAMEWORKS[g.type],
          ...(g.status === 'resolved' ? { resolvedAt: AT } : {}),
        });
        const record = toAsff(f, target, AT);
        hub = new FakeSecurityHub(PRODUCT, ACCOUNT);
        const out = await new SecurityHubClient({ region: 'eu-west-1' }).send(
          new BatchImportFindingsCommand({ Findings: [record] }),
        );

        expect(out.FailedFindings).toEqual([]);
        expect(record.Id).toBe(`nhi-gov/${f.id}`);
        expect(record.Compliance?.RelatedRequirements).toEqual([
          ...f.frameworks.nistCsf.map((c) => `NIST CSF 2.0 ${c}`),
          ...f.frameworks.owaspNhi.map((c) => `OWASP NHI Top 10 ${c}`),
        ]);
        expect(record.RecordState).toBe(g.status === 'resolved' ? 'ARCHIVED' : 'ACTIVE');
        expect(record.Compliance?.Status).toBe(g.status === 'resolved' ? 'PASSED' : 'FAILED');
      }),
      { numRuns: 100 },
    );
  });
});
