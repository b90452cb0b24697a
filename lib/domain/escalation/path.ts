import * as z from 'zod';

/**
 * Where a required action must be allowed for a path to open:
 * - `any`: on at least one resource (the thing the action creates, e.g. a new Lambda function);
 * - `self`: on the identity's own ARN (self-targeted primitives such as PutRolePolicy on itself);
 * - `arbitrary`: on a resource of the given type that the policy does not name, i.e. any existing one
 *   (an other user's keys, a more privileged role to pass or assume).
 */
export const ResourceScope = z.enum(['any', 'self', 'arbitrary']);
export type ResourceScope = z.infer<typeof ResourceScope>;

/** The kind of resource an `arbitrary` requirement reaches; each has one probe ARN (see analyse.ts). */
export const ResourceKind = z.enum([
  'iam-user',
  'iam-role',
  'iam-group',
  'iam-policy',
  'lambda-function',
  'glue-dev-endpoint',
  'codebuild-project',
  'cloudformation-stack',
  'sagemaker-notebook',
]);
export type ResourceKind = z.infer<typeof ResourceKind>;

export const Requirement = z
  .strictObject({
    /** `service:Action`, exactly as IAM names it (matched case-insensitively, like IAM). */
    action: z.string().regex(/^[a-z0-9-]+:[A-Za-z0-9]+$/, 'must be service:Action without wildcards'),
    scope: ResourceScope,
    /** Required when `scope` is `arbitrary`. */
    kind: ResourceKind.optional(),
  })
  .refine((r) => (r.scope === 'arbitrary') === (r.kind !== undefined), {
    message: 'an arbitrary-scope requirement names its resource kind, and only it does',
  });
export type Requirement = z.infer<typeof Requirement>;

export const PathCategory = z.enum([
  'policy-version',
  'attach-or-put-policy',
  'credentials',
  'trust-and-assume',
  'pass-role-compute',
  'existing-compute',
  'permissions-boundary',
]);
export type PathCategory = z.infer<typeof PathCategory>;

const ExamplePolicy = z.looseObject({
  Version: z.literal('2012-10-17'),
  Statement: z.array(z.looseObject({ Effect: z.enum(['Allow', 'Deny']) })).min(1),
});

/** One privilege-escalation path: every requirement must hold at once for it to be open. */
export const EscalationPath = z.strictObject({
  /** Stable id, also the file name under paths/ and the finding subject. */
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)+$/),
  title: z.string().min(5),
  category: PathCategory,
  description: z.string().min(20),
  /** Which identity type the path applies to (`iam:PutRolePolicy` on itself only helps a role). */
  appliesTo: z.array(z.enum(['role', 'user'])).min(1),
  requires: z.array(Requirement).min(1),
  /** Public sources of the fact (pathfinding.cloud ids, Rhino Security Labs method numbers). */
  references: z.array(z.string().min(3)).min(1),
  /** The catalogue version that added the entry. */
  since: z.string().regex(/^\d+\.\d+\.\d+$/),
});
export type EscalationPath = z.infer<typeof EscalationPath>;

/**
 * Test data of a path, exported as `examples` beside it in its file (not a field of the path, so the
 * functions that load the catalogue never bundle it): one policy that opens the path and one near
 * miss that does not.
 */
export const PathExamples = z.strictObject({
  completes: ExamplePolicy,
  nearMiss: ExamplePolicy,
  /** What the near miss changes, for the test name. */
  nearMissBecause: z.string().min(5),
});
export type PathExamples = z.infer<typeof PathExamples>;
