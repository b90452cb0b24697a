import * as z from 'zod';
import { accountIdEnv, decisionsReadScopeEnv, required } from '../../lib/config/env.js';
import { DEFAULT_SECRET_PREFIX, FUNCTION_ENV } from '../../lib/config/functions.js';
import { ENV } from '../../lib/config/tables.js';
import { DecisionEventDetail, EVENT_SOURCE } from '../../lib/domain/events.js';
import { DECISION_EVENT_STATUS } from '../../lib/domain/provisioning/verify.js';
import { EventBridgeSchema } from '../shared/eventbridge-schema.js';

/** The EventBridge events the provision function takes: decision status changes from the suite's bus. */
export const ProvisionEvent = EventBridgeSchema.extend({
  source: z.literal(EVENT_SOURCE),
  'detail-type': z.enum(Object.keys(DECISION_EVENT_STATUS) as [keyof typeof DECISION_EVENT_STATUS]),
  detail: DecisionEventDetail,
});
export type ProvisionEvent = z.infer<typeof ProvisionEvent>;

const IamPath = z.string().regex(/^\/([\w+=,.@-]+\/)+$/, 'must look like /nhi/ (start and end with /)');
const Arn = (what: string) =>
  z.string({ error: 'is not set' }).regex(/^arn:aws[a-z-]*:/, `must be ${what} ARN`);

/** The provision function's environment. */
export const ProvisionEnv = z.object({
  [ENV.decisionsTable]: required(),
  [ENV.executionsTable]: required(),
  [ENV.findingsTable]: required(),
  [ENV.idempotencyTable]: required(),
  [FUNCTION_ENV.eventBusName]: required(),
  [FUNCTION_ENV.managedPath]: IamPath.default('/nhi/'),
  [FUNCTION_ENV.permissionsBoundaryArn]: Arn('a managed policy'),
  [FUNCTION_ENV.secretPrefix]: z.string().min(1).default(DEFAULT_SECRET_PREFIX),
  [FUNCTION_ENV.scheduleGroupName]: required(),
  [FUNCTION_ENV.schedulerRoleArn]: Arn('an IAM role'),
  [FUNCTION_ENV.scheduleDeadLetterArn]: z
    .string()
    .regex(/^arn:aws[a-z-]*:sqs:/, 'must be an SQS queue ARN')
    .optional(),
  [FUNCTION_ENV.executorPrincipal]: required(),
  [FUNCTION_ENV.accountId]: accountIdEnv(),
  [FUNCTION_ENV.decisionsReadScope]: decisionsReadScopeEnv(),
  AWS_REGION: required(),
});
export type ProvisionEnv = z.infer<typeof ProvisionEnv>;
