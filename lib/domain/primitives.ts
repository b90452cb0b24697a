import * as z from 'zod';
import { BOUNDS, boundedText, IAM_LIMITS } from './bounds.js';
import { principalProblem } from './principal.js';

/** An ISO-8601 UTC timestamp with a `Z` offset, as stored in every table. */
export const IsoTimestamp = z.iso.datetime({
  offset: false,
  message: 'must be an ISO-8601 UTC timestamp such as 2026-01-31T12:00:00Z',
});

/**
 * An IAM principal ARN: a role, a user or an STS assumed-role session, checked by the one strict
 * principal module (lib/domain/principal.ts). Root, federated users and anything malformed fail.
 */
export const PrincipalArn = z
  .string()
  .max(BOUNDS.principalArnLength, `must be at most ${BOUNDS.principalArnLength} characters`)
  .superRefine((value, ctx) => {
    const problem = principalProblem(value);
    if (problem)
      ctx.addIssue({
        code: 'custom',
        message: `must be an IAM role/user or STS assumed-role ARN such as arn:aws:iam::123456789012:role/Name (this one ${problem})`,
      });
  });

/**
 * A managed policy ARN (AWS-managed or customer-managed). Path tricks are refused before any
 * entitlement glob sees the ARN: no `.` or `..` segment, no empty segment (`//`), no trailing `/`.
 */
export const PolicyArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:iam::(aws|\d{12}):policy\/[\w+=,.@/-]+$/, {
    message: 'must be a managed policy ARN such as arn:aws:iam::aws:policy/ReadOnlyAccess',
    abort: true,
  })
  .refine(
    (arn) =>
      !arn
        .slice(arn.indexOf(':policy/') + 8)
        .split('/')
        .some((seg) => seg === '' || seg === '.' || seg === '..'),
    'must not contain empty, "." or ".." path segments',
  )
  .max(BOUNDS.policyArnLength, `must be at most ${BOUNDS.policyArnLength} characters`);

/** Decision, campaign and execution ids: url-safe, sortable by creation time when made by `newId`. */
export const Id = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8-64 characters of A-Z, a-z, 0-9, _ or -');

export const Severity = z.enum(['info', 'low', 'medium', 'high', 'critical']);
export type Severity = z.infer<typeof Severity>;

/** Rank for sorting and for `--fail-on` thresholds: higher is worse. */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = {
  info: 0,
  low: 1,
  medium: 2,
  high: 3,
  critical: 4,
};

/** Tags as IAM takes them. */
export const Tags = z
  .record(
    boundedText(IAM_LIMITS.tagKeyLength, { min: 1 }).refine(
      (k) => k !== '__proto__',
      'is not an allowed tag key',
    ),
    boundedText(IAM_LIMITS.tagValueLength),
  )
  .refine((t) => Object.keys(t).length <= IAM_LIMITS.tags, `at most ${IAM_LIMITS.tags} tags (IAM's limit)`);

/** One hour in milliseconds: the only definition (durations, delays). */
export const HOUR_MS = 3_600_000;
/** One day in milliseconds: the only definition (ages, windows, expiries). */
export const DAY_MS = 24 * HOUR_MS;
