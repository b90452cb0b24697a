/**
 * The suite's Lambda functions: where each handler lives and which environment variables it reads.
 * infra/ refers to handlers only through these entries; each function's env schema uses these names.
 */
export const FUNCTION_ENTRIES = {
  /** HTTP API (payload 2.0, IAM auth): submit, approve, reject, cancel, revoke, exceptions, campaigns. */
  governanceApi: 'functions/governance-api/handler.ts',
  /** Step Functions task (waitForTaskToken): submits a request and stores the task token on the decision. */
  governanceTask: 'functions/governance-task/handler.ts',
  /** EventBridge: `AccessRequested` from ticketing, `RevokeRequested` from the scheduler and scanners. */
  governanceEvents: 'functions/governance-events/handler.ts',
  /** EventBridge: terminal `Decision*` events → SendTaskSuccess / SendTaskFailure for stored task tokens. */
  governanceCallback: 'functions/governance-callback/handler.ts',
  /** EventBridge: `DecisionApproved` / `DecisionRevoked` → IAM changes within guardrails. */
  provision: 'functions/provision/handler.ts',
  /** Secrets Manager rotation (4 steps) for access-key secrets, and on-demand `rotate` decisions. */
  rotate: 'functions/rotate/handler.ts',
  /** EventBridge Scheduler: inventory + every scanner rule + metrics snapshot. */
  scan: 'functions/scan/handler.ts',
  /** EventBridge Scheduler: the previous period's evidence package, written once to the Object Lock bucket. */
  evidence: 'functions/evidence/handler.ts',
  /** EventBridge: `ScanCompleted` → the scan's findings to AWS Security Hub (context nhi-gov:securityHub only). */
  securityHubExport: 'functions/security-hub-export/handler.ts',
} as const;
export type FunctionId = keyof typeof FUNCTION_ENTRIES;

/** Environment variable names beyond the table names in ENV (lib/config/tables.ts). */
export const FUNCTION_ENV = {
  /** The suite's EventBridge bus name. */
  eventBusName: 'EVENT_BUS_NAME',
  /** Managed IAM path, e.g. `/nhi/`. */
  managedPath: 'MANAGED_PATH',
  /** ARN of the permissions boundary every provisioned identity carries. */
  permissionsBoundaryArn: 'PERMISSIONS_BOUNDARY_ARN',
  /** Prefix of the Secrets Manager secrets that hold provisioned access keys, e.g. `nhi-gov/`. */
  secretPrefix: 'SECRET_PREFIX',
  /** EventBridge Scheduler group for just-in-time revoke schedules. */
  scheduleGroupName: 'SCHEDULE_GROUP_NAME',
  /** Role EventBridge Scheduler assumes to deliver a JIT revoke to the bus. */
  schedulerRoleArn: 'SCHEDULER_ROLE_ARN',
  /** Dead-letter queue for JIT revoke schedules (their DeadLetterConfig); the scheduler role may send to it. */
  scheduleDeadLetterArn: 'SCHEDULE_DLQ_ARN',
  /** rotate: EventBridge Scheduler group of the replaced-key retirement schedules. */
  keyScheduleGroupName: 'KEY_SCHEDULE_GROUP_NAME',
  /** rotate: role EventBridge Scheduler assumes to invoke the rotation function when a key is due. */
  keySchedulerRoleArn: 'KEY_SCHEDULER_ROLE_ARN',
  /** rotate: its own ARN, the target of the key-retirement schedules. */
  rotateFunctionArn: 'ROTATE_FUNCTION_ARN',
  /** rotate: hours a replaced key stays Active after finishSecret (0 = deactivated at finishSecret). */
  keyDeactivateDelayHours: 'KEY_DEACTIVATE_DELAY_HOURS',
  /** rotate: days a replaced key stays Inactive before it is deleted (0 = until the next rotation). */
  keyDeleteGraceDays: 'KEY_DELETE_GRACE_DAYS',
  /**
   * governance-task: comma-separated role ARNs the Step Functions entry accepts as `requester` (the
   * workflow roles infra creates). Any other requester in the payload is refused: a direct Lambda
   * invoke cannot file a request in someone else's name.
   */
  taskRequesterArns: 'TASK_REQUESTER_ARNS',
  /** Path of the policy file copied into the function's bundle at synth time. */
  policyFile: 'POLICY_FILE',
  /** This function's own principal, recorded as executor on execution records. */
  executorPrincipal: 'EXECUTOR_PRINCIPAL',
  /**
   * provision, rotate, scan: the account the function runs in (its stack's `AWS::AccountId`). Executors
   * refuse a decision of any other account.
   */
  accountId: 'ACCOUNT_ID',
  /**
   * provision, rotate, scan: `account` when the decisions table is the organization hub's, whose
   * resource policy lets a member read its own account's partitions only (memberReadableKeyPatterns);
   * unset: the whole table.
   */
  decisionsReadScope: 'DECISIONS_READ_SCOPE',
  /** evidence: the Object Lock bucket packages are written to. */
  evidenceBucketName: 'EVIDENCE_BUCKET_NAME',
  /** evidence: `month`, `week` or `day`, the period each scheduled run covers. */
  evidencePeriod: 'EVIDENCE_PERIOD',
  /** security-hub-export: the Security Hub product ARN findings are imported to (`.../product/<account>/default`). */
  securityHubProductArn: 'SECURITY_HUB_PRODUCT_ARN',
  /** Powertools: service name, metrics namespace, log level. */
  powertoolsServiceName: 'POWERTOOLS_SERVICE_NAME',
  powertoolsMetricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
} as const;

/** Secrets that hold provisioned access keys are named `<prefix><user name>`. */
export const DEFAULT_SECRET_PREFIX = 'nhi-gov/';
export const DEFAULT_SCHEDULE_GROUP = 'nhi-gov-jit';
/** Schedule group of the replaced-key retirement schedules (deactivate, delete). */
export const DEFAULT_KEY_SCHEDULE_GROUP = 'nhi-gov-keys';
export const METRICS_NAMESPACE = 'NhiGov';

/** Default EventBridge Scheduler expression of the scan (daily, 05:00 in the schedule's time zone). */
export const DEFAULT_SCAN_SCHEDULE = 'cron(0 5 * * ? *)';
/** Default EventBridge Scheduler expression of the evidence run (monthly, 03:00 on the 1st). */
export const DEFAULT_EVIDENCE_SCHEDULE = 'cron(0 3 1 * ? *)';
/** Default days between automatic rotations of the managed access-key secrets. */
export const DEFAULT_ROTATION_DAYS = 30;
