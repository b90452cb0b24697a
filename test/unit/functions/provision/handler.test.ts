import { describe, expect, it, vi } from 'vitest';

vi.hoisted(async () => {
  const { HANDLER_ENV } = await import('../../../integration/provisioning/env.js');
  Object.assign(process.env, HANDLER_ENV);
});
const { defaultDeps } = await import('../../../../functions/provision/wiring.js');

describe('provision handler wiring', () => {
  it('fails at cold start naming every missing or malformed variable', () => {
    expect(() =>
      defaultDeps({ DECISIONS_TABLE_NAME: 'd', PERMISSIONS_BOUNDARY_ARN: 'boundary', MANAGED_PATH: 'nhi' }),
    ).toThrow(
      /EXECUTIONS_TABLE_NAME is not set.*FINDINGS_TABLE_NAME is not set.*IDEMPOTENCY_TABLE_NAME is not set.*EVENT_BUS_NAME is not set.*MANAGED_PATH must look like \/nhi\/.*PERMISSIONS_BOUNDARY_ARN must be a managed policy ARN.*SCHEDULE_GROUP_NAME is not set.*SCHEDULER_ROLE_ARN is not set.*EXECUTOR_PRINCIPAL is not set.*ACCOUNT_ID is not set/,
    );
  });
});
