import * as z from 'zod';
import { BOUNDS } from '../../lib/domain/bounds.js';

/**
 * The input the state machine gives the task (waitForTaskToken). `requester` is set in the state
 * machine definition by the infrastructure (the state machine's role ARN), never taken from the
 * workflow's own input, so a workflow cannot choose who it requests as. A direct invoke can still put
 * anything here, so the handler accepts only the ARNs in TASK_REQUESTER_ARNS.
 */
export const GovernanceTaskInput = z.strictObject({
  taskToken: z.string().min(1).max(1024),
  request: z.unknown(),
  requester: z.string().min(1).max(BOUNDS.principalArnLength),
});
export type GovernanceTaskInput = z.infer<typeof GovernanceTaskInput>;
