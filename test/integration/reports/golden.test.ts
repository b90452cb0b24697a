import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { storesFor } from '../../../lib/cli/local-store.js';
import type { OutputFormat } from '../../../lib/cli/output.js';
import { renderReport } from '../../../lib/cli/report/render.js';
import { reportSources } from '../../../lib/cli/report/sources.js';
import { auditReport } from '../../../lib/domain/reports/audit/query.js';
import { driftReport } from '../../../lib/domain/reports/drift/query.js';
import { exceptionsReport } from '../../../lib/domain/reports/exceptions/query.js';
import { findingsReport } from '../../../lib/domain/reports/findings/query.js';
import { overviewReport } from '../../../lib/domain/reports/overview/query.js';
import { provisioningReport } from '../../../lib/domain/reports/provisioning/query.js';
import type { AnyReport } from '../../../lib/domain/reports/registry.js';
import { reviewsReport } from '../../../lib/domain/reports/reviews/query.js';
import type { ReportSources } from '../../../lib/domain/reports/sources.js';
import { violationsReport } from '../../../lib/domain/reports/violations/query.js';
import { localCliEnv, runCli } from '../../support/cli.js';
import { createTestTables } from '../../support/dynamo.js';
import { tempDir } from '../../support/temp.js';
import { NOW, SEEDED, seed } from './seed.js';

const window = { since: '2026-01-30T12:00:00.000Z', until: NOW.toISOString() };
const options = { now: NOW };
const GENERATED_AT = new Date('2026-03-01T12:34:56.000Z');

/** Every report of the seeded scenario, read once: the same reads the command line makes. */
const READS: Record<string, (s: ReportSources) => Promise<AnyReport>> = {
  findings: (s) => findingsReport(s, { window, status: 'open', scanIntervalHours: 24 }, options),
  'findings-owner': (s) =>
    findingsReport(s, { window, status: 'open', owner: 'team-data', minSeverity: 'medium' }, options),
  'findings-resolved': (s) => findingsReport(s, { window, status: 'resolved' }, options),
  drift: (s) => driftReport(s, { window, identities: null }, options),
  'drift-identity': (s) => driftReport(s, { window, identities: ['role/payments-batch'] }, options),
  exceptions: (s) => exceptionsReport(s, { expiringWithinDays: 14 }, options),
  reviews: (s) => reviewsReport(s, { window }, options),
  provisioning: (s) => provisioningReport(s, { window }, options),
  violations: (s) => violationsReport(s, { window }, options),
  'audit-decision': (s) => auditReport(s, { decisionId: SEEDED.grant }, options),
  'audit-identity': (s) => auditReport(s, { identityKey: 'role/legacy-app' }, options),
  overview: (s) => overviewReport(s, { window, expiringWithinDays: 14, scanIntervalHours: 24 }, options),
};

const FORMATS: readonly OutputFormat[] = ['table', 'json', 'csv', 'html'];

describe('report output (golden files)', () => {
  let sources: ReportSources;

  beforeAll(async () => {
    const tables = await createTestTables();
    const stores = storesFor(tables.client, tables.names);
    await seed(stores, { metrics: true });
    sources = reportSources(stores);
  });

  it('renders every report in every format exactly as the golden files', async () => {
    // Arrange: the seeded tables. Act: every report, every format (csv only where a report has one).
    for (const [name, read] of Object.entries(READS)) {
      const report = await read(sources);
      for (const format of [...FORMATS, ...(report.report === 'findings' ? (['ocsf'] as const) : [])]) {
        if (report.report === 'overview' && format === 'csv') continue;
        const out = renderReport(report, format, GENERATED_AT);
        // Assert
        await expect(out).toMatchFileSnapshot(`golden/${name}.${format === 'table' ? 'txt' : format}`);
      }
    }
  });

  it('renders a scan in every format exactly as the golden files (the report renderers draw it)', async () => {
    // Arrange: the example account, one store, a fixed clock.
    const examples = fileURLToPath(new URL('../../../examples/', import.meta.url));
    const env = localCliEnv('golden');
    const cwd = tempDir('nhi-gov-golden-');
    const scan = (...argv: string[]) =>
      runCli(
        [
          'scan',
          '--gaad',
          `${examples}acme-gaad.json`,
          '--credential-report',
          `${examples}acme-credential-report.csv`,
          '--as-of',
          '2026-03-01T00:00:00Z',
          ...argv,
        ],
        { env, cwd, now: GENERATED_AT },
      );
    for (const format of ['csv', 'html'] as const) {
      // Act
      const { code, stdout } = await scan('--format', format);
      // Assert: the page names the snapshot files, their time and the policy's digest, which differ per
      // checkout or change with the policy file; the rest must not change.
      expect(code).toBe(0);
      const portable = stdout
        .replaceAll(examples, 'examples/')
        .replace(/\(collected [^)]*\)/, '(collected <file time>)')
        .replace(/sha256:[0-9a-f]{12}/g, 'sha256:<policy>');
      await expect(portable).toMatchFileSnapshot(`golden/scan.${format}`);
    }
  });
});
