import { type ChangeApplier, callUnlessDone, iamName } from './applier.js';

/** `delete-inline-policy`: Deletes an inline policy (skipped when the plan saw it gone). */
export const applyDeleteInlinePolicy: ChangeApplier<'delete-inline-policy'> = (c, { iam, log }) =>
  callUnlessDone(c, log, `iam:Delete${iamName(c.identity)}Policy`, () =>
    iam.deleteInlinePolicy(c.identity, c.policyName),
  );
