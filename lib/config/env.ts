import * as z from 'zod';
import { AppError } from '../domain/errors.js';

/** A function's environment is missing or malformed: it fails at cold start, naming every bad key. */
export class ConfigError extends AppError {
  constructor(message: string) {
    super('CONFIG_INVALID', message);
  }
}

/** A required, non-empty environment value (resource names have no silent defaults). */
export const required = () => z.string({ error: 'is not set' }).min(1, 'is empty');

/** The account a function runs in (FUNCTION_ENV.accountId): 12 digits. */
export const accountIdEnv = () =>
  z.string({ error: 'is not set' }).regex(/^\d{12}$/, 'must be a 12-digit AWS account id');

/** How a function reads the decisions table (FUNCTION_ENV.decisionsReadScope): `account` on the hub's. */
export const decisionsReadScopeEnv = () => z.enum(['account']).optional();

/**
 * The decisions store's read scope from a function's environment: its own account's partitions when
 * the table is the organization hub's (DECISIONS_READ_SCOPE=account), the whole table otherwise.
 */
export function decisionReadScope(
  scope: 'account' | undefined,
  account: string | undefined,
): 'all' | { account: string } {
  if (scope !== 'account') return 'all';
  if (account === undefined) throw new ConfigError('DECISIONS_READ_SCOPE=account needs ACCOUNT_ID');
  return { account };
}

/**
 * Reads the environment with a zod schema whose keys are the variable names.
 * @throws ConfigError naming every missing or malformed variable.
 */
export function loadEnv<S extends z.ZodObject>(
  schema: S,
  env: Readonly<Record<string, string | undefined>> = process.env,
): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.') || '(env)'} ${i.message}`);
  throw new ConfigError(`invalid environment: ${problems.join('; ')}`);
}
