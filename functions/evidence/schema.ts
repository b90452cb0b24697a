import * as z from 'zod';
import { IsoTimestamp } from '../../lib/domain/primitives.js';

/**
 * The evidence function's event: whatever EventBridge Scheduler delivers (the previous period is
 * computed from the clock), or an explicit `{ from, to }` to write a past period again (a new package:
 * earlier ones are never replaced). Anything else in the payload is ignored.
 */
export const EvidenceEvent = z
  .looseObject({ from: IsoTimestamp.optional(), to: IsoTimestamp.optional() })
  .refine((e) => (e.from === undefined) === (e.to === undefined), 'give both from and to, or neither')
  .refine((e) => e.from === undefined || e.to === undefined || e.from < e.to, 'from must be before to')
  .nullish();
export type EvidenceEvent = z.infer<typeof EvidenceEvent>;
