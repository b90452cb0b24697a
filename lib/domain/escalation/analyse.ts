import type { EscalationPath, Requirement, ResourceKind } from './path.js';
import {
  type PolicySource,
  readDocument,
  resourceMatches,
  type Statement,
  statementCoversAction,
  statementRef,
} from './statements.js';

/** The identity whose permissions are analysed. */
export interface Subject {
  readonly type: 'role' | 'user';
  /** Its ARN (with its IAM path): self-targeted primitives are matched against it. */
  readonly arn: string;
}

/** What an identity may do: its identity policies and the permissions boundary it carries. */
export interface PermissionSet {
  readonly policies: readonly PolicySource[];
  /** The boundary's document; `unknown` when the identity has a boundary whose document could not be read. */
  readonly boundary?: PolicySource | { readonly source: string; readonly unknown: true };
}

/** How sure the analysis is that a path is open. Both count as open. */
export type Certainty = 'definite' | 'conditional';

export interface RequirementEvidence {
  readonly action: string;
  /** The resource the requirement was checked on (an ARN, a probe ARN, or a resource pattern). */
  readonly resource: string;
  /** The statements that allow it (at most three named). */
  readonly statements: readonly string[];
  /** Why it is only conditionally allowed, when it is. */
  readonly undecided?: string;
}

export interface OpenPath {
  readonly id: string;
  readonly title: string;
  readonly category: EscalationPath['category'];
  readonly certainty: Certainty;
  readonly evidence: readonly RequirementEvidence[];
}

export interface PermissionAnalysis {
  readonly open: readonly OpenPath[];
  /** What the analysis could not read or decide (unreadable statements, unknown boundary). */
  readonly problems: readonly string[];
}

const PROBE = 'nhi-gov-escalation-probe';
const DEFAULT_REGION = 'us-east-1';

/** The account of an IAM ARN, or `*` when it carries none. */
function accountOf(arn: string): string {
  return /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):/.exec(arn)?.[1] ?? '000000000000';
}

/**
 * A resource of `kind` that no policy names on purpose: an existing user, role, function... the policy
 * writer did not think of. A pattern that reaches it reaches "any" such resource. Regional ARNs take
 * the region the pattern names, so a region-scoped `function:*` still counts.
 */
export function probeArn(kind: ResourceKind, account: string, pattern: string): string {
  const region = /^arn:[^:]*:[^:]*:([a-z0-9-]+):/.exec(pattern)?.[1] ?? DEFAULT_REGION;
  switch (kind) {
    case 'iam-user':
      return `arn:aws:iam::${account}:user/${PROBE}`;
    case 'iam-role':
      return `arn:aws:iam::${account}:role/${PROBE}`;
    case 'iam-group':
      return `arn:aws:iam::${account}:group/${PROBE}`;
    case 'iam-policy':
      return `arn:aws:iam::${account}:policy/${PROBE}`;
    case 'lambda-function':
      return `arn:aws:lambda:${region}:${account}:function:${PROBE}`;
    case 'glue-dev-endpoint':
      return `arn:aws:glue:${region}:${account}:devEndpoint/${PROBE}`;
    case 'codebuild-project':
      return `arn:aws:codebuild:${region}:${account}:project/${PROBE}`;
    case 'cloudformation-stack':
      return `arn:aws:cloudformation:${region}:${account}:stack/${PROBE}/00000000-0000-0000-0000-000000000000`;
    case 'sagemaker-notebook':
      return `arn:aws:sagemaker:${region}:${account}:notebook-instance/${PROBE}`;
  }
}

/** Resolves policy variables: `${aws:username}` is the user's name; any other variable is undecidable. */
function resolve(pattern: string, subject: Subject): { pattern: string; variable: boolean } {
  if (!pattern.includes('${')) return { pattern, variable: false };
  const name = subject.arn.split('/').at(-1) ?? '';
  let variable = false;
  const out = pattern.replace(/\$\{([^}]*)\}/g, (_m, key: string) => {
    if (key.toLowerCase() === 'aws:username' && subject.type === 'user') return name;
    variable = true;
    return '*';
  });
  return { pattern: out, variable };
}

interface Match {
  readonly statement: Statement;
  /** Applies only under a condition or an unresolved policy variable. */
  readonly undecided: boolean;
}

const resourceCover = new WeakMap<Statement, Map<string, boolean>>();

/** Does the statement's Resource/NotResource cover the concrete resource `arn`? */
function coversResource(s: Statement, arn: string, subject: Subject): Match | undefined {
  const patterns = s.resources ?? s.notResources ?? [];
  if (!patterns.some((p) => p.includes('${'))) {
    // No policy variable: the answer depends on the statement and the ARN only (probes repeat).
    let known = resourceCover.get(s);
    if (!known) {
      known = new Map();
      resourceCover.set(s, known);
    }
    let covered = known.get(arn);
    if (covered === undefined) {
      covered = s.resources
        ? s.resources.some((p) => resourceMatches(p, arn))
        : !(s.notResources ?? []).some((p) => resourceMatches(p, arn));
      known.set(arn, covered);
    }
    return covered ? { statement: s, undecided: s.conditional } : undefined;
  }
  let variable = false;
  const test = (p: string) => {
    const r = resolve(p, subject);
    variable ||= r.variable;
    return resourceMatches(r.pattern, arn);
  };
  const covered = s.resources ? s.resources.some(test) : !(s.notResources ?? []).some(test);
  return covered ? { statement: s, undecided: s.conditional || variable } : undefined;
}

/** Two resource globs that may name a common resource: either matches the other taken literally. */
function overlaps(a: string, b: string): boolean {
  return resourceMatches(a, b) || resourceMatches(b, a);
}

interface Compiled {
  readonly allows: readonly Statement[];
  readonly denies: readonly Statement[];
  readonly boundaryAllows?: readonly Statement[];
  readonly problems: readonly string[];
  readonly byAction: Map<string, { allows: Statement[]; denies: Statement[]; boundary?: Statement[] }>;
}

function compile(set: PermissionSet): Compiled {
  const allows: Statement[] = [];
  const denies: Statement[] = [];
  const problems: string[] = [];
  for (const p of set.policies) {
    const read = readDocument(p);
    problems.push(...read.problems);
    for (const s of read.statements) (s.effect === 'Allow' ? allows : denies).push(s);
  }
  let boundaryAllows: Statement[] | undefined;
  if (set.boundary) {
    if ('unknown' in set.boundary) {
      problems.push(
        `permissions boundary ${set.boundary.source} could not be read: analysed without it (it can only remove paths)`,
      );
    } else {
      const read = readDocument(set.boundary);
      problems.push(...read.problems.map((p) => `permissions boundary ${p}`));
      boundaryAllows = [];
      for (const s of read.statements) (s.effect === 'Allow' ? boundaryAllows : denies).push(s);
    }
  }
  return { allows, denies, ...(boundaryAllows ? { boundaryAllows } : {}), problems, byAction: new Map() };
}

function forAction(c: Compiled, action: string) {
  let hit = c.byAction.get(action);
  if (!hit) {
    const covers = (s: Statement) => statementCoversAction(s, action);
    hit = {
      allows: c.allows.filter(covers),
      denies: c.denies.filter(covers),
      ...(c.boundaryAllows ? { boundary: c.boundaryAllows.filter(covers) } : {}),
    };
    c.byAction.set(action, hit);
  }
  return hit;
}

interface ActionStatements {
  readonly allows: readonly Statement[];
  readonly denies: readonly Statement[];
  readonly boundary?: readonly Statement[];
}

/** Checks one requirement against a concrete resource ARN. */
function onResource(
  c: Compiled,
  action: string,
  arn: string,
  subject: Subject,
): RequirementEvidence | undefined {
  return onResourceWith(forAction(c, action), action, arn, subject);
}

function onResourceWith(
  st: ActionStatements,
  action: string,
  arn: string,
  subject: Subject,
): RequirementEvidence | undefined {
  // Plain loops: this runs for every requirement of every identity, so it allocates only on success.
  let allow: Match | undefined;
  for (const s of st.allows) {
    const m = coversResource(s, arn, subject);
    if (m && (!allow || (allow.undecided && !m.undecided))) allow = m;
    if (allow && !allow.undecided) break;
  }
  if (!allow) return undefined;
  let boundaryUndecided = false;
  if (st.boundary) {
    let b: Match | undefined;
    for (const s of st.boundary) {
      const m = coversResource(s, arn, subject);
      if (m && (!b || (b.undecided && !m.undecided))) b = m;
      if (b && !b.undecided) break;
    }
    if (!b) return undefined;
    boundaryUndecided = b.undecided;
  }
  let conditionalDeny: Match | undefined;
  for (const s of st.denies) {
    const m = coversResource(s, arn, subject);
    if (!m) continue;
    if (!m.undecided) return undefined;
    conditionalDeny ??= m;
  }
  const reasons: string[] = [];
  if (allow.undecided) reasons.push(`allowed only under a condition (${statementRef(allow.statement)})`);
  if (boundaryUndecided) reasons.push('the permissions boundary allows it only under a condition');
  if (conditionalDeny)
    reasons.push(`a conditional Deny may refuse it (${statementRef(conditionalDeny.statement)})`);
  const statements: string[] = [];
  for (const s of st.allows) {
    if (statements.length === 3) break;
    const m = coversResource(s, arn, subject);
    if (m && (!m.undecided || allow.undecided)) statements.push(statementRef(s));
  }
  return {
    action,
    resource: arn,
    statements,
    ...(reasons.length > 0 ? { undecided: reasons.join('; ') } : {}),
  };
}

/** Checks an `any`-scope requirement: some resource the allow names, inside the boundary, not denied. */
function onAnyResource(c: Compiled, action: string, subject: Subject): RequirementEvidence | undefined {
  const st = forAction(c, action);
  let fallback: RequirementEvidence | undefined;
  for (const s of st.allows) {
    const candidates = s.resources ? s.resources.map((p) => resolve(p, subject).pattern) : ['*'];
    for (const candidate of candidates) {
      const boundary = boundaryOverlapping(st.boundary, candidate);
      const found = onResourceWith(
        { allows: [s], denies: st.denies, ...(boundary ? { boundary } : {}) },
        action,
        candidate,
        subject,
      );
      if (found && !found.undecided) return found;
      fallback ??= found;
    }
  }
  return fallback;
}

/** Boundary statements whose resources may share a resource with `candidate`, rewritten to cover it. */
function boundaryOverlapping(boundary: Statement[] | undefined, candidate: string): Statement[] | undefined {
  if (!boundary) return undefined;
  return boundary
    .filter((b) =>
      b.resources
        ? b.resources.some((p) => overlaps(p, candidate))
        : !(b.notResources ?? []).some((p) => resourceMatches(p, candidate)),
    )
    .map((b) => ({ ...b, resources: [candidate], notResources: undefined }) as Statement);
}

function checkRequirement(c: Compiled, r: Requirement, subject: Subject): RequirementEvidence | undefined {
  if (r.scope === 'self') {
    const found = onResource(c, r.action, subject.arn, subject);
    return found ? { ...found, resource: `itself (${subject.arn})` } : undefined;
  }
  if (r.scope === 'arbitrary') {
    const found = onArbitrary(c, r, subject);
    return found ? { ...found, resource: `any ${(r.kind as string).replace('-', ' ')}` } : undefined;
  }
  return onAnyResource(c, r.action, subject);
}

function onArbitrary(c: Compiled, r: Requirement, subject: Subject): RequirementEvidence | undefined {
  const kind = r.kind as ResourceKind;
  const account = accountOf(subject.arn);
  // Probe once per distinct region the allowing statements name.
  const st = forAction(c, r.action);
  const probes = new Set<string>([probeArn(kind, account, '')]);
  for (const s of st.allows) for (const p of s.resources ?? []) probes.add(probeArn(kind, account, p));
  let fallback: RequirementEvidence | undefined;
  for (const probe of probes) {
    const found = onResource(c, r.action, probe, subject);
    if (found && !found.undecided) return found;
    fallback ??= found;
  }
  return fallback;
}

/**
 * Which catalogue paths a permission set opens for the subject: every requirement allowed by an
 * identity policy, inside the permissions boundary, and not refused by an unconditional Deny. A
 * requirement that holds only under a Condition (or an unresolved policy variable, or a conditional
 * Deny) leaves the path open with certainty `conditional`.
 */
export function analysePermissions(
  subject: Subject,
  set: PermissionSet,
  catalogue: readonly EscalationPath[],
): PermissionAnalysis {
  const c = compile(set);
  const open: OpenPath[] = [];
  // Paths share requirements (iam:PassRole on any role opens a dozen): check each one once.
  const memo = new Map<string, RequirementEvidence | undefined>();
  for (const path of catalogue) {
    if (!path.appliesTo.includes(subject.type)) continue;
    const evidence: RequirementEvidence[] = [];
    for (const r of path.requires) {
      const key = `${r.action}|${r.scope}|${r.kind ?? ''}`;
      let e: RequirementEvidence | undefined;
      if (memo.has(key)) e = memo.get(key);
      else {
        e = checkRequirement(c, r, subject);
        memo.set(key, e);
      }
      if (!e) break;
      evidence.push(e);
    }
    if (evidence.length !== path.requires.length) continue;
    open.push({
      id: path.id,
      title: path.title,
      category: path.category,
      certainty: evidence.some((e) => e.undecided) ? 'conditional' : 'definite',
      evidence,
    });
  }
  return { open, problems: [...new Set(c.problems)] };
}
