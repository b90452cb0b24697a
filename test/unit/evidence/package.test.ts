import { describe, expect, it } from 'vitest';
import type { EvidenceData } from '../../../lib/domain/evidence/collect.js';
import { verifyPackage } from '../../../lib/domain/evidence/manifest.js';
import { buildEvidencePackage } from '../../../lib/evidence/package.js';
import { aDecision, aFinding, BOB } from '../../support/builders.js';

const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAfake-task-token-secret';

function data(): EvidenceData {
  const at = '2026-02-10T10:00:00.000Z';
  return {
    period: { from: '2026-02-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' },
    generatedAt: '2026-03-01T03:00:00.000Z',
    decisions: [
      aDecision({
        status: 'approved',
        version: 2,
        decidedAt: at,
        updatedAt: at,
        approvals: [{ approver: BOB, at, basis: 'tier low' }],
        taskToken: TOKEN,
      }),
    ],
    deniedAttempts: [],
    executions: [],
    exceptions: [],
    breakGlass: [],
    campaigns: [],
    findings: [aFinding({ title: '=HYPERLINK("http://evil")', firstSeen: at, lastSeen: at })],
  };
}

describe('buildEvidencePackage', () => {
  it('never writes a Step Functions task token, and neutralises spreadsheet formulas in CSV', () => {
    const pkg = buildEvidencePackage({ data: data(), policies: [], source: 'test', generator: 'test' });
    const text = [...pkg.files.values()].map((b) => new TextDecoder().decode(b)).join('\n');
    const csv = new TextDecoder().decode(pkg.files.get('findings.csv'));

    expect(text).not.toContain(TOKEN);
    expect(csv).toContain(`'=HYPERLINK`);
    expect(csv).not.toMatch(/(^|,)=HYPERLINK/m);
    expect(verifyPackage(pkg.files).ok).toBe(true);
  });

  it('escapes HTML in the index', () => {
    const d = data();
    const pkg = buildEvidencePackage({
      data: d,
      policies: [],
      source: '<script>alert(1)</script>',
      generator: 'test',
    });
    const html = new TextDecoder().decode(pkg.files.get('index.html'));

    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
  });
});
