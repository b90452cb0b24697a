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
    ACCOUNT_ID: '111122223333',
    KEY_SCHEDULER_ROLE_ARN: 'arn:aws:iam::111122223333:role/nhi-gov/nhi-gov-key-scheduler',
    ROTATE_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:111122223333:function:nhi-gov-rotate-us-east-1',
  });
});
const { defaultDeps } = await import('../../../../functions/rotate/wiring.js');

describe('rotate handler wiring', () => {
  it('fails at cold start naming every missing or malformed variable', () => {
    expect(() => defaultDeps({ DECISIONS_TABLE_NAME: 'd', SECRET_PREFIX: '' })).toThrow(
      /EXECUTIONS_TABLE_NAME is not set.*FINDINGS_TABLE_NAME is not set.*IDEMPOTENCY_TABLE_NAME is not set.*EVENT_BUS_NAME is not set.*SECRET_PREFIX.*EXECUTOR_PRINCIPAL is not set/,
    );
  });

  it('defaults the secret prefix to nhi-gov/', () => {
    const env = loadEnv(RotateEnv, {
      ACCOUNT_ID: '111122223333',
      DECISIONS_TABLE_NAME: 'd',
      EXECUTIONS_TABLE_NAME: 'e',
      FINDINGS_TABLE_NAME: 'f',
      IDEMPOTENCY_TABLE_NAME: 'i',
      EVENT_BUS_NAME: 'b',
      EXECUTOR_PRINCIPAL: 'p',
      KEY_SCHEDULER_ROLE_ARN: 'r',
      ROTATE_FUNCTION_ARN: 'f',
    });
    expect(env.SECRET_PREFIX).toBe('nhi-gov/');
  });

  it('defaults the grace of a replaced key to 24 hours active and 7 days inactive', () => {
    const env = loadEnv(RotateEnv, { ...process.env });

    expect(env.KEY_DEACTIVATE_DELAY_HOURS).toBe(24);
    expect(env.KEY_DELETE_GRACE_DAYS).toBe(7);
    expect(env.KEY_SCHEDULE_GROUP_NAME).toBe('nhi-gov-keys');
  });

  it.each([
    ['KEY_DEACTIVATE_DELAY_HOURS', '-1'],
    ['KEY_DEACTIVATE_DELAY_HOURS', '169'],
    ['KEY_DEACTIVATE_DELAY_HOURS', '1.5'],
    ['KEY_DELETE_GRACE_DAYS', 'soon'],
    ['KEY_DELETE_GRACE_DAYS', '91'],
  ])('fails at cold start on %s=%s, naming it', (name, value) => {
    expect(() => defaultDeps({ ...process.env, [name]: value })).toThrow(new RegExp(name));
  });

  it('fails at cold start without the key scheduler role or its own ARN', () => {
    const { KEY_SCHEDULER_ROLE_ARN: _r, ROTATE_FUNCTION_ARN: _f, ...rest } = process.env;

    expect(() => defaultDeps(rest)).toThrow(
      /KEY_SCHEDULER_ROLE_ARN is not set.*ROTATE_FUNCTION_ARN is not set/,
    );
  });
});
