/**
 * IAM policy statements read for analysis: `Action`/`NotAction` globs matched case-insensitively (as
 * IAM matches action names), `Resource`/`NotResource` globs matched case-sensitively (as IAM matches
 * ARNs), and whether a `Condition` makes the statement's effect undecidable without a request.
 */

export interface PolicySource {
  /** Where the document comes from, for evidence: `managed-policy:<arn>`, `inline-policy:<name>`, ... */
  readonly source: string;
  readonly document: unknown;
}

export interface Statement {
  readonly source: string;
  readonly index: number;
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly actions?: readonly string[];
  readonly notActions?: readonly string[];
  readonly resources?: readonly string[];
  readonly notResources?: readonly string[];
  /** A non-empty Condition: whether it applies depends on the request. */
  readonly conditional: boolean;
}

export interface ReadDocument {
  readonly statements: readonly Statement[];
  /** What could not be read: the document, or statements of it, are not valid IAM grammar. */
  readonly problems: readonly string[];
}

const cache = new WeakMap<object, Map<string, ReadDocument>>();

function stringList(value: unknown): string[] | undefined | false {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string'))
    return value as string[];
  return false;
}

/**
 * Reads a policy document's statements. Never throws: what it cannot read is listed in `problems`
 * (so the caller can call the document unanalysable) and the statements it can read are kept.
 */
export function readDocument(policy: PolicySource): ReadDocument {
  const doc = policy.document;
  if (typeof doc === 'object' && doc !== null) {
    const bySource = cache.get(doc);
    const hit = bySource?.get(policy.source);
    if (hit) return hit;
    const read = readUncached(policy.source, doc as Record<string, unknown>);
    if (bySource) bySource.set(policy.source, read);
    else cache.set(doc, new Map([[policy.source, read]]));
    return read;
  }
  return { statements: [], problems: [`${policy.source}: the policy document is not a JSON object`] };
}

function readUncached(source: string, doc: Record<string, unknown>): ReadDocument {
  const problems: string[] = [];
  const raw = doc.Statement;
  const list = Array.isArray(raw) ? raw : raw !== undefined && raw !== null ? [raw] : [];
  if (list.length === 0) problems.push(`${source}: no Statement`);
  const statements: Statement[] = [];
  list.forEach((s, index) => {
    const where = `${source} statement ${index}`;
    if (typeof s !== 'object' || s === null || Array.isArray(s)) {
      problems.push(`${where}: not an object`);
      return;
    }
    const st = s as Record<string, unknown>;
    const effect = st.Effect;
    const actions = stringList(st.Action);
    const notActions = stringList(st.NotAction);
    const resources = stringList(st.Resource);
    const notResources = stringList(st.NotResource);
    const bad: string[] = [];
    if (effect !== 'Allow' && effect !== 'Deny') bad.push('Effect is neither Allow nor Deny');
    if (actions === false || notActions === false)
      bad.push('Action/NotAction is not a string or a list of strings');
    if ((actions === undefined) === (notActions === undefined))
      bad.push('needs exactly one of Action and NotAction');
    if (resources === false || notResources === false)
      bad.push('Resource/NotResource is not a string or a list of strings');
    if ((resources === undefined) === (notResources === undefined))
      bad.push('needs exactly one of Resource and NotResource');
    if (st.Principal !== undefined || st.NotPrincipal !== undefined)
      bad.push('has a Principal: a resource policy, not an identity policy');
    if (bad.length > 0) {
      problems.push(`${where}: ${bad.join('; ')}`);
      return;
    }
    const condition = st.Condition;
    statements.push({
      source,
      index,
      ...(typeof st.Sid === 'string' && st.Sid ? { sid: st.Sid } : {}),
      effect: effect as 'Allow' | 'Deny',
      ...(actions ? { actions } : {}),
      ...(notActions ? { notActions } : {}),
      ...(resources ? { resources } : {}),
      ...(notResources ? { notResources } : {}),
      conditional: typeof condition === 'object' && condition !== null && Object.keys(condition).length > 0,
    });
  });
  return { statements, problems };
}

const actionCache = new Map<string, RegExp>();
const resourceCache = new Map<string, RegExp>();

function globRegExp(glob: string, flags: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, flags);
}

/** True when the action glob matches the action name, ignoring case (IAM action names are case-insensitive). */
export function actionMatches(pattern: string, action: string): boolean {
  let re = actionCache.get(pattern);
  if (!re) {
    re = globRegExp(pattern, 'i');
    actionCache.set(pattern, re);
  }
  return re.test(action);
}

/** True when the resource glob matches the text (case-sensitive, as IAM compares ARNs). */
export function resourceMatches(pattern: string, text: string): boolean {
  let re = resourceCache.get(pattern);
  if (!re) {
    re = globRegExp(pattern, '');
    resourceCache.set(pattern, re);
  }
  return re.test(text);
}

// Statements of a managed policy are shared by every identity that holds it (readDocument caches
// them per document), so what a statement covers is remembered on it: the analysis of 10,000
// identities then matches each shared statement against each catalogue action once.
const actionCover = new WeakMap<Statement, Map<string, boolean>>();

/** True when the statement's Action/NotAction covers the action. */
export function statementCoversAction(s: Statement, action: string): boolean {
  let known = actionCover.get(s);
  if (!known) {
    known = new Map();
    actionCover.set(s, known);
  }
  let covers = known.get(action);
  if (covers === undefined) {
    covers = s.actions
      ? s.actions.some((p) => actionMatches(p, action))
      : !(s.notActions ?? []).some((p) => actionMatches(p, action));
    known.set(action, covers);
  }
  return covers;
}

/** A statement's identity in evidence: `<source>#<index>` plus its Sid when it has one. */
export function statementRef(s: Statement): string {
  return `${s.source}#${s.index}${s.sid ? ` (${s.sid})` : ''}`;
}
