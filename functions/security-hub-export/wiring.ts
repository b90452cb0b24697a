import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import * as z from 'zod';
import { documentClient } from '../../lib/adapters/dynamodb/client.js';
import { DynamoFindingStore } from '../../lib/adapters/dynamodb/finding-store.js';
import { DynamoScanLog } from '../../lib/adapters/dynamodb/scan-log.js';
import { SecurityHubExporter } from '../../lib/adapters/securityhub/finding-exporter.js';
import { loadEnv, required } from '../../lib/config/env.js';
import { FUNCTION_ENV } from '../../lib/config/functions.js';
import { ENV } from '../../lib/config/tables.js';
import type { SecurityHubExportDeps } from './build-handler.js';

export const SecurityHubExportEnv = z.object({
  [ENV.findingsTable]: required(),
  [FUNCTION_ENV.securityHubProductArn]: z
    .string({ error: 'is not set' })
    .regex(
      /^arn:aws[a-z-]*:securityhub:[a-z0-9-]+:\d{12}:product\/\d{12}\/default$/,
      'is not a default product ARN',
    ),
});

/** The Lambda's dependencies, built once per cold start from the environment. */
export function defaultDeps(
  env: Readonly<Record<string, string | undefined>> = process.env,
): SecurityHubExportDeps {
  const config = loadEnv(SecurityHubExportEnv, env);
  const doc = documentClient(new DynamoDBClient({}));
  const table = config[ENV.findingsTable];
  return {
    scans: new DynamoScanLog(doc, table),
    findings: new DynamoFindingStore(doc, table),
    exporter: new SecurityHubExporter(new SecurityHubClient({}), config[FUNCTION_ENV.securityHubProductArn]),
  };
}
