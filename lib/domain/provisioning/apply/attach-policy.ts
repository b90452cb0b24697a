import { type ChangeApplier, callUnlessDone, iamName } from './applier.js';

/** `attach-policy`: Attaches a managed policy (skipped when the plan saw it attached). */
export const applyAttachPolicy: ChangeApplier<'attach-policy'> = (c, { iam, log }) =>
  callUnlessDone(c, log, `iam:Attach${iamName(c.identity)}Policy`, () =>
    iam.attachPolicy(c.identity, c.policyArn),
  );
