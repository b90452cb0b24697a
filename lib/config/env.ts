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
