import { isAbsolute, resolve } from 'node:path';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as z from 'zod';
import {
  DEFAULT_EVIDENCE_SCHEDULE,
  DEFAULT_KEY_SCHEDULE_GROUP,
  DEFAULT_ROTATION_DAYS,
  DEFAULT_SCAN_SCHEDULE,
  DEFAULT_SCHEDULE_GROUP,
  DEFAULT_SECRET_PREFIX,
} from '../lib/config/functions.js';
import { loadPolicyFile } from '../lib/config/policy-file.js';
import { ValidationError } from '../lib/domain/errors.js';
import { EVIDENCE_PERIODS, type EvidencePeriodUnit } from '../lib/domain/evidence/period.js';
import { normalizeIamPath } from '../lib/domain/identity.js';
import type { Policy } from '../lib/domain/policy/schema.js';
import { DEFAULT_KEY_RETIREMENT, KEY_RETIREMENT_LIMITS } from '../lib/domain/rotation/key-retirement.js';
import { formatIssues, toIssues } from '../lib/domain/validation.js';

/** Repository root: infra refers to handlers and the policy file relative to it. */
export const REPO_ROOT = resolve(import.meta.dirname, '..');

/**
 * IAM path of the suite's own roles. It is disjoint from the managed path, so the provisioning role's
 * explicit deny on it (and the managed-path scoping of every allow) keeps the executor off its own roles.
 */
export const SUITE_ROLE_PATH = '/nhi-gov/';
/** Prefix of the suite's own role names; the default policy lists `role/nhi-gov-*` as operators. */
export const SUITE_ROLE_NAME_PREFIX = 'nhi-gov-';

/**
 * Every `cdk.json` context key the app reads, with its default. docs/deploy.md documents them; the
 * README's Deploy section lists them too.
 */
export const CONTEXT_DEFAULTS = {
  /** IAM path every provisioned role and user lives under. Must match the policy file's `managedPath`. */
  'nhi-gov:managedPath': '/nhi/',
  /** ARN of an existing permissions boundary; empty means the stack creates one. */
  'nhi-gov:permissionsBoundaryArn': '',
  /** Policy-as-code file, relative to the repository root; validated at synth. */
  'nhi-gov:policyFile': 'policy/default.yaml',
  /** EventBridge Scheduler expression of the daily scan. */
  'nhi-gov:scanSchedule': DEFAULT_SCAN_SCHEDULE,
  /** Time zone of the scan schedule. */
  'nhi-gov:scanTimezone': 'UTC',
  /** Days CloudWatch keeps the functions' logs. */
  'nhi-gov:logRetentionDays': 365,
  /** Existing SNS topic for alarms; empty means the stack creates one. */
  'nhi-gov:alarmTopicArn': '',
  /** E-mail subscribed to the created alarm topic (ignored with an existing topic); empty for none. */
  'nhi-gov:alarmEmail': '',
  /** Days between automatic rotations of the managed access-key secrets. */
  'nhi-gov:rotationDays': DEFAULT_ROTATION_DAYS,
  /** Hours the access key a rotation replaced stays Active (a grace for cached credentials); 0 = none. */
  'nhi-gov:keyDeactivateDelayHours': DEFAULT_KEY_RETIREMENT.deactivateDelayHours,
  /** Days the replaced key then stays Inactive before it is deleted; 0 = until the next rotation. */
  'nhi-gov:keyDeleteGraceDays': DEFAULT_KEY_RETIREMENT.deleteGraceDays,
  /** Name of the suite's EventBridge bus. */
  'nhi-gov:busName': 'nhi-gov',
  /** Deployment mode: `single` (everything in one account), or `organization` (one hub, members by StackSet; see nhi-gov:organization). */
  'nhi-gov:mode': 'single',
  /**
   * organization only: `{ organizationId, hubAccount, hubRegion, organizationalUnits: [...], regions?,
   * stackSetCallAs?, accounts? }` (docs/organization.md). No member account is listed: members join by OU.
   */
  'nhi-gov:organization': undefined,
  /** Deploy the evidence bucket (S3 Object Lock) and the scheduled evidence function (single-account stacks). */
  'nhi-gov:evidence': true,
  /** EventBridge Scheduler expression of the evidence run (default monthly, 03:00 UTC on the 1st). */
  'nhi-gov:evidenceSchedule': DEFAULT_EVIDENCE_SCHEDULE,
  /** The period each evidence run covers, ending before the run: `month`, `week` or `day`. */
  'nhi-gov:evidencePeriod': 'month',
  /** Object Lock mode of the evidence bucket: `GOVERNANCE` (removable with a special permission) or `COMPLIANCE` (nobody, not even root). */
  'nhi-gov:evidenceObjectLockMode': 'GOVERNANCE',
  /** Days each evidence object is locked (1 to 36500). */
  'nhi-gov:evidenceRetentionDays': 400,
  /** Send findings to AWS Security Hub (BatchImportFindings) after each scan. */
  'nhi-gov:securityHub': false,
} as const;

export type ContextKey = keyof typeof CONTEXT_DEFAULTS;

const Account = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');

const Region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-1');

/**
 * Organization mode: one governance hub (security account) and one member template that a
 * service-managed StackSet deploys to every account of the chosen OUs, now and later.
 */
const Organization = z
  .strictObject({
    organizationId: z.string().regex(/^o-[a-z0-9]{10,32}$/, 'must be an AWS Organizations id (o-...)'),
    /** The security account: the hub stack, and the StackSet (as delegated administrator or management account). */
    hubAccount: Account,
    /** The hub's region: its tables, API and bus; member events are forwarded there. */
    hubRegion: Region,
    /** Organizational units (or the root `r-...`) whose accounts get the member stack, now and when they join. */
    organizationalUnits: z
      .array(
        z
          .string()
          .regex(
            /^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$/,
            'must be an OU id (ou-...) or root id (r-...)',
          ),
      )
      .min(1, 'name at least one organizational unit'),
    /** Regions of the member stacks (default: the hub region). IAM is global: executors act from the hub region. */
    regions: z.array(Region).min(1).optional(),
    /** `DELEGATED_ADMIN` when the hub account is a StackSets delegated administrator (default), `SELF` in the management account. */
    stackSetCallAs: z.enum(['DELEGATED_ADMIN', 'SELF']).default('DELEGATED_ADMIN'),
    /** Optional pilot: only these accounts of the OUs (StackSet account filter INTERSECTION). */
    accounts: z.array(Account).min(1).optional(),
  })
  .refine((o) => !o.regions || o.regions.includes(o.hubRegion), {
    path: ['regions'],
    message: 'must include hubRegion (the member stack there runs the executors the hub dispatches to)',
  });
export type Organization = z.output<typeof Organization>;

const Positive = z.coerce.number().int().positive();
/** A boolean; context given on the command line (`-c key=false`) arrives as a string. */
const Bool = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')], {
  message: 'must be true or false',
});
/** The retention periods CloudWatch Logs accepts (RetentionDays without INFINITE). */
const LOG_RETENTION_DAYS = Object.values(RetentionDays).filter(
  (v): v is number => typeof v === 'number' && v !== RetentionDays.INFINITE,
);

const ContextSchema = z
  .strictObject({
    managedPath: z
      .string()
      .regex(/^\/?([\w+=,.@-]+\/)*[\w+=,.@-]+\/?$/, 'must be an IAM path such as /nhi/')
      .transform(normalizeIamPath),
    permissionsBoundaryArn: z
      .string()
      .regex(/^(arn:aws[a-z-]*:iam::\d{12}:policy\/.+)?$/, 'must be an IAM managed policy ARN or empty'),
    policyFile: z.string().min(1),
    scanSchedule: z.string().regex(/^(rate|cron)\(.+\)$/, 'must be a rate(...) or cron(...) expression'),
    scanTimezone: z.string().min(1),
    logRetentionDays: Positive.refine((d) => LOG_RETENTION_DAYS.includes(d), {
      message: `must be one of CloudWatch Logs' retention periods (${LOG_RETENTION_DAYS.join(', ')})`,
    }),
    alarmTopicArn: z
      .string()
      .regex(/^(arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:.+)?$/, 'must be an SNS topic ARN'),
    alarmEmail: z.union([z.literal(''), z.email()]),
    rotationDays: Positive.max(1000),
    keyDeactivateDelayHours: z.coerce
      .number()
      .int()
      .min(0)
      .max(KEY_RETIREMENT_LIMITS.maxDeactivateDelayHours),
    keyDeleteGraceDays: z.coerce.number().int().min(0).max(KEY_RETIREMENT_LIMITS.maxDeleteGraceDays),
    busName: z.string().regex(/^[\w.-]{1,256}$/, 'must be an EventBridge bus name'),
    mode: z.enum(['single', 'organization'], { message: 'must be single or organization' }),
    organization: Organization.optional(),
    evidence: Bool,
    evidenceSchedule: z.string().regex(/^(rate|cron)\(.+\)$/, 'must be a rate(...) or cron(...) expression'),
    evidencePeriod: z.enum(EVIDENCE_PERIODS, { message: `must be one of ${EVIDENCE_PERIODS.join(', ')}` }),
    evidenceObjectLockMode: z.enum(['GOVERNANCE', 'COMPLIANCE'], {
      message: 'must be GOVERNANCE or COMPLIANCE',
    }),
    evidenceRetentionDays: Positive.max(36500),
    securityHub: Bool,
  })
  .refine((c) => !c.managedPath.startsWith(SUITE_ROLE_PATH), {
    path: ['managedPath'],
    message: `must not be under ${SUITE_ROLE_PATH}, the path of the suite's own roles`,
  })
  .refine((c) => c.keyDeactivateDelayHours < c.rotationDays * 24, {
    path: ['keyDeactivateDelayHours'],
    message: 'must be shorter than nhi-gov:rotationDays (the next rotation needs the key slot)',
  })
  .refine((c) => c.mode === 'single' || c.organization !== undefined, {
    path: ['organization'],
    message: 'is required when nhi-gov:mode is organization',
  });

/** The app's configuration: context values with their defaults applied, validated, plus the parsed policy. */
export interface NhiGovConfig {
  readonly managedPath: string;
  /** Undefined: the stack creates the boundary. */
  readonly permissionsBoundaryArn?: string;
  /** Absolute path of the policy file. */
  readonly policyFile: string;
  readonly policy: Policy;
  readonly scanSchedule: string;
  readonly scanTimezone: string;
  readonly logRetentionDays: number;
  readonly alarmTopicArn?: string;
  readonly alarmEmail?: string;
  readonly rotationDays: number;
  readonly keyDeactivateDelayHours: number;
  readonly keyDeleteGraceDays: number;
  readonly busName: string;
  readonly secretPrefix: string;
  readonly scheduleGroupName: string;
  /** Schedule group of the replaced keys' deactivate/delete schedules. */
  readonly keyScheduleGroupName: string;
  readonly mode: 'single' | 'organization';
  readonly organization?: Organization;
  readonly evidence: {
    readonly enabled: boolean;
    readonly schedule: string;
    readonly period: EvidencePeriodUnit;
    readonly objectLockMode: 'GOVERNANCE' | 'COMPLIANCE';
    readonly retentionDays: number;
  };
  readonly securityHub: boolean;
}

/** A JSON context value given on the command line (`-c nhi-gov:organization='{...}'`). */
function parseJsonContext(key: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    const message = `must be a JSON object (${(cause as Error).message})`;
    throw new ValidationError(`invalid cdk.json context: ${key} ${message}`, [{ path: key, message }]);
  }
}

/**
 * Reads the `nhi-gov:*` context (a `tryGetContext` function), applies the documented defaults,
 * validates every value and the policy file.
 * @throws ValidationError naming every bad context key, or every problem of the policy file.
 */
export function readConfig(tryGetContext: (key: string) => unknown): NhiGovConfig {
  const raw: Record<string, unknown> = {};
  for (const [key, fallback] of Object.entries(CONTEXT_DEFAULTS)) {
    const value = tryGetContext(key);
    const name = key.slice('nhi-gov:'.length);
    const chosen = value ?? fallback;
    // Context given on the command line (`-c key=value`) arrives as a string; JSON values parse here.
    raw[name] =
      name === 'organization' && typeof chosen === 'string' ? parseJsonContext(key, chosen) : chosen;
  }
  const parsed = ContextSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = toIssues(parsed.error).map((i) => ({ ...i, path: `nhi-gov:${i.path}` }));
    throw new ValidationError(`invalid cdk.json context: ${formatIssues(issues)}`, issues);
  }
  const c = parsed.data;
  const policyFile = isAbsolute(c.policyFile) ? c.policyFile : resolve(REPO_ROOT, c.policyFile);
  const policy = loadPolicyFile(policyFile);
  if (normalizeIamPath(policy.document.managedPath) !== c.managedPath) {
    throw new ValidationError(
      `nhi-gov:managedPath ${c.managedPath} differs from the policy file's managedPath ${policy.document.managedPath}`,
      [
        {
          path: 'managedPath',
          message: `must equal the policy file's managedPath (${policy.document.managedPath})`,
        },
      ],
    );
  }
  return {
    managedPath: c.managedPath,
    ...(c.permissionsBoundaryArn ? { permissionsBoundaryArn: c.permissionsBoundaryArn } : {}),
    policyFile,
    policy,
    scanSchedule: c.scanSchedule,
    scanTimezone: c.scanTimezone,
    logRetentionDays: c.logRetentionDays,
    ...(c.alarmTopicArn ? { alarmTopicArn: c.alarmTopicArn } : {}),
    ...(c.alarmEmail ? { alarmEmail: c.alarmEmail } : {}),
    rotationDays: c.rotationDays,
    keyDeactivateDelayHours: c.keyDeactivateDelayHours,
    keyDeleteGraceDays: c.keyDeleteGraceDays,
    busName: c.busName,
    secretPrefix: DEFAULT_SECRET_PREFIX,
    scheduleGroupName: DEFAULT_SCHEDULE_GROUP,
    keyScheduleGroupName: DEFAULT_KEY_SCHEDULE_GROUP,
    mode: c.mode,
    ...(c.organization ? { organization: c.organization } : {}),
    evidence: {
      enabled: c.evidence,
      schedule: c.evidenceSchedule,
      period: c.evidencePeriod,
      objectLockMode: c.evidenceObjectLockMode,
      retentionDays: c.evidenceRetentionDays,
    },
    securityHub: c.securityHub,
  };
}
