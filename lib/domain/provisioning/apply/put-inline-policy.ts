import { type ChangeApplier, callUnlessDone, iamName } from './applier.js';

/** `put-inline-policy`: Puts an inline policy (skipped when the plan saw the same document in place). */
export const applyPutInlinePolicy: ChangeApplier<'put-inline-policy'> = (c, { iam, log }) =>
  callUnlessDone(c, log, `iam:Put${iamName(c.identity)}Policy`, () =>
    iam.putInlinePolicy(c.identity, c.policyName, c.document),
  );
