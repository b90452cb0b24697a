// AWS permissions this function needs (least privilege, read by infra/):
//   iam:GetAccountAuthorizationDetails, iam:GenerateCredentialReport, iam:GetCredentialReport
//     (read-only on IAM; resource `*`, as these actions support no resource scoping);
//   dynamodb:Query on the decisions table and its indexes (`<table>/index/*`);
//   dynamodb:Query on the executions table's indexes;
//   dynamodb:Query, dynamodb:BatchGetItem, dynamodb:BatchWriteItem, dynamodb:PutItem on the findings
//     table and its indexes;
//   events:PutEvents on the suite's bus (RevokeRequested for expired grants and exceptions);
//   only with context nhi-gov:securityHub (SECURITY_HUB_PRODUCT_ARN set): Security Hub's
//     BatchImportFindings on the account's default product ARN (test/infra/security-hub.test.ts).
// Never an IAM write action: expiry goes through governance as a system revoke request.
// Environment: DECISIONS_TABLE_NAME, EXECUTIONS_TABLE_NAME, FINDINGS_TABLE_NAME, EVENT_BUS_NAME,
// POLICY_FILE (the policy copied into the bundle), SECURITY_HUB_PRODUCT_ARN (optional).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import middy from '@middy/core';
import * as z from 'zod';
import { DynamoCampaignStore } from '../../lib/adapters/dynamodb/campaign-store.js';
import { documentClient } from '../../lib/adapters/dynamodb/client.js';
import { DynamoDecisionStore } from '../../lib/adapters/dynamodb/decision-store.js';
import { DynamoExecutionTrail } from '../../lib/adapters/dynamodb/execution-trail.js';
import { DynamoFindingStore } from '../../lib/adapters/dynamodb/finding-store.js';
import { DynamoScanLog } from '../../lib/adapters/dynamodb/scan-log.js';
import { EventBridgeRevokeRequester } from '../../lib/adapters/eventbridge/revoke-requester.js';
import { LiveIamDirectory } from '../../lib/adapters/iam-inventory/live-inventory.js';
import { SecurityHubExporter } from '../../lib/adapters/securityhub/finding-exporter.js';
import { systemClock } from '../../lib/adapters/system.js';
import { loadEnv, required } from '../../lib/config/env.js';
import { FUNCTION_ENV } from '../../lib/config/functions.js';
import { loadPolicyJsonFile } from '../../lib/config/policy-source.js';
import { ENV } from '../../lib/config/tables.js';
import { accountOfArn } from '../../lib/domain/account.js';
import { AppError } from '../../lib/domain/errors.js';
import type { FindingType } from '../../lib/domain/finding.js';
import type { Policy } from '../../lib/domain/policy/schema.js';
import { runScan, type ScanDeps } from '../../lib/domain/scanning/run-scan.js';
import { assertNotInFuture } from '../../lib/domain/scanning/scan-time.js';
import { parseOrThrow } from '../../lib/domain/validation.js';
import type { Clock } from '../../lib/ports/clock.js';
import type { FindingExporter } from '../../lib/ports/finding-exporter.js';
import type { IamDirectory } from '../../lib/ports/iam-directory.js';
import { observability } from '../shared/observability.js';
import { emitScanMetrics } from './metrics.js';
import { ScanEvent } from './schema.js';

export const ScanEnv = z.object({
  [ENV.decisionsTable]: required(),
  [ENV.executionsTable]: required(),
  [ENV.findingsTable]: required(),
  [FUNCTION_ENV.eventBusName]: required(),
  [FUNCTION_ENV.policyFile]: required(),
  [FUNCTION_ENV.securityHubProductArn]: z
    .string()
    .regex(
      /^arn:aws[a-z-]*:securityhub:[a-z0-9-]+:\d{12}:product\/\d{12}\/default$/,
      'is not a default product ARN',
    )
    .optional(),
});

export interface ScanHandlerDeps extends ScanDeps {
  readonly directory: IamDirectory;
  readonly policy: Policy;
  readonly clock: Clock;
  /** The account scanned; by default the one in the invoked function's ARN. */
  readonly accountId?: string;
  /** Counts for CloudWatch (Powertools metrics in Lambda). */
  readonly record?: (summary: ScanSummary) => void;
  /** AWS Security Hub, when switched on: every finding of the scan, open, suppressed and resolved. */
  readonly exporter?: FindingExporter;
}

/** What the function returns and logs: counts only, never evidence. */
export interface ScanSummary {
  readonly asOf: string;
  readonly accountId: string;
  /** False when the scan ran read-only (dated before the account's newest scan): nothing was stored. */
  readonly stored: boolean;
  readonly identities: number;
  readonly open: number;
  readonly suppressed: number;
  readonly resolved: number;
  readonly revokesRequested: number;
  readonly revokesFailed: number;
  readonly metricsDay: string;
  /** Open findings per type (types with none are left out). */
  readonly openByType: Readonly<Partial<Record<FindingType, number>>>;
  /** Certification coverage: NHIs in scope, reviewed within the policy interval, overdue. */
  readonly reviews: { readonly inScope: number; readonly reviewed: number; readonly overdue: number };
  /** Findings sent to Security Hub (absent when it is off). */
  readonly securityHub?: { readonly sent: number };
}

/** Some system revokes could not be filed: the findings are stored, the invocation fails so it alarms and retries. */
export class RevokeFilingError extends AppError {
  constructor(message: string) {
    super('REVOKE_FILING_FAILED', message);
  }
}

/**
 * The scheduled scan: live inventory → every rule → findings, revokes and the day's metrics. An
 * `asOf` in the future is refused before IAM is read; one before the account's newest scan runs
 * read-only (`stored: false`).
 */
export function buildHandler(deps: ScanHandlerDeps) {
  return async (event: unknown, context?: { invokedFunctionArn?: string }): Promise<ScanSummary> => {
    const input = parseOrThrow(ScanEvent, event, 'scan event');
    const now = deps.clock.now();
    const asOf = input?.asOf ? new Date(input.asOf) : now;
    assertNotInFuture(asOf, now, 'asOf');
    const fromContext = context?.invokedFunctionArn ? accountOfArn(context.invokedFunctionArn) : undefined;
    const accountId = deps.accountId ?? fromContext;
    const inventory = await deps.directory.readInventory();
    const result = await runScan(deps, {
      inventory,
      policy: deps.policy,
      asOf,
      now,
      ...(accountId ? { accountId } : {}),
    });
    // Only what the scan stored goes to Security Hub, after it is stored: a Security Hub failure fails
    // the run (alarm, retry) and loses nothing. A scan that stored nothing (time moves forward) sends nothing.
    const exported =
      deps.exporter && result.mode.kind === 'write'
        ? await deps.exporter.export([...result.findings, ...result.resolved], result.asOf)
        : undefined;
    const summary: ScanSummary = {
      asOf: result.asOf,
      accountId: result.accountId,
      stored: result.mode.kind === 'write',
      identities: result.inventory.roles + result.inventory.users,
      open: result.findings.filter((f) => f.status === 'open').length,
      suppressed: result.findings.filter((f) => f.status === 'suppressed').length,
      resolved: result.resolved.length,
      revokesRequested: result.revokes.requested.length,
      revokesFailed: result.revokes.failed.length,
      metricsDay: result.metrics.day,
      openByType: result.metrics.governance.openFindings.byType,
      reviews: {
        inScope: result.metrics.governance.reviewCompletion.inScope,
        reviewed: result.metrics.governance.reviewCompletion.reviewed,
        overdue: result.metrics.governance.reviewCompletion.overdue,
      },
      ...(exported ? { securityHub: exported } : {}),
    };
    deps.record?.(summary);
    if (result.revokes.failed.length > 0) {
      throw new RevokeFilingError(
        `could not file system revokes for ${result.revokes.failed.map((f) => `${f.decisionId} (${f.error})`).join(', ')}`,
      );
    }
    return summary;
  };
}

/** The Lambda's dependencies, built once per cold start from the environment. */
export function defaultDeps(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Omit<ScanHandlerDeps, 'record'> {
  const config = loadEnv(ScanEnv, env);
  const doc = documentClient(new DynamoDBClient({}));
  const findings = new DynamoFindingStore(doc, config[ENV.findingsTable]);
  const productArn = config[FUNCTION_ENV.securityHubProductArn];
  return {
    directory: new LiveIamDirectory(new IAMClient({})),
    decisions: new DynamoDecisionStore(doc, config[ENV.decisionsTable]),
    campaigns: new DynamoCampaignStore(doc, config[ENV.decisionsTable]),
    executions: new DynamoExecutionTrail(doc, config[ENV.executionsTable]),
    findings,
    metrics: findings,
    scans: new DynamoScanLog(doc, config[ENV.findingsTable]),
    revokes: new EventBridgeRevokeRequester(new EventBridgeClient({}), config[FUNCTION_ENV.eventBusName]),
    policy: loadPolicyJsonFile(config[FUNCTION_ENV.policyFile]),
    clock: systemClock,
    ...(productArn ? { exporter: new SecurityHubExporter(new SecurityHubClient({}), productArn) } : {}),
  };
}

const obs = observability('scan');

export const handler = middy(
  buildHandler({
    ...defaultDeps(),
    record: (summary) => {
      emitScanMetrics(obs.metrics, summary);
      obs.logger.info('scan finished', { ...summary });
    },
  }),
).use(obs.middlewares);
