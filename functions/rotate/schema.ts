import * as z from 'zod';
import { accountIdEnv, decisionsReadScopeEnv, required } from '../../lib/config/env.js';
import {
  DEFAULT_KEY_SCHEDULE_GROUP,
  DEFAULT_SECRET_PREFIX,
  FUNCTION_ENV,
} from '../../lib/config/functions.js';
import { ENV } from '../../lib/config/tables.js';
import { BOUNDS } from '../../lib/domain/bounds.js';
import { DecisionEventDetail, EVENT_SOURCE } from '../../lib/domain/events.js';
import { DEFAULT_KEY_RETIREMENT, KEY_RETIREMENT_LIMITS } from '../../lib/domain/rotation/key-retirement.js';
import { ROTATION_STEPS } from '../../lib/domain/rotation/rotate-secret.js';
import { EventBridgeSchema } from '../shared/eventbridge-schema.js';

/** What Secrets Manager sends a rotation function, once per step. */
export const SecretsManagerRotationEvent = z.object({
  Step: z.enum(ROTATION_STEPS),
  SecretId: z.string().min(1).max(BOUNDS.secretIdLength),
  ClientRequestToken: z.string().min(32).max(64),
  RotationToken: z.string().optional(),
});
export type SecretsManagerRotationEvent = z.infer<typeof SecretsManagerRotationEvent>;

/** An approved `rotate` decision from the suite's bus. */
export const RotateDecisionEvent = EventBridgeSchema.extend({
  source: z.literal(EVENT_SOURCE),
  'detail-type': z.literal('DecisionApproved'),
  detail: DecisionEventDetail,
});
export type RotateDecisionEvent = z.infer<typeof RotateDecisionEvent>;

/** The rotation function's environment. */
export const RotateEnv = z.object({
  [ENV.decisionsTable]: required(),
  [ENV.executionsTable]: required(),
  [ENV.findingsTable]: required(),
  [ENV.idempotencyTable]: required(),
  [FUNCTION_ENV.eventBusName]: required(),
  [FUNCTION_ENV.secretPrefix]: z.string().min(1).default(DEFAULT_SECRET_PREFIX),
  [FUNCTION_ENV.executorPrincipal]: required(),
  [FUNCTION_ENV.accountId]: accountIdEnv(),
  [FUNCTION_ENV.decisionsReadScope]: decisionsReadScopeEnv(),
  [FUNCTION_ENV.keyScheduleGroupName]: z.string().min(1).default(DEFAULT_KEY_SCHEDULE_GROUP),
  [FUNCTION_ENV.keySchedulerRoleArn]: required(),
  [FUNCTION_ENV.rotateFunctionArn]: required(),
  [FUNCTION_ENV.keyDeactivateDelayHours]: z.coerce
    .number()
    .int()
    .min(0)
    .max(KEY_RETIREMENT_LIMITS.maxDeactivateDelayHours)
    .default(DEFAULT_KEY_RETIREMENT.deactivateDelayHours),
  [FUNCTION_ENV.keyDeleteGraceDays]: z.coerce
    .number()
    .int()
    .min(0)
    .max(KEY_RETIREMENT_LIMITS.maxDeleteGraceDays)
    .default(DEFAULT_KEY_RETIREMENT.deleteGraceDays),
});
export type RotateEnv = z.infer<typeof RotateEnv>;
