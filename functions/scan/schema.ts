import * as z from 'zod';
import { IsoTimestamp } from '../../lib/domain/primitives.js';

/**
 * The scan's event: whatever EventBridge Scheduler (or a rule) delivers, with an optional `asOf` to
 * rerun a past day. Anything else in the payload is ignored.
 */
export const ScanEvent = z.looseObject({ asOf: IsoTimestamp.optional() }).nullish();
export type ScanEvent = z.infer<typeof ScanEvent>;
