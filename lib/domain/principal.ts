import { ValidationError } from './errors.js';

/**
 * The one strict principal module: parse, canonicalise and compare the IAM principals that call
 * nhi-gov, the way IAM itself tells principals apart.
 *
 * Accepted callers (anything else is invalid input, refused before anything is written):
 * - `arn:<partition>:iam::<12 digits>:role/<path/>name` and `…:user/<path/>name`;
 * - `arn:<partition>:sts::<12 digits>:assumed-role/<role name>/<session name>`: a session IS its role.
 *
 * Refused, because they cannot be governance callers with a stable identity:
 * - `…:root` (the account root user: no one may govern as it);
 * - `…:sts::…:federated-user/<name>` (GetFederationToken: the ARN does not name the IAM user behind it);
 * - service principals (`lambda.amazonaws.com`), `arn:…:iam::aws:…`, wildcards and any other shape.
 *
 * Identity follows IAM: the path is not part of it (a name is unique per account whatever the path),
 * and role and user names are unique regardless of case, so comparison uses the lower-cased name
 * while the display form keeps the case it was given. Partition, service and entity type are
 * case-sensitive in ARNs and must be spelled exactly.
 */

/** The AWS partitions an ARN may name. */
export const PARTITIONS = [
  'aws',
  'aws-cn',
  'aws-us-gov',
  'aws-iso',
  'aws-iso-b',
  'aws-iso-e',
  'aws-iso-f',
  'aws-eusc',
] as const;
export type Partition = (typeof PARTITIONS)[number];

export interface Principal {
  readonly partition: Partition;
  readonly account: string;
  /** A session is its role: `assumed-role` ARNs parse to type `role`. */
  readonly type: 'role' | 'user';
  /** The name as given (display case). */
  readonly name: string;
  /** The IAM path when the ARN carried one (`/` otherwise); informational, never part of identity. */
  readonly path: string;
  /** The STS session name of an assumed-role ARN; informational. */
  readonly session?: string;
}

/** IAM name characters (roles and users): letters, digits and `+=,.@_-`. */
const NAME = /^[\w+=,.@-]{1,64}$/;
/** IAM path segment characters we accept (a stricter subset of IAM's printable ASCII). */
const PATH_SEGMENT = /^[\w+=,.@-]{1,128}$/;
/** STS role session names: 2-64 of `\w+=,.@-`. */
const SESSION = /^[\w+=,.@-]{2,64}$/;
const ACCOUNT = /^\d{12}$/;
const MAX_ARN = 2048;

/** Why an ARN is not an acceptable principal, or undefined with the parsed principal. */
function analyse(arn: unknown): { principal?: Principal; problem?: string } {
  if (typeof arn !== 'string') return { problem: 'must be a string' };
  if (arn.length === 0) return { problem: 'is empty' };
  if (arn.length > MAX_ARN) return { problem: `is longer than ${MAX_ARN} characters` };
  const parts = arn.split(':');
  if (parts.length !== 6 || parts[0] !== 'arn')
    return { problem: 'must be an ARN of the form arn:<partition>:<iam|sts>::<account>:<resource>' };
  const [, partition = '', service = '', region = '', account = '', resource = ''] = parts;
  if (!(PARTITIONS as readonly string[]).includes(partition))
    return {
      problem: `names an unknown partition "${partition}" (expected one of ${PARTITIONS.join(', ')})`,
    };
  if (service !== 'iam' && service !== 'sts')
    return { problem: `names service "${service}", not iam or sts` };
  if (region !== '') return { problem: 'must not name a region (IAM and STS principal ARNs are global)' };
  if (!ACCOUNT.test(account)) return { problem: `names account "${account}", not 12 digits` };
  const p = partition as Partition;
  const segments = resource.split('/');
  const [type = '', ...rest] = segments;
  if (service === 'sts') {
    if (type === 'federated-user')
      return {
        problem:
          'is an STS federated-user session, which does not name the IAM user behind it; call as a role or user',
      };
    if (type !== 'assumed-role')
      return { problem: `is an STS ARN of type "${type}"; only assumed-role sessions are principals` };
    if (rest.length !== 2)
      return { problem: 'is an assumed-role ARN without exactly a role name and a session name' };
    const [name = '', session = ''] = rest;
    if (!NAME.test(name)) return { problem: `has an invalid role name "${name}"` };
    if (!SESSION.test(session)) return { problem: `has an invalid session name "${session}"` };
    return { principal: { partition: p, account, type: 'role', name, path: '/', session } };
  }
  if (resource === 'root') return { problem: 'is the account root user, which may not act in governance' };
  if (type !== 'role' && type !== 'user')
    return { problem: `is an IAM ARN of type "${type}"; only roles and users are principals` };
  if (rest.length === 0) return { problem: `has no ${type} name` };
  const name = rest[rest.length - 1] ?? '';
  const pathSegments = rest.slice(0, -1);
  if (!NAME.test(name))
    return {
      problem:
        name === '' ? 'ends with "/" (no name after the path)' : `has an invalid ${type} name "${name}"`,
    };
  const badSegment = pathSegments.find((s) => !PATH_SEGMENT.test(s));
  if (badSegment !== undefined)
    return {
      problem:
        badSegment === ''
          ? 'has an empty path segment ("//")'
          : `has an invalid path segment "${badSegment}"`,
    };
  const path = pathSegments.length > 0 ? `/${pathSegments.join('/')}/` : '/';
  if (path.length > 512) return { problem: 'has a path longer than 512 characters' };
  return { principal: { partition: p, account, type, name, path } };
}

/** The problem with a principal ARN, or undefined when it is well formed. */
export function principalProblem(arn: unknown): string | undefined {
  return analyse(arn).problem;
}

/** True when `arn` is a well-formed IAM role/user or STS assumed-role ARN. */
export function isPrincipalArn(arn: unknown): arn is string {
  return analyse(arn).principal !== undefined;
}

/** Shows user input safely in a message: quoted, with control characters escaped, and cut short. */
export function quoteInput(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  const cut = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  return JSON.stringify(cut);
}

/**
 * Parses a principal ARN strictly.
 * @param what the name of the field or flag it came from, for the error message (`--as`, `caller`).
 * @throws ValidationError naming the field, the value given and what is wrong with it.
 */
export function parsePrincipal(arn: unknown, what = 'principal'): Principal {
  const { principal, problem } = analyse(arn);
  if (principal) return principal;
  throw new ValidationError(`${what} ${quoteInput(arn)} is not an IAM principal ARN: ${problem}`, [
    { path: what, message: problem ?? 'invalid' },
  ]);
}

/** `arn:<partition>:iam::<account>:<role|user>/<name>`: the identity, without path or session, display case. */
export function formatPrincipal(p: Principal): string {
  return `arn:${p.partition}:iam::${p.account}:${p.type}/${p.name}`;
}

/** The comparison key of a principal: its canonical ARN with the name lower-cased. */
export function keyOf(p: Principal): string {
  return `arn:${p.partition}:iam::${p.account}:${p.type}/${p.name.toLowerCase()}`;
}

/**
 * The canonical identity behind a caller ARN, in display case.
 * @throws ValidationError when the ARN is not a well-formed principal.
 */
export function canonicalPrincipal(arn: string): string {
  return formatPrincipal(parsePrincipal(arn));
}

/**
 * The comparison key behind a caller ARN (canonical, name lower-cased): equal keys are one principal.
 * @throws ValidationError when the ARN is not a well-formed principal.
 */
export function principalKey(arn: string): string {
  return keyOf(parsePrincipal(arn));
}

/**
 * True when two ARNs are the same IAM principal (session = role, any path, any name case). A
 * malformed ARN is the same as nothing: false.
 */
export function samePrincipal(a: string, b: string): boolean {
  const pa = analyse(a).principal;
  const pb = analyse(b).principal;
  return pa !== undefined && pb !== undefined && keyOf(pa) === keyOf(pb);
}

/** A policy's principal pattern, reduced to what identity is: partition, account, type and name. */
export interface PrincipalPattern {
  readonly raw: string;
  readonly partition: string;
  readonly account: string;
  readonly type: 'role' | 'user' | '*';
  readonly name: string;
  /** The pattern named an IAM path, which is not part of identity (refused in allow lists). */
  readonly hadPath: boolean;
}

const GLOB_PARTITION = /^[a-z*?-]{1,16}$/;
const GLOB_ACCOUNT = /^[\d*?]{1,12}$/;
const GLOB_NAME = /^[\w+=,.@*?-]{1,64}$/;

/**
 * Parses a principal pattern of a policy (`arn:aws:iam::*:role/team-lead*`,
 * `arn:aws:sts::*:assumed-role/team-lead*\/*`, or `*`). A session pattern is its role pattern (the
 * assumer chooses the session name, so it restricts nothing); a path is dropped from identity and
 * reported in `hadPath`.
 * @returns the pattern, or a string saying what is wrong with it.
 */
export function parsePrincipalPattern(raw: string): PrincipalPattern | string {
  if (raw === '*') return { raw, partition: '*', account: '*', type: '*', name: '*', hadPath: false };
  const parts = raw.split(':');
  if (parts.length !== 6 || parts[0] !== 'arn')
    return 'must be "*" or arn:<partition>:<iam|sts>::<account>:<role|user|assumed-role>/<name>';
  const [, partition = '', service = '', region = '', account = '', resource = ''] = parts;
  if (!GLOB_PARTITION.test(partition)) return `has an invalid partition "${partition}"`;
  if (service !== 'iam' && service !== 'sts') return `names service "${service}", not iam or sts`;
  if (region !== '') return 'must not name a region';
  if (!GLOB_ACCOUNT.test(account)) return `has an invalid account "${account}" (12 digits or a glob)`;
  const [type = '', ...rest] = resource.split('/');
  if (service === 'sts') {
    if (type !== 'assumed-role') return `is an STS pattern of type "${type}"; only assumed-role is allowed`;
    const [name = '', session] = rest;
    if (
      rest.length > 2 ||
      !GLOB_NAME.test(name) ||
      (session !== undefined && !/^[\w+=,.@*?-]{1,64}$/.test(session))
    )
      return 'must be assumed-role/<role name glob>[/<session glob>]';
    return { raw, partition, account, type: 'role', name, hadPath: false };
  }
  if (resource === '*') return { raw, partition, account, type: '*', name: '*', hadPath: false };
  if (type !== 'role' && type !== 'user')
    return `is an IAM pattern of type "${type}"; only role and user are allowed`;
  const name = rest[rest.length - 1] ?? '';
  if (!GLOB_NAME.test(name)) return `has an invalid name glob "${name}"`;
  if (rest.slice(0, -1).some((s) => !/^[\w+=,.@*?-]+$/.test(s))) return 'has an invalid path';
  return { raw, partition, account, type, name, hadPath: rest.length > 1 };
}

function globRe(glob: string, flags = ''): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, flags);
}

/** True when the name has a glob character. */
export function isGlob(text: string): boolean {
  return text.includes('*') || text.includes('?');
}

/**
 * True when a parsed principal matches a principal pattern: partition and account exactly (globs
 * allowed), type exactly, name case-insensitively (IAM names are unique regardless of case). When
 * `accounts` is given, a glob in the pattern's account matches only those accounts.
 */
export function principalMatchesPattern(
  pattern: PrincipalPattern,
  p: Principal,
  accounts?: readonly string[],
): boolean {
  if (!globRe(pattern.partition).test(p.partition)) return false;
  if (!globRe(pattern.account).test(p.account)) return false;
  if (accounts !== undefined && isGlob(pattern.account) && !accounts.includes(p.account)) return false;
  if (pattern.type !== '*' && pattern.type !== p.type) return false;
  return globRe(pattern.name, 'i').test(p.name);
}
