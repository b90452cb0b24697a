/**
 * rotate: Secrets Manager rotation function for the secrets that hold IAM user access keys
 * (createSecret / setSecret / testSecret / finishSecret), and on-demand rotation from approved
 * `rotate` decisions (docs/provisioning.md).
 *
 * Triggers: Secrets Manager (rotation of secrets named <SECRET_PREFIX>*; lambda:InvokeFunction for
 * secretsmanager.amazonaws.com), and an EventBridge rule on the suite's bus, `source: nhi-gov`,
 * detail-type DecisionApproved, detail.kind rotate (asynchronous: errors are retried, then the DLQ); and
 * EventBridge Scheduler one-time schedules (`KeyRetirementDue`) when a replaced key is due to be
 * deactivated or deleted (the state is re-checked: the event proves nothing).
 *
 * AWS permissions: declared once, as typed data, in lib/config/permissions/rotate.ts (actions, resources,
 * conditions, each with its reason). infra builds this function's role from it; test/infra/declared-permissions.test.ts
 * holds the template to it and test/support/sdk-calls.ts holds every SDK call this handler makes in the tests to it.
 */
import { buildHandler } from './build-handler.js';
import { defaultDeps } from './wiring.js';

export { buildHandler, type RotateHandlerDeps } from './build-handler.js';

export const handler = buildHandler(defaultDeps());
