/**
 * provision: applies approved decisions to IAM within the guardrails (docs/provisioning.md).
 *
 * Trigger: EventBridge rules on the suite's bus, `source: nhi-gov`, detail-type DecisionApproved
 * (kinds grant, break-glass, create-identity, delete-identity, revoke) and DecisionRevoked /
 * DecisionExpired (grant, break-glass). Asynchronous invoke: a thrown error is retried, then lands in
 * the function's dead-letter queue.
 *
 * AWS permissions: declared once, as typed data, in lib/config/permissions/provision.ts (actions, resources,
 * conditions, each with its reason). infra builds this function's role from it; test/infra/declared-permissions.test.ts
 * holds the template to it and test/support/sdk-calls.ts holds every SDK call this handler makes in the tests to it.
 */
import { buildHandler } from './build-handler.js';
import { defaultDeps } from './wiring.js';

export { buildHandler, type ProvisionHandlerDeps } from './build-handler.js';

export const handler = buildHandler(defaultDeps());
