import * as z from 'zod';
import { IAM_LIMITS } from '../../domain/bounds.js';
import type { Issue } from '../../domain/errors.js';
import { IdentityName } from '../../domain/identity.js';
import type {
  AttachedPolicy,
  InlinePolicy,
  InventoryGroup,
  InventoryRole,
  InventoryUser,
  ManagedPolicy,
} from '../../domain/inventory.js';
import { toIssues } from '../../domain/validation.js';
import { readIamDate } from './iam-dates.js';
import { issuesError } from './issues.js';

/*
 * The shape of GetAccountAuthorizationDetails, as the SDK returns it (Dates, URL-encoded policy
 * documents) and as `aws iam get-account-authorization-details` writes it (date strings in either
 * style, documents as objects). Loose on purpose: real exports carry fields we do not read, and
 * leave out empty lists.
 */

const DateField = (required: boolean) =>
  z
    .unknown()
    .optional()
    .transform((value, ctx) => {
      const result = readIamDate(value);
      if (!result.ok) {
        ctx.addIssue({ code: 'custom', message: result.message });
        return z.NEVER;
      }
      if (required && result.value === undefined) {
        ctx.addIssue({ code: 'custom', message: 'is required' });
        return z.NEVER;
      }
      return result.value;
    });

/** GAAD writes policy documents URL-encoded (API) or as JSON objects (most saved exports). */
const PolicyDocument = z.unknown().transform((value, ctx) => {
  if (typeof value !== 'string') return value;
  const attempts = [value];
  try {
    attempts.unshift(decodeURIComponent(value));
  } catch {
    // Not URL-encoded (a literal `%`): parse it as it is.
  }
  for (const text of attempts) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // try the next form
    }
  }
  ctx.addIssue({ code: 'custom', message: 'is neither a JSON policy document nor a URL-encoded one' });
  return z.NEVER;
});

// Bounded by IAM's own limits: names and tags end up in findings and their keys (docs/data-model.md).
const Name = z.string().min(1).max(IAM_LIMITS.arnLength);
const Path = z.string().max(IAM_LIMITS.pathLength).optional();
const TagList = z
  .array(
    z.looseObject({
      Key: z.string().min(1).max(IAM_LIMITS.tagKeyLength),
      Value: z.string().max(IAM_LIMITS.tagValueLength),
    }),
  )
  .optional();
const AttachedList = z.array(z.looseObject({ PolicyName: Name, PolicyArn: Name })).optional();
const InlineList = z.array(z.looseObject({ PolicyName: Name, PolicyDocument: PolicyDocument })).optional();
const Boundary = z.looseObject({ PermissionsBoundaryArn: z.string().optional() }).optional();

const GaadRole = z.looseObject({
  RoleName: IdentityName,
  Arn: Name,
  RoleId: z.string().optional(),
  Path,
  CreateDate: DateField(true),
  AssumeRolePolicyDocument: PolicyDocument.optional(),
  InstanceProfileList: z.array(z.looseObject({ InstanceProfileName: z.string().optional() })).optional(),
  RolePolicyList: InlineList,
  AttachedManagedPolicies: AttachedList,
  Tags: TagList,
  PermissionsBoundary: Boundary,
  RoleLastUsed: z
    .looseObject({ LastUsedDate: DateField(false), Region: z.string().optional() })
    .nullable()
    .optional(),
});

const GaadUser = z.looseObject({
  UserName: IdentityName,
  Arn: Name,
  UserId: z.string().optional(),
  Path,
  CreateDate: DateField(true),
  GroupList: z.array(z.string()).optional(),
  UserPolicyList: InlineList,
  AttachedManagedPolicies: AttachedList,
  Tags: TagList,
  PermissionsBoundary: Boundary,
});

const GaadGroup = z.looseObject({
  GroupName: Name,
  Arn: Name,
  GroupPolicyList: InlineList,
  AttachedManagedPolicies: AttachedList,
});

const GaadPolicy = z.looseObject({
  PolicyName: Name,
  Arn: Name,
  DefaultVersionId: Name,
  PolicyVersionList: z
    .array(
      z.looseObject({
        VersionId: z.string().optional(),
        IsDefaultVersion: z.boolean().optional(),
        Document: PolicyDocument.optional(),
      }),
    )
    .optional(),
});

/** One GAAD page or a whole saved export. */
export const GaadDocument = z.looseObject({
  UserDetailList: z.array(GaadUser).optional(),
  RoleDetailList: z.array(GaadRole).optional(),
  GroupDetailList: z.array(GaadGroup).optional(),
  Policies: z.array(GaadPolicy).optional(),
});

/** The identities one GAAD document holds, normalized. */
export interface GaadIdentities {
  readonly roles: InventoryRole[];
  /** Users without credential report fields; merge the report with `applyCredentialReport`. */
  readonly users: Omit<InventoryUser, 'credentialReportSeen'>[];
  /** Managed policies with their default documents (GAAD `Policies`), when the export has them. */
  readonly managedPolicies?: ManagedPolicy[];
  /** Groups with their policies (GAAD `GroupDetailList`), when the export has them. */
  readonly groups?: InventoryGroup[];
}

const tags = (list: z.infer<typeof TagList>) => Object.fromEntries((list ?? []).map((t) => [t.Key, t.Value]));
const attached = (list: z.infer<typeof AttachedList>): AttachedPolicy[] =>
  (list ?? []).map((p) => ({ arn: p.PolicyArn, name: p.PolicyName }));
const inline = (list: z.infer<typeof InlineList>): InlinePolicy[] =>
  (list ?? []).map((p) => ({ name: p.PolicyName, document: p.PolicyDocument }));

/**
 * Validates and normalizes GAAD data: a saved export object, an array of saved pages, or one SDK
 * response page.
 * @param source names the file (or the API call) in error messages.
 * @throws ValidationError naming the source and the JSON path of every bad field.
 */
export function readGaad(
  input: unknown,
  source: string,
  options: { readonly requireLists?: boolean } = {},
): GaadIdentities {
  const pages = Array.isArray(input) ? input : [input];
  const shapeIssues = options.requireLists ? wholeExportIssues(input, pages, source) : [];
  const roles: InventoryRole[] = [];
  const users: Omit<InventoryUser, 'credentialReportSeen'>[] = [];
  const managedPolicies: ManagedPolicy[] = [];
  const groups: InventoryGroup[] = [];
  let sawPolicies = false;
  let sawGroups = false;
  const issues = [];
  for (const [index, page] of pages.entries()) {
    const parsed = GaadDocument.safeParse(page);
    if (!parsed.success) {
      issues.push(...toIssues(parsed.error, Array.isArray(input) ? `[${index}]` : ''));
      continue;
    }
    for (const r of parsed.data.RoleDetailList ?? []) {
      const lastUsedAt = r.RoleLastUsed?.LastUsedDate;
      const lastUsedRegion = r.RoleLastUsed?.Region;
      const boundary = r.PermissionsBoundary?.PermissionsBoundaryArn;
      roles.push({
        name: r.RoleName,
        arn: r.Arn,
        ...(r.RoleId ? { id: r.RoleId } : {}),
        path: r.Path || '/',
        createdAt: r.CreateDate as string,
        tags: tags(r.Tags),
        attachedManagedPolicies: attached(r.AttachedManagedPolicies),
        inlinePolicies: inline(r.RolePolicyList),
        ...(boundary ? { permissionsBoundaryArn: boundary } : {}),
        ...(lastUsedAt ? { lastUsedAt } : {}),
        ...(lastUsedRegion ? { lastUsedRegion } : {}),
        ...(r.AssumeRolePolicyDocument !== undefined ? { trustPolicy: r.AssumeRolePolicyDocument } : {}),
        instanceProfiles: (r.InstanceProfileList ?? []).flatMap((p) =>
          p.InstanceProfileName ? [p.InstanceProfileName] : [],
        ),
      });
    }
    if (parsed.data.Policies) sawPolicies = true;
    for (const p of parsed.data.Policies ?? []) {
      const version =
        p.PolicyVersionList?.find((v) => v.VersionId === p.DefaultVersionId) ??
        p.PolicyVersionList?.find((v) => v.IsDefaultVersion === true);
      managedPolicies.push({
        arn: p.Arn,
        name: p.PolicyName,
        defaultVersionId: p.DefaultVersionId,
        ...(version?.Document !== undefined ? { document: version.Document } : {}),
      });
    }
    if (parsed.data.GroupDetailList) sawGroups = true;
    for (const g of parsed.data.GroupDetailList ?? []) {
      groups.push({
        name: g.GroupName,
        arn: g.Arn,
        attachedManagedPolicies: attached(g.AttachedManagedPolicies),
        inlinePolicies: inline(g.GroupPolicyList),
      });
    }
    for (const u of parsed.data.UserDetailList ?? []) {
      const boundary = u.PermissionsBoundary?.PermissionsBoundaryArn;
      users.push({
        name: u.UserName,
        arn: u.Arn,
        ...(u.UserId ? { id: u.UserId } : {}),
        path: u.Path || '/',
        createdAt: u.CreateDate as string,
        tags: tags(u.Tags),
        attachedManagedPolicies: attached(u.AttachedManagedPolicies),
        inlinePolicies: inline(u.UserPolicyList),
        ...(boundary ? { permissionsBoundaryArn: boundary } : {}),
        groups: u.GroupList ?? [],
        accessKeys: [],
      });
    }
  }
  const all = [
    ...shapeIssues,
    ...issues.map((i) => ({ path: `${source} at ${i.path}`, message: i.message })),
  ];
  if (all.length > 0) throw issuesError(`GAAD ${source}`, all);
  return {
    roles,
    users,
    ...(sawPolicies ? { managedPolicies } : {}),
    ...(sawGroups ? { groups } : {}),
  };
}

/** The lists a scan reads; a saved export always has them, empty when the account has none. */
const REQUIRED_LISTS = ['UserDetailList', 'RoleDetailList'] as const;

/** Keys of other IAM list calls, to say what a wrong file probably is. */
const LOOKALIKES: Readonly<Record<string, string>> = {
  Roles: 'aws iam list-roles',
  Users: 'aws iam list-users',
  Policies: 'aws iam list-policies',
  Groups: 'aws iam list-groups',
  Content: 'aws iam get-credential-report',
};

/**
 * A snapshot file must be a whole GetAccountAuthorizationDetails export: an object (or a non-empty
 * array of saved pages) with `UserDetailList` and `RoleDetailList` arrays. Read leniently, `{}`,
 * `[]` or another call's output would look like an account without identities, and the scan would
 * resolve every open finding.
 */
function wholeExportIssues(input: unknown, pages: readonly unknown[], source: string): Issue[] {
  const expected =
    'expected the output of `aws iam get-account-authorization-details` (an account without identities has empty lists)';
  if (pages.length === 0) return [{ path: source, message: `is an empty array; ${expected}` }];
  const issues: Issue[] = [];
  const present = new Set<string>();
  for (const [index, page] of pages.entries()) {
    const where = Array.isArray(input) ? `${source} at [${index}]` : source;
    if (typeof page !== 'object' || page === null || Array.isArray(page)) {
      issues.push({ path: where, message: `is not a JSON object; ${expected}` });
      continue;
    }
    const record = page as Record<string, unknown>;
    for (const key of REQUIRED_LISTS) if (Array.isArray(record[key])) present.add(key);
    if (!Object.keys(record).some((key) => key.endsWith('DetailList'))) {
      const lookalike = Object.keys(LOOKALIKES).find((key) => key in record);
      const hint = lookalike ? ` (it looks like \`${LOOKALIKES[lookalike]}\` output)` : '';
      issues.push({
        path: where,
        message: `is not a GetAccountAuthorizationDetails export${hint}; ${expected}`,
      });
    }
  }
  // Saved pages may split the lists between them; together they must hold both.
  const missing = REQUIRED_LISTS.filter((key) => !present.has(key));
  if (issues.length === 0 && missing.length > 0) {
    issues.push({
      path: source,
      message: `lacks ${missing.join(' and ')} (missing or not a list); ${expected}`,
    });
  }
  return issues;
}

/** The 12-digit account id in the first IAM ARN seen, if any. */
export function accountIdOf(arns: Iterable<string>): string | undefined {
  for (const arn of arns) {
    const match = /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(arn);
    if (match) return match[1];
  }
  return undefined;
}
