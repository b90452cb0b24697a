import * as z from 'zod';

/**
 * The EventBridge event envelope, field for field as Powertools' `EventBridgeSchema`
 * (`@aws-lambda-powertools/parser/schemas/eventbridge`). Declared here because that module imports
 * zod's named `z` namespace object, which drags all of zod's locales (about 258 KiB) into the bundle
 * of every function that uses it; see docs/performance.md.
 */
export const EventBridgeSchema = z.object({
  version: z.string(),
  id: z.string(),
  source: z.string(),
  account: z.string(),
  time: z.iso.datetime(),
  region: z.string(),
  resources: z.array(z.string()),
  'detail-type': z.string(),
  detail: z.unknown(),
  'replay-name': z.string().optional(),
});
