import 'aws-sdk-client-mock-vitest/extend';
import { afterAll } from 'vitest';
import { removeDefaultPolicyJsonFile } from './policy.js';

/**
 * Every test file starts with the environment the worker started with. The unit and integration
 * projects run without isolation (one module registry per worker, for speed: vitest.config.ts), and
 * this file runs again before each test file, so a file that sets `process.env.X` at module level
 * (POWERTOOLS_DEV, table names) would otherwise leak it into the next file of the same worker.
 */
const ENV_KEY = Symbol.for('nhi-gov.worker-env');
const shared = globalThis as Record<symbol, Readonly<Record<string, string | undefined>> | undefined>;
const workerEnv = shared[ENV_KEY] ?? { ...process.env };
shared[ENV_KEY] = workerEnv;
for (const name of Object.keys(process.env)) if (!(name in workerEnv)) delete process.env[name];
Object.assign(process.env, workerEnv);

// Tests that point POLICY_FILE at the default policy as JSON leave no file behind.
afterAll(removeDefaultPolicyJsonFile);
