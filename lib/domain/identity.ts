import * as z from 'zod';
import { ValidationError } from './errors.js';

export const IdentityType = z.enum(['role', 'user']);
export type IdentityType = z.infer<typeof IdentityType>;

/** IAM role and user names: 1-64 characters of letters, digits and `+=,.@_-`. */
export const IdentityName = z
  .string()
  .regex(/^[\w+=,.@-]{1,64}$/, 'must be 1-64 characters of letters, digits and +=,.@_-');

/** A reference to an IAM role or user by name. Names are unique per type in an account, whatever the path. */
export const IdentityRef = z.strictObject({
  type: IdentityType,
  name: IdentityName,
});
export type IdentityRef = z.infer<typeof IdentityRef>;

/**
 * The account-independent key of an identity, `role/<name>` or `user/<name>`: what decisions,
 * executions and findings are indexed by, so a snapshot and a live account line up.
 */
export function identityKey(ref: IdentityRef): string {
  return `${ref.type}/${ref.name}`;
}

/**
 * Reads an identity key, an IAM ARN (`arn:aws:iam::123456789012:role/path/Name`) or an STS
 * assumed-role ARN into a reference.
 * @throws ValidationError when the text is neither.
 */
export function parseIdentity(text: string): IdentityRef {
  const arn = /^arn:aws[a-z-]*:(iam|sts)::\d{12}:(role|user|assumed-role)\/(.+)$/.exec(text);
  if (arn) {
    const [, , kind, rest = ''] = arn;
    if (kind === 'assumed-role') {
      const roleName = rest.split('/')[0] ?? '';
      return IdentityRef.parse({ type: 'role', name: roleName });
    }
    const name = rest.split('/').at(-1) ?? '';
    const parsed = IdentityRef.safeParse({ type: kind, name });
    if (parsed.success) return parsed.data;
  }
  const key = /^(role|user)\/([^/]+)$/.exec(text);
  if (key) {
    const parsed = IdentityRef.safeParse({ type: key[1], name: key[2] });
    if (parsed.success) return parsed.data;
  }
  throw new ValidationError(
    `not an IAM role or user: "${text}" (expected role/<name>, user/<name> or an IAM ARN)`,
    [{ path: 'identity', message: 'expected role/<name>, user/<name> or an IAM ARN' }],
  );
}

/** Normalises an IAM path to start and end with `/`. */
export function normalizeIamPath(path: string): string {
  const trimmed = path.trim();
  const withLead = trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
  return withLead.endsWith('/') ? withLead : `${withLead}/`;
}
