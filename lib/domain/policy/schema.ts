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

/** A 12-digit account id, as text: YAML would read `012345678901` unquoted as a number. */
const PolicyAccountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id (quote it in YAML)');

/**
 * The organization the policy governs (docs/policy.md#organization): which accounts sit in which
 * organizational unit, named by OU id (`ou-ab12-cd34ef56`) or by a name of your choosing.
 */
const Organization = z.strictObject({
  units: z
    .record(Name, List(PolicyAccountId).min(1))
    .refine((u) => Object.keys(u).length > 0, 'define at least one unit'),
  /** How often every account is meant to be scanned: an older last scan marks the account stale. */
  scanIntervalHours: z
    .number()
    .positive()
    .max(BOUNDS.policyHoursMax, `must be at most ${BOUNDS.policyHoursMax} hours`)
    .optional(),
});

/**
 * Rules that hold only in some accounts: those listed, or those in the listed units. For an account
 * the first matching scope applies; its tiers replace the policy's tiers of the same name (and may
 * add tiers), its kinds and breakGlass fields replace the policy's, and its entitlements replace the
 * policy's list. Accounts no scope matches follow the policy's own rules.
 */
const Scope = z
  .strictObject({
    name: Name,
    accounts: List(PolicyAccountId).optional(),
    units: List(Name).optional(),
    tiers: z.record(Name, Tier).optional(),
    kinds: z
      .strictObject(
        Object.fromEntries(REQUEST_KINDS.map((k) => [k, z.strictObject({ tier: Name })])) as Record<
          (typeof REQUEST_KINDS)[number],
          z.ZodObject<{ tier: z.ZodString }, z.core.$strict>
        >,
      )
      .partial()
      .optional(),
    entitlements: List(EntitlementRule).optional(),
    breakGlass: z
      .strictObject({
        enabled: z.boolean(),
        requesters: List(Pattern),
        entitlements: List(Pattern),
        maxDurationMinutes: Count,
        reviewWithinHours: Hours,
      })
      .partial()
      .optional(),
  })
  .refine((s) => (s.accounts?.length ?? 0) + (s.units?.length ?? 0) > 0, {
    message: 'a scope must name accounts or units',
  });

/** Where the policy checks put their issues (a zod refinement context, its paths under a prefix). */
interface IssueSink {
  addIssue(issue: { code: 'custom'; path: (string | number)[]; message: string }): void;
}

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
function checkPrincipalPatterns(p: PatternLists, ctx: IssueSink): void {
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
    /** Which accounts sit in which organizational unit (optional; see docs/policy.md#organization). */
    organization: Organization.optional(),
    /** Rules scoped by account or organizational unit; first match wins (see {@link scopedDocument}). */
    scopes: List(Scope).optional(),
  })
  .superRefine((p, ctx) => {
    checkDocument(p, ctx, []);
    const units = new Set(Object.keys(p.organization?.units ?? {}));
    const names = new Set<string>();
    (p.scopes ?? []).forEach((scope, i) => {
      if (names.has(scope.name))
        ctx.addIssue({
          code: 'custom',
          path: ['scopes', i, 'name'],
          message: `scope "${scope.name}" is named twice`,
        });
      names.add(scope.name);
      (scope.units ?? []).forEach((unit, j) => {
        if (!units.has(unit))
          ctx.addIssue({
            code: 'custom',
            path: ['scopes', i, 'units', j],
            message: `unknown unit "${unit}" (defined in organization.units: ${[...units].join(', ') || 'none'})`,
          });
      });
      // What holds in the scope's accounts is checked as a whole policy of its own.
      checkDocument(scopedDocument(p, scope), ctx, ['scopes', i]);
    });
  });
export type PolicyFile = z.infer<typeof PolicyFile>;
export type PolicyScope = NonNullable<PolicyFile['scopes']>[number];

/** The rules that hold under a scope: the policy's own, with the scope's replacing theirs. */
export function scopedDocument<P extends Omit<PolicyFile, 'scopes'>>(p: P, scope: PolicyScope): P {
  return {
    ...p,
    tiers: { ...p.tiers, ...(scope.tiers ?? {}) },
    kinds: { ...p.kinds, ...(scope.kinds ?? {}) },
    entitlements: scope.entitlements ?? p.entitlements,
    breakGlass: { ...p.breakGlass, ...(scope.breakGlass ?? {}) },
  };
}

/** The checks every set of rules must pass: the policy's own, and each scope's merged with them. */
function checkDocument(
  p: Omit<PolicyFile, 'scopes'>,
  parent: z.RefinementCtx,
  prefix: (string | number)[],
): void {
  const ctx: IssueSink = {
    addIssue: (issue) => parent.addIssue({ ...issue, path: [...prefix, ...issue.path] }),
  };
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
}

/** A parsed policy with its content hash: the version every decision records. */
export interface Policy {
  readonly document: PolicyFile;
  /** `sha256:<hex>` of the file's canonical JSON form. */
  readonly version: string;
  readonly source: string;
  /** Set on the rules of one account (policyForAccount): the scope that applies there, if any. */
  readonly scope?: string;
}
