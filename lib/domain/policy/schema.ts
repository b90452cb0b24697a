import * as z from 'zod';
import { BOUNDS, boundedText } from '../bounds.js';
import { FindingType } from '../finding.js';
import { PrincipalArn, Severity } from '../primitives.js';
import { isGlob, parsePrincipalPattern } from '../principal.js';
import { REQUEST_KINDS } from '../request.js';

/** A glob over ARNs or keys: `*` matches any run of characters, `?` one character. */
const Pattern = boundedText(BOUNDS.policyPatternLength, { min: 1 });
/** A list in the policy file (patterns, rules): bounded so evaluating it stays cheap. */
const List = <T extends z.ZodType>(item: T) =>
  z.array(item).max(BOUNDS.policyListLength, `at most ${BOUNDS.policyListLength} entries`);
/** Names that end up in stored decisions (tier, rule names in an approval's basis). */
const Name = boundedText(BOUNDS.policyNameLength, { min: 1 });
const Days = z.number().positive().max(BOUNDS.policyDaysMax, `must be at most ${BOUNDS.policyDaysMax} days`);
const Hours = z
  .number()
  .positive()
  .max(BOUNDS.policyHoursMax, `must be at most ${BOUNDS.policyHoursMax} hours`);
const Count = z
  .number()
  .int()
  .positive()
  .max(BOUNDS.policyDaysMax * 24 * 60);

const Tier = z.strictObject({
  /** Distinct approvers needed (quorum). 0 means the tier is auto-approved. */
  approvals: z.number().int().min(0).max(BOUNDS.maxQuorum),
  /** Principal ARN patterns allowed to approve at this tier. */
  approvers: List(Pattern),
});

const AutoApproveRule = z.strictObject({
  /** A name for the audit trail: the basis recorded on the approval is `auto-approve:<name>`. */
  name: Name,
  kinds: List(z.enum(REQUEST_KINDS)).min(1),
  /** Only for requesters matching one of these patterns (default: anyone). */
  requesters: List(Pattern).optional(),
  /** Only for identities matching one of these key patterns, e.g. `user/ci-*` (default: any). */
  identities: List(Pattern).optional(),
});

const EntitlementRule = z.strictObject({
  /** A managed policy ARN pattern, or `inline-policy` for any inline policy. */
  match: Pattern,
  tier: Name,
});

interface PatternLists {
  readonly accounts?: readonly string[] | undefined;
  readonly operators: readonly string[];
  readonly tiers: Record<string, { readonly approvers: readonly string[] }>;
  readonly breakGlass: { readonly requesters: readonly string[] };
  readonly autoApprove: readonly { readonly requesters?: readonly string[] | undefined }[];
}

/**
 * Every principal pattern must be well formed. Patterns that give power (approvers, break-glass and
 * auto-approve requesters) may not name an IAM path (a session ARN does not show it, so it cannot be
 * checked) and may use `*` for the account only when the policy lists its `accounts`.
 */
function checkPrincipalPatterns(p: PatternLists, ctx: z.RefinementCtx): void {
  const lists: { path: (string | number)[]; patterns: readonly string[]; gives: boolean }[] = [
    { path: ['operators'], patterns: p.operators, gives: false },
    ...Object.entries(p.tiers).map(([name, t]) => ({
      path: ['tiers', name, 'approvers'],
      patterns: t.approvers,
      gives: true,
    })),
    { path: ['breakGlass', 'requesters'], patterns: p.breakGlass.requesters, gives: true },
    ...p.autoApprove.map((rule, i) => ({
      path: ['autoApprove', i, 'requesters'],
      patterns: rule.requesters ?? [],
      gives: true,
    })),
  ];
  for (const list of lists) {
    list.patterns.forEach((raw, i) => {
      const path = [...list.path, i];
      const parsed = parsePrincipalPattern(raw);
      if (typeof parsed === 'string') {
        ctx.addIssue({ code: 'custom', path, message: `principal pattern "${raw}" ${parsed}` });
        return;
      }
      if (!list.gives) return;
      if (parsed.hadPath)
        ctx.addIssue({
          code: 'custom',
          path,
          message: `principal pattern "${raw}" names an IAM path; paths are not part of identity (sessions do not show them), so name the role or user only`,
        });
      if (isGlob(parsed.account) && p.accounts === undefined)
        ctx.addIssue({
          code: 'custom',
          path,
          message: `principal pattern "${raw}" matches any account; list the policy's accounts (top-level "accounts") so "*" means one of them`,
        });
    });
  }
}

/** The kinds that must name an owner when the policy file has no `owners` section. */
export const DEFAULT_OWNER_REQUIRED_FOR = ['grant', 'create-identity', 'break-glass', 'exception'] as const;

export const PolicyFile = z
  .strictObject({
    /** Schema version of this file format. */
    schemaVersion: z.literal(1),
    /** Human name of the policy, shown in reports. */
    name: Name,
    /** Managed IAM path for every identity nhi-gov provisions. */
    managedPath: z
      .string()
      .max(512, 'must be at most 512 characters (IAM path limit)')
      .regex(/^\/([\w+=,.@-]+\/)+$/, 'must look like /nhi/ (start and end with /)'),
    /**
     * The accounts whose principals may hold governance power (approvers, break-glass and auto-approve
     * requesters). A `*` in the account of such a pattern means one of these accounts, never any
     * account; a policy with such a pattern must list them. Operators (a deny list) match any account.
     */
    accounts: z
      .array(z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'))
      .min(1)
      .optional(),
    /** Principals that can execute (operators, pipelines): they can never approve anything. */
    operators: List(Pattern),
    tiers: z.record(Name, Tier).refine((t) => Object.keys(t).length > 0, 'define at least one tier'),
    /** Tier for each request kind; grants and break-glass take the higher of this and their entitlement's tier. */
    kinds: z.strictObject(
      Object.fromEntries(REQUEST_KINDS.map((k) => [k, z.strictObject({ tier: Name })])) as Record<
        (typeof REQUEST_KINDS)[number],
        z.ZodObject<{ tier: z.ZodString }, z.core.$strict>
      >,
    ),
    /** Which entitlements may be granted, and at which tier; first match wins; no match means denied. */
    entitlements: List(EntitlementRule),
    autoApprove: List(AutoApproveRule).default([]),
    grants: z.strictObject({
      /** Longest just-in-time grant. */
      maxDurationHours: Hours,
      /** Whether a grant without a duration (standing access) may be requested. */
      allowStanding: z.boolean(),
    }),
    exceptions: z.strictObject({
      maxDurationDays: Days,
      tier: Name,
    }),
    breakGlass: z.strictObject({
      enabled: z.boolean(),
      /** Who may self-activate emergency access. */
      requesters: List(Pattern),
      /** Which entitlements break-glass may grant (managed policy ARN patterns or `inline-policy`). */
      entitlements: List(Pattern),
      maxDurationMinutes: Count,
      /** Someone other than the requester must review within this many hours of activation. */
      reviewWithinHours: Hours,
    }),
    certification: z.strictObject({
      /** Every NHI is re-reviewed at least this often. */
      intervalDays: Days,
      /** A campaign's items are overdue this many days after it starts. */
      dueDays: Days,
    }),
    /** Scanner thresholds. */
    thresholds: z.strictObject({
      staleRoleDays: Days.int(),
      unusedKeyDays: Days.int(),
      keyRotationDays: Days.int(),
    }),
    /**
     * Tiers that follow the escalation analysis of a grant's documents (docs/escalation.md). Each is a
     * floor: the grant takes the stricter of it and the kind's and entitlement's tiers. Optional, so
     * files without it keep their hash and their behaviour.
     */
    escalation: z
      .strictObject({
        /** A grant that completes any catalogue path (definite or conditional) is at least this tier. */
        completesPath: z.string().min(1),
        /** A grant whose document cannot be read or analysed is at least this tier. */
        unanalysable: z.string().min(1),
      })
      .optional(),
    /** Per-type severity overrides. */
    severities: z.partialRecord(FindingType, Severity).default({}),
    /**
     * Which request kinds must name an `owner` (a team or person who answers for the access).
     * Optional, so existing files keep their hash; absent means {@link DEFAULT_OWNER_REQUIRED_FOR}.
     * Break-glass and just-in-time grants need an owner whatever this says (every time-bound grant
     * has an owner); an exception's owner is its risk owner when it names no other.
     */
    owners: z.strictObject({ requiredFor: z.array(z.enum(REQUEST_KINDS)) }).optional(),
    /**
     * Ticketing systems trusted to file requests as EventBridge `AccessRequested` events: the event's
     * `source` (and, when given, the `account` that put it) maps to the principal recorded as the
     * requester. Events from any other source are refused. Optional, so existing files keep their hash.
     */
    ticketing: List(
      z.strictObject({
        source: boundedText(BOUNDS.eventSourceLength, { min: 1 }),
        account: z
          .string()
          .regex(/^\d{12}$/, 'must be a 12-digit AWS account id')
          .optional(),
        principal: PrincipalArn,
      }),
    ).optional(),
  })
  .superRefine((p, ctx) => {
    const tiers = new Set(Object.keys(p.tiers));
    const check = (tier: string, path: (string | number)[]) => {
      if (!tiers.has(tier))
        ctx.addIssue({
          code: 'custom',
          path,
          message: `unknown tier "${tier}" (defined: ${[...tiers].join(', ')})`,
        });
    };
    for (const [kind, rule] of Object.entries(p.kinds)) check(rule.tier, ['kinds', kind, 'tier']);
    p.entitlements.forEach((rule, i) => {
      check(rule.tier, ['entitlements', i, 'tier']);
    });
    check(p.exceptions.tier, ['exceptions', 'tier']);
    checkPrincipalPatterns(p, ctx);
    if (p.escalation) {
      check(p.escalation.completesPath, ['escalation', 'completesPath']);
      check(p.escalation.unanalysable, ['escalation', 'unanalysable']);
    }
    for (const [name, tier] of Object.entries(p.tiers)) {
      if (tier.approvals > 0 && tier.approvers.length === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['tiers', name, 'approvers'],
          message: 'a tier that needs approvals must list who may approve',
        });
      }
    }
  });
export type PolicyFile = z.infer<typeof PolicyFile>;

/** A parsed policy with its content hash: the version every decision records. */
export interface Policy {
  readonly document: PolicyFile;
  /** `sha256:<hex>` of the file's canonical JSON form. */
  readonly version: string;
  readonly source: string;
}
