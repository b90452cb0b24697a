import * as z from 'zod';
import { AccountId } from './account.js';
import { BOUNDS, boundedText, storableDocument } from './bounds.js';
import { FINDING_TYPES, FindingType } from './finding.js';
import { IdentityRef } from './identity.js';
import { Id, IsoTimestamp, PolicyArn, Severity, Tags } from './primitives.js';
import { principalKey, principalProblem } from './principal.js';

const STATEMENT_KEYS = [
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
] as const;

/**
 * A policy statement: the element names IAM knows, spelled exactly (IAM's element names are
 * case-sensitive; a `principal` or `effect` key would be read differently by IAM and by nhi-gov).
 */
const Statement = z.looseObject({ Effect: z.enum(['Allow', 'Deny']) }).superRefine((st, ctx) => {
  for (const key of Object.keys(st))
    if (!(STATEMENT_KEYS as readonly string[]).includes(key))
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `unknown statement element "${key}" (element names are case-sensitive: ${STATEMENT_KEYS.join(', ')})`,
      });
});

/** An IAM policy document: its shape and element names; IAM itself is the judge of the rest. */
export const PolicyDocument = z
  .looseObject({
    Version: z.literal(['2012-10-17', '2008-10-17']),
    Statement: z.union([z.array(Statement).min(1), Statement]),
  })
  .superRefine((doc, ctx) => {
    for (const key of Object.keys(doc))
      if (!['Version', 'Id', 'Statement'].includes(key))
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `unknown policy element "${key}" (element names are case-sensitive: Version, Id, Statement)`,
        });
  })
  .superRefine(storableDocument);
export type PolicyDocument = z.infer<typeof PolicyDocument>;

/** What access is granted or revoked: a managed policy attachment or a named inline policy. */
export const Entitlement = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('managed-policy'), policyArn: PolicyArn }),
  z.strictObject({
    type: z.literal('inline-policy'),
    policyName: z
      .string()
      .regex(/^[\w+=,.@-]{1,128}$/, 'must be 1-128 characters of letters, digits and +=,.@_-'),
    /** Required to grant; ignored on revoke. */
    document: PolicyDocument.optional(),
  }),
]);
export type Entitlement = z.infer<typeof Entitlement>;

/** A stable text key of an entitlement: `managed-policy:<arn>` or `inline-policy:<name>`. */
export function entitlementKey(e: Entitlement): string {
  return e.type === 'managed-policy' ? `managed-policy:${e.policyArn}` : `inline-policy:${e.policyName}`;
}

const Justification = boundedText(BOUNDS.reasonLength, {
  trim: true,
  min: 10,
  minMessage: 'must say why, in at least 10 characters',
});
const TAG_VALUE = /^[\p{L}\p{N} _.:/=+@-]+$/u;
/**
 * Who answers for the access: a team or a person that the request names (`team-payments`,
 * `alice@example.com`) or an IAM principal ARN (stored as that principal's one spelling: a session is
 * its role, the name lower-cased). It becomes the `nhi-gov:owner` tag of what nhi-gov provisions, so
 * it holds only what an IAM tag value may hold.
 */
export const Owner = boundedText(BOUNDS.ownerLength, {
  trim: true,
  min: 3,
  minMessage: 'must name an owner (team, e-mail or principal ARN) of at least 3 characters',
})
  .superRefine((owner, ctx) => {
    if (/^arn:/i.test(owner)) {
      const problem = principalProblem(owner);
      if (problem !== undefined)
        ctx.addIssue({
          code: 'custom',
          message: `looks like an ARN but is not an IAM principal ARN (${problem}); name a team, or a role or user ARN`,
        });
      else if (!TAG_VALUE.test(principalKey(owner)))
        ctx.addIssue({ code: 'custom', message: 'names a principal an IAM tag value cannot hold' });
    } else if (!TAG_VALUE.test(owner))
      ctx.addIssue({
        code: 'custom',
        message: 'may hold only letters, digits, spaces and _ . : / = + - @ (what an IAM tag value may hold)',
      });
  })
  .meta({
    description:
      'Who answers for the access: a team or person (letters, digits, spaces and _ . : / = + - @, what an IAM tag value may hold) or an IAM role/user ARN. Never defaulted to the requester. Required for the kinds the policy lists in owners.requiredFor (default: grant, create-identity, break-glass, exception) and for every time-bound grant.',
  });

const common = {
  /**
   * The 12-digit account of the identity. Optional: local mode fills in the one account its store
   * knows, and refuses a request without it when the store knows several.
   */
  account: AccountId.optional(),
  justification: Justification,
  /** Reference in the requester's ticketing system, kept for the audit trail. */
  ticket: boundedText(BOUNDS.ticketLength).optional(),
  /**
   * Who answers for the access (see {@link Owner}). Never defaulted to the requester; the policy's
   * `owners.requiredFor` says which kinds must name one.
   */
  owner: Owner.optional(),
};

export const GrantRequest = z
  .strictObject({
    kind: z.literal('grant'),
    identity: IdentityRef,
    entitlement: Entitlement,
    /** Just-in-time: the grant expires this many hours after approval. Absent means standing access. */
    durationHours: z
      .number()
      .min(BOUNDS.durationHoursMin, 'must be at least one minute (1/60 hour)')
      .max(BOUNDS.durationHoursMax, `must be at most ${BOUNDS.durationHoursMax} hours`)
      .optional(),
    ...common,
  })
  .refine((r) => r.entitlement.type !== 'inline-policy' || r.entitlement.document !== undefined, {
    path: ['entitlement', 'document'],
    message: 'an inline-policy grant needs its policy document',
  });

export const RevokeRequest = z.strictObject({
  kind: z.literal('revoke'),
  identity: IdentityRef,
  entitlement: Entitlement,
  /** The grant decision this revoke ends, when known. */
  revokes: Id.optional(),
  ...common,
});

export const CreateIdentityRequest = z
  .strictObject({
    kind: z.literal('create-identity'),
    identity: IdentityRef,
    description: boundedText(BOUNDS.descriptionLength).optional(),
    /** The role's trust policy (who may assume it); required for roles, refused for users. */
    trustPolicy: PolicyDocument.optional(),
    tags: Tags.optional(),
    ...common,
  })
  .refine((r) => (r.identity.type === 'role') === (r.trustPolicy !== undefined), {
    path: ['trustPolicy'],
    message: 'a role needs a trustPolicy and a user must not have one',
  });

export const DeleteIdentityRequest = z.strictObject({
  kind: z.literal('delete-identity'),
  identity: IdentityRef,
  ...common,
});

export const RotateRequest = z.strictObject({
  kind: z.literal('rotate'),
  identity: IdentityRef.extend({ type: z.literal('user') }),
  /** The Secrets Manager secret that holds the user's access key. */
  secretId: boundedText(BOUNDS.secretIdLength, { min: 1 }).optional(),
  ...common,
});

export const BreakGlassRequest = z
  .strictObject({
    kind: z.literal('break-glass'),
    identity: IdentityRef,
    entitlement: Entitlement,
    /** Emergency access is short by definition; the policy sets the ceiling. */
    durationMinutes: z
      .number()
      .int()
      .positive()
      .max(BOUNDS.durationMinutesMax, `must be at most ${BOUNDS.durationMinutesMax} minutes`),
    ...common,
    justification: boundedText(BOUNDS.reasonLength, {
      trim: true,
      min: 20,
      minMessage: 'break-glass needs a justification of at least 20 characters',
    }),
  })
  .refine((r) => r.entitlement.type !== 'inline-policy' || r.entitlement.document !== undefined, {
    path: ['entitlement', 'document'],
    message: 'an inline-policy grant needs its policy document',
  });

/** Risk acceptance: who carries the risk, what it is, and what limits it meanwhile. */
export const RiskAcceptance = z.strictObject({
  owner: Owner,
  risk: boundedText(BOUNDS.reasonLength, { trim: true, min: 10 }),
  compensatingControls: z
    .array(boundedText(BOUNDS.compensatingControlLength, { trim: true, min: 3 }))
    .min(1, 'name at least one compensating control')
    .max(BOUNDS.compensatingControls, `at most ${BOUNDS.compensatingControls} compensating controls`),
  residualSeverity: Severity,
});
export type RiskAcceptance = z.infer<typeof RiskAcceptance>;

export const ExceptionRequest = z.strictObject({
  kind: z.literal('exception'),
  identity: IdentityRef,
  /** The finding types this exception suppresses for the identity while it is active. */
  findingTypes: z.array(FindingType).min(1).max(FINDING_TYPES.length),
  riskAcceptance: RiskAcceptance,
  /** Mandatory: an exception without an end is how exceptions become permanent. */
  expiresAt: IsoTimestamp,
  /** The exception decision this one renews; renewal is a new decision, never an edit. */
  renewalOf: Id.optional(),
  ...common,
});

export const ACCESS_REQUEST_KINDS = [
  'grant',
  'revoke',
  'create-identity',
  'delete-identity',
  'rotate',
  'break-glass',
] as const;
export const REQUEST_KINDS = [...ACCESS_REQUEST_KINDS, 'exception'] as const;
export const RequestKindSchema = z.enum(REQUEST_KINDS);

/** Everything governance decides on: the six access request kinds and exceptions. */
export const DecisionRequest = z.discriminatedUnion('kind', [
  GrantRequest,
  RevokeRequest,
  CreateIdentityRequest,
  DeleteIdentityRequest,
  RotateRequest,
  BreakGlassRequest,
  ExceptionRequest,
]);
export type DecisionRequest = z.infer<typeof DecisionRequest>;
export type RequestKind = z.infer<typeof RequestKindSchema>;
export type GrantRequest = z.infer<typeof GrantRequest>;
export type RevokeRequest = z.infer<typeof RevokeRequest>;
export type CreateIdentityRequest = z.infer<typeof CreateIdentityRequest>;
export type DeleteIdentityRequest = z.infer<typeof DeleteIdentityRequest>;
export type RotateRequest = z.infer<typeof RotateRequest>;
export type BreakGlassRequest = z.infer<typeof BreakGlassRequest>;
export type ExceptionRequest = z.infer<typeof ExceptionRequest>;
