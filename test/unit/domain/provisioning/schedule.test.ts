import { describe, expect, it } from 'vitest';
import { RevokeRequestedDetail } from '../../../../lib/domain/events.js';
import {
  atExpression,
  jitRevokeDetail,
  revokeScheduleName,
} from '../../../../lib/domain/provisioning/schedule.js';

describe('JIT revoke schedules', () => {
  it('fires at the expiry in UTC, never before it', () => {
    expect(atExpression('2026-03-01T18:00:00.000Z')).toBe('at(2026-03-01T18:00:00)');
    expect(atExpression('2026-03-01T18:00:00.001Z')).toBe('at(2026-03-01T18:00:01)');
    expect(atExpression('2026-12-31T23:59:59.500Z')).toBe('at(2027-01-01T00:00:00)');
  });

  it('names the schedule after the grant, within the 64-character limit, deterministically', () => {
    const long = 'x'.repeat(64);
    expect(revokeScheduleName('01JABCDEFGHJKMNPQRSTVWXYZ0')).toBe(
      'nhi-gov-revoke-01JABCDEFGHJKMNPQRSTVWXYZ0',
    );
    expect(revokeScheduleName(long)).toHaveLength(55);
    expect(revokeScheduleName(long)).toBe(revokeScheduleName(long));
    expect(revokeScheduleName(long)).not.toBe(revokeScheduleName(`${'x'.repeat(63)}y`));
    expect(revokeScheduleName(long)).toMatch(/^[0-9a-zA-Z_.-]{1,64}$/);
  });

  it('sends a system revoke request that matches the bus schema', () => {
    const detail = jitRevokeDetail('d-0123456789', '2026-03-01T18:00:00.000Z');
    expect(RevokeRequestedDetail.parse(detail)).toEqual({
      schemaVersion: '1',
      decisionId: 'd-0123456789',
      reason: 'jit-expiry',
      requestedBy: 'system:scheduler',
      requestedAt: '2026-03-01T18:00:00.000Z',
    });
  });
});
