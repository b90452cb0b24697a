import { describe, expect, it, vi } from 'vitest';
import { RotateEnv } from '../../../../functions/rotate/schema.js';
import { loadEnv } from '../../../../lib/config/env.js';

vi.hoisted(() => {
  Object.assign(process.env, {
    DECISIONS_TABLE_NAME: 'unused',
    EXECUTIONS_TABLE_NAME: 'unused',
    FINDINGS_TABLE_NAME: 'unused',
    IDEMPOTENCY_TABLE_NAME: 'unused',
    EVENT_BUS_NAME: 'nhi-gov',
    EXECUTOR_PRINCIPAL: 'arn:aws:iam::111122223333:role/nhi-gov/rotate',
  });
});
const { defaultDeps } = await import('../../../../functions/rotate/handler.js');

describe('rotate handler wiring', () => {
  it('fails at cold start naming every missing or malformed variable', () => {
    expect(() => defaultDeps({ DECISIONS_TABLE_NAME: 'd', SECRET_PREFIX: '' })).toThrow(
      /EXECUTIONS_TABLE_NAME is not set.*FINDINGS_TABLE_NAME is not set.*IDEMPOTENCY_TABLE_NAME is not set.*EVENT_BUS_NAME is not set.*SECRET_PREFIX.*EXECUTOR_PRINCIPAL is not set/,
    );
  });

  it('defaults the secret prefix to nhi-gov/', () => {
    const env = loadEnv(RotateEnv, {
      DECISIONS_TABLE_NAME: 'd',
      EXECUTIONS_TABLE_NAME: 'e',
      FINDINGS_TABLE_NAME: 'f',
      IDEMPOTENCY_TABLE_NAME: 'i',
      EVENT_BUS_NAME: 'b',
      EXECUTOR_PRINCIPAL: 'p',
    });
    expect(env.SECRET_PREFIX).toBe('nhi-gov/');
  });
});
