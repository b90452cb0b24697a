import type { CallOutcome } from '../../../ports/iam-admin.js';
import { ExternalCallError } from '../errors.js';
import { isUnderManagedPath, TAG_DECISION_ID } from '../guardrails.js';
import { type ApplyContext, type ChangeOf, iamName } from './applier.js';

/** True when an identity that already exists is the one this decision created (a retried create). */
async function createdBy(
  c: ChangeOf<'create-role' | 'create-user'>,
  context: ApplyContext,
): Promise<boolean> {
  const state = await context.iam.getIdentity(c.identity);
  return (
    state !== undefined &&
    state.tags[TAG_DECISION_ID] === context.decision.id &&
    isUnderManagedPath(state.path, context.managedPath)
  );
}

/**
 * `create-role` and `create-user`: creates the identity under the managed path with its boundary and
 * tags. An identity that appeared between the plan's read and the create counts as done only when this
 * decision made it.
 */
export function applyCreateIdentity(
  c: ChangeOf<'create-role' | 'create-user'>,
  context: ApplyContext,
): Promise<CallOutcome> {
  const { iam, log } = context;
  const api = `iam:Create${iamName(c.identity)}`;
  if (c.alreadyDone) return Promise.resolve(log.skip(api, c.target));
  return log.run(api, c.target, async () => {
    try {
      return await iam.createIdentity({
        identity: c.identity,
        path: c.path,
        permissionsBoundaryArn: c.permissionsBoundaryArn,
        tags: c.tags,
        ...(c.action === 'create-role' ? { trustPolicy: c.trustPolicy } : {}),
        ...(c.action === 'create-role' && c.description ? { description: c.description } : {}),
      });
    } catch (error) {
      // Someone (or an earlier attempt of ours) made it between our read and our create.
      if (error instanceof ExternalCallError && error.awsCode === 'EntityAlreadyExists') {
        if (await createdBy(c, context)) return 'already-done' as const;
      }
      throw error;
    }
  });
}
