import * as z from 'zod';
import { type Issue, ValidationError } from '../../domain/errors.js';
import { FindingStatus, FindingType } from '../../domain/finding.js';
import { DAY_MS, HOUR_MS, Severity } from '../../domain/primitives.js';
import type { ReportWindow } from '../../domain/reports/common.js';
import { MAX_WINDOW_DAYS } from '../../domain/reports/sources.js';
import { formatIssues } from '../../domain/validation.js';
import { parseCliOptions } from '../options.js';
import { OUTPUT_FORMATS } from '../output.js';
import { ScopeOptions } from './scope.js';

const UNIT_MS = { h: HOUR_MS, d: DAY_MS, w: 7 * DAY_MS } as const;

/**
 * Reads a point in time: a span back from now (`12h`, `30d`, `8w`), a day (`2026-01-31`, midnight UTC)
 * or an ISO-8601 timestamp. Returns undefined when the text is none of those.
 */
export function parseWhen(text: string, now: Date): Date | undefined {
  const span = /^(\d{1,5})([hdw])$/.exec(text.trim());
  if (span) return new Date(now.getTime() - Number(span[1]) * UNIT_MS[span[2] as keyof typeof UNIT_MS]);
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const day = new Date(`${text}T00:00:00.000Z`);
    return Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== text ? undefined : day;
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(text)) {
    const at = new Date(text);
    return Number.isNaN(at.getTime()) ? undefined : at;
  }
  return undefined;
}

const When = z
  .string()
  .refine(
    (t) => parseWhen(t, new Date()) !== undefined,
    'must be a span back from now (12h, 30d, 8w), a day (2026-01-31) or an ISO-8601 timestamp',
  );

/** Options every report takes: output and where the tables are. */
export const CommonOptions = z.strictObject({
  format: z.enum(OUTPUT_FORMATS, { message: `must be one of ${OUTPUT_FORMATS.join(', ')}` }).default('table'),
  output: z.string().min(1, 'must name a file').optional(),
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-1')
    .optional(),
  profile: z.string().min(1).optional(),
  stack: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, 'must be a CloudFormation stack name')
    .optional(),
  decisionsTable: z
    .string()
    .regex(/^[\w.-]{3,255}$/, 'must be a DynamoDB table name')
    .optional(),
  executionsTable: z
    .string()
    .regex(/^[\w.-]{3,255}$/, 'must be a DynamoDB table name')
    .optional(),
  findingsTable: z
    .string()
    .regex(/^[\w.-]{3,255}$/, 'must be a DynamoDB table name')
    .optional(),
  endpointUrl: z.url({ message: 'must be a URL such as http://localhost:8000' }).optional(),
  hub: z.boolean().optional(),
  orgEventsTable: z
    .string()
    .regex(/^[\w.-]{3,255}$/, 'must be a DynamoDB table name')
    .optional(),
  asOf: z.iso
    .datetime({ offset: true, message: 'must be an ISO-8601 timestamp such as 2026-03-01T00:00:00Z' })
    .optional(),
});
export type CommonOptions = z.infer<typeof CommonOptions>;

const FailOn = { failOn: Severity.optional() };
/** How often scans are meant to run: the page warns when the last scan is older. */
const ScanInterval = {
  scanInterval: z.coerce
    .number({ message: 'must be a number of hours' })
    .positive('must be a number of hours above 0')
    .max(8760, 'must be at most 8760 hours (a year)')
    .default(24),
};
const Window = { since: When.optional(), until: When.optional() };

/** The options of each report, validated together so every bad one is named at once. */
export const REPORT_OPTIONS = {
  findings: CommonOptions.extend({
    ...FailOn,
    ...Window,
    status: FindingStatus.default('open'),
    owner: z.string().min(1).optional(),
    type: FindingType.optional(),
    minSeverity: Severity.optional(),
    ...ScopeOptions,
    ...ScanInterval,
  }),
  drift: CommonOptions.extend({
    ...FailOn,
    ...Window,
    ...ScopeOptions,
    identity: z.array(z.string().min(1)).optional(),
  }),
  exceptions: CommonOptions.extend({
    ...ScopeOptions,
    expiringWithin: z.coerce.number().int().min(0).max(3650).default(14),
  }),
  reviews: CommonOptions.extend({ ...Window, ...ScopeOptions, campaign: z.string().min(1).optional() }),
  provisioning: CommonOptions.extend({ ...Window, ...ScopeOptions }),
  violations: CommonOptions.extend({ ...FailOn, ...Window, ...ScopeOptions }),
  audit: CommonOptions.extend({ ...FailOn }),
  overview: CommonOptions.extend({
    ...FailOn,
    ...Window,
    ...ScopeOptions,
    ...ScanInterval,
    expiringWithin: z.coerce.number().int().min(0).max(3650).default(14),
  }),
} as const;

export type ReportOptionsKind = keyof typeof REPORT_OPTIONS;

/**
 * Validates a report's options as commander collected them.
 * @throws ValidationError naming every bad option by its flag.
 */
export function parseReportOptions<K extends ReportOptionsKind>(
  kind: K,
  raw: Record<string, unknown>,
): z.output<(typeof REPORT_OPTIONS)[K]> {
  return parseCliOptions(REPORT_OPTIONS[kind], raw) as z.output<(typeof REPORT_OPTIONS)[K]>;
}

/**
 * The window of a report: `since` (default 30 days back) to `until` (default now).
 * @throws ValidationError when it is empty or longer than the by-day index can cover in one run.
 */
export function windowOf(
  options: { since?: string; until?: string },
  now: Date,
  defaultDays = 30,
): ReportWindow {
  const until = options.until ? (parseWhen(options.until, now) as Date) : now;
  const since = options.since
    ? (parseWhen(options.since, now) as Date)
    : new Date(until.getTime() - defaultDays * DAY_MS);
  const issues: Issue[] = [];
  if (since.getTime() >= until.getTime()) issues.push({ path: '--since', message: 'must be before --until' });
  if (until.getTime() - since.getTime() > MAX_WINDOW_DAYS * DAY_MS) {
    issues.push({ path: '--since', message: `reaches back more than ${MAX_WINDOW_DAYS} days from --until` });
  }
  if (issues.length > 0) {
    throw new ValidationError(`invalid options: ${formatIssues(issues)}`, issues);
  }
  return { since: since.toISOString(), until: until.toISOString() };
}
