/**
 * handler.ts builds its Lambda dependencies at import, as on a cold start: tests give it an
 * environment first (vi.hoisted), then import it. These values are never used to reach AWS.
 */
export const HANDLER_ENV = {
  DECISIONS_TABLE_NAME: 'unused-decisions',
  EXECUTIONS_TABLE_NAME: 'unused-executions',
  FINDINGS_TABLE_NAME: 'unused-findings',
  IDEMPOTENCY_TABLE_NAME: 'unused-idempotency',
  EVENT_BUS_NAME: 'nhi-gov',
  PERMISSIONS_BOUNDARY_ARN: 'arn:aws:iam::111122223333:policy/nhi-gov-boundary',
  SCHEDULE_GROUP_NAME: 'nhi-gov-jit',
  SCHEDULER_ROLE_ARN: 'arn:aws:iam::111122223333:role/nhi-gov/nhi-gov-scheduler',
  EXECUTOR_PRINCIPAL: 'arn:aws:iam::111122223333:role/nhi-gov/nhi-gov-provision',
  ACCOUNT_ID: '111122223333',
  KEY_SCHEDULER_ROLE_ARN: 'arn:aws:iam::111122223333:role/nhi-gov/nhi-gov-key-scheduler',
  ROTATE_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:111122223333:function:nhi-gov-rotate-us-east-1',
  AWS_REGION: 'us-east-1',
  POWERTOOLS_METRICS_DISABLED: 'true',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_TRACE_ENABLED: 'false',
} as const;
