import { type ChangeApplier, callUnlessDone, iamName } from './applier.js';

/** `detach-policy`: Detaches a managed policy (skipped when the plan saw it detached). */
export const applyDetachPolicy: ChangeApplier<'detach-policy'> = (c, { iam, log }) =>
  callUnlessDone(c, log, `iam:Detach${iamName(c.identity)}Policy`, () =>
    iam.detachPolicy(c.identity, c.policyArn),
  );
