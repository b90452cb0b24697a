import type { Policy } from '../policy/schema.js';
import type { CreateIdentityRequest } from '../request.js';
import { PolicyDeniedError } from './policy-errors.js';
import { principalMatchesDenyList } from './principals.js';

/** What the policy must weigh about a new identity beyond its kind's tier. */
export interface NewIdentityReview {
  /** AWS principals of the trust policy in another account than the requester's (raise the tier). */
  readonly crossAccountPrincipals: readonly string[];
}

const ARN = /^arn:(aws[a-z-]*):(iam|sts)::(\d{12}):(.+)$/;

/** The partition and account of a principal ARN (the requester's, already validated). */
function partitionAndAccount(arn: string): { partition: string; account: string } {
  const m = ARN.exec(arn);
  return { partition: m?.[1] ?? 'aws', account: m?.[3] ?? '000000000000' };
}

/** Every principal pattern the policy confers power on, with where it is in the policy. */
function powerPatterns(policy: Policy): { where: string; pattern: string }[] {
  const doc = policy.document;
  return [
    ...Object.entries(doc.tiers).flatMap(([name, tier]) =>
      tier.approvers.map((pattern) => ({ where: `tiers.${name}.approvers`, pattern })),
    ),
    ...doc.breakGlass.requesters.map((pattern) => ({ where: 'breakGlass.requesters', pattern })),
    ...doc.operators.map((pattern) => ({ where: 'operators', pattern })),
    ...(doc.ticketing ?? []).map((t) => ({ where: `ticketing (${t.source})`, pattern: t.principal })),
    ...doc.autoApprove.flatMap((rule) =>
      (rule.requesters ?? []).map((pattern) => ({ where: `autoApprove.${rule.name}.requesters`, pattern })),
    ),
  ];
}

/**
 * Refuses a new role or user that would match a principal pattern the policy gives power to
 * (approvers of any tier, break-glass requesters, operators, ticketing principals, auto-approve
 * requesters): once assumed it would approve, self-activate or be auto-approved. Patterns use `*` for
 * the account, so the candidate is tried in the requester's account and in every account the policy
 * names.
 */
function refuseGovernancePower(policy: Policy, request: CreateIdentityRequest, requester: string): void {
  const { partition, account } = partitionAndAccount(requester);
  const patterns = powerPatterns(policy);
  const accounts = new Set([account]);
  for (const { pattern } of patterns) {
    const named = /^arn:[^:]*:[^:]*::(\d{12}):/.exec(pattern)?.[1];
    if (named) accounts.add(named);
  }
  const { type, name } = request.identity;
  const path = policy.document.managedPath;
  for (const acct of accounts) {
    // Identity-level matching (principal.ts): a session pattern is its role, any name case, any path.
    const arn = `arn:${partition}:iam::${acct}:${type}${path}${name}`;
    const hit = patterns.find(({ pattern }) => principalMatchesDenyList([pattern], arn));
    if (hit)
      throw new PolicyDeniedError(
        `create-identity ${type}/${name} refused: the name matches the policy's ${hit.where} pattern "${hit.pattern}", so the new identity would hold governance power; choose another name`,
      );
  }
}

type Statement = Record<string, unknown>;

function statementsOf(request: CreateIdentityRequest): Statement[] {
  const s = request.trustPolicy?.Statement;
  if (s === undefined) return [];
  return (Array.isArray(s) ? s : [s]) as Statement[];
}

function values(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [v];
}

/**
 * True when an AWS principal resource is one of the suite's own roles (path `/nhi-gov/` or a name
 * starting `nhi-gov-`), in any letter case: IAM role names are unique regardless of case.
 */
function isSuiteRole(resource: string): boolean {
  const lower = resource.toLowerCase();
  const role = /^role\/(.*\/)?([^/]+)$/.exec(lower);
  if (role) return (role[1] ?? '').startsWith('nhi-gov/') || (role[2] ?? '').startsWith('nhi-gov-');
  const session = /^assumed-role\/([^/]+)\//.exec(lower);
  return session !== null && (session[1] ?? '').startsWith('nhi-gov-');
}

/** Principal kinds a trust policy may name. */
const PRINCIPAL_KINDS = ['AWS', 'Service', 'Federated'] as const;

/**
 * True when a statement narrows a federated principal to a bounded population: a condition on the
 * provider's subject (`<provider>:sub`), or for Cognito identity pools on the pool (`…:aud`), with
 * a value that is not a bare wildcard. SAML providers are objects of one account (`saml-provider/`),
 * so their population is that account's identity provider: accepted (cross-account raises the tier).
 */
function federatedIsBounded(provider: string, condition: unknown): boolean {
  if (/^arn:aws[a-z-]*:iam::\d{12}:saml-provider\/[\w.-]+$/.test(provider)) return true;
  if (condition === null || typeof condition !== 'object') return false;
  // An OIDC provider is named by its issuer host, or by its IAM ARN `…:oidc-provider/<host>`.
  const host = (/:oidc-provider\/(.+)$/.exec(provider)?.[1] ?? provider).toLowerCase();
  const wanted = host === 'cognito-identity.amazonaws.com' ? [`${host}:aud`, `${host}:sub`] : [`${host}:sub`];
  for (const [operator, block] of Object.entries(condition as Record<string, unknown>)) {
    if (!/^(ForAnyValue:|ForAllValues:)?String(Equals|Like)(IgnoreCase)?$/.test(operator)) continue;
    if (block === null || typeof block !== 'object') continue;
    for (const [key, value] of Object.entries(block as Record<string, unknown>)) {
      if (!wanted.includes(key.toLowerCase())) continue;
      const vals = values(value).map(String);
      if (vals.length > 0 && vals.every((v) => v.replace(/[*?]/g, '').length > 0 && v !== '*')) return true;
    }
  }
  return false;
}

/**
 * Checks the principals of a role's trust policy: who may assume the new role.
 * - Refused: `"*"` as Principal, any `*` in a principal value (`{"AWS": "*"}`, a list holding `*`),
 *   `NotPrincipal` in an Allow statement (it trusts everyone not listed), AWS principals that are
 *   neither an account id nor an IAM/STS ARN, and the suite's own roles (role path `/nhi-gov/` or a
 *   name starting `nhi-gov-`): nobody outside governance may borrow the suite's power.
 * - Returned: AWS principals in another account than the requester's, for the caller to raise the tier.
 */
function reviewTrustPolicy(request: CreateIdentityRequest, requester: string): string[] {
  const { account } = partitionAndAccount(requester);
  const problems: string[] = [];
  const crossAccount: string[] = [];
  statementsOf(request).forEach((st, i) => {
    if (st.Effect !== 'Allow') return;
    const where = `trustPolicy.Statement[${i}]`;
    if (st.NotPrincipal !== undefined)
      problems.push(`${where}: NotPrincipal in an Allow statement trusts everyone not listed`);
    const principal = st.Principal;
    if (principal === '*') {
      problems.push(`${where}: Principal "*" trusts everyone`);
      return;
    }
    if (principal === null || typeof principal !== 'object') return;
    for (const [kind, raw] of Object.entries(principal as Record<string, unknown>)) {
      if (!(PRINCIPAL_KINDS as readonly string[]).includes(kind)) {
        problems.push(
          `${where}: Principal key "${kind}" is not one of ${PRINCIPAL_KINDS.join(', ')} (keys are case-sensitive)`,
        );
        continue;
      }
      for (const value of values(raw)) {
        const text = String(value);
        if (text.includes('*')) {
          problems.push(`${where}: Principal ${kind} "${text}" is a wildcard and trusts everyone`);
          continue;
        }
        if (kind === 'Federated') {
          if (!federatedIsBounded(text, st.Condition))
            problems.push(
              `${where}: Principal Federated "${text}" without a condition on "${text}:sub" trusts every identity of that provider`,
            );
          continue;
        }
        if (kind !== 'AWS') continue;
        const arn = ARN.exec(text);
        const principalAccount = /^\d{12}$/.test(text) ? text : arn?.[3];
        if (!principalAccount) {
          problems.push(`${where}: Principal AWS "${text}" is neither an account id nor an IAM ARN`);
          continue;
        }
        if (arn && isSuiteRole(arn[4] ?? '')) {
          problems.push(`${where}: Principal AWS "${text}" is one of nhi-gov's own roles`);
          continue;
        }
        if (principalAccount !== account) crossAccount.push(text);
      }
    }
  });
  if (problems.length > 0)
    throw new PolicyDeniedError(
      `create-identity role/${request.identity.name} refused: ${problems.join('; ')}`,
    );
  return crossAccount;
}

/**
 * Reviews a create-identity request before it is filed: its name must not give it governance power,
 * and a role's trust policy must not trust everyone or the suite's own roles.
 * @throws PolicyDeniedError naming the matching policy pattern, or every refused trust principal.
 */
export function reviewNewIdentity(
  policy: Policy,
  request: CreateIdentityRequest,
  requester: string,
): NewIdentityReview {
  refuseGovernancePower(policy, request, requester);
  return { crossAccountPrincipals: reviewTrustPolicy(request, requester) };
}
