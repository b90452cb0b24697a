import { change } from '../changes.js';
import { keySecretName, provisioningTags, TAG_DECISION_ID } from '../guardrails.js';
import type { IdentityState } from '../identity-state.js';
import type { KindPlanner } from './shared.js';

function keyInPlace(state: IdentityState | undefined): boolean {
  if (!state) return false;
  if (state.keySecret) {
    const held = state.keySecret.accessKeyId;
    return (
      state.keySecret.exists && held !== undefined && state.accessKeys.some((k) => k.accessKeyId === held)
    );
  }
  // A snapshot knows nothing of secrets: an active key is the best evidence the key was made.
  return state.accessKeys.some((k) => k.active);
}

/**
 * A new role (with its trust policy) or user (with an access key straight into its secret) under the
 * managed path, bounded and tagged. An identity of that name this decision did not create is refused:
 * nhi-gov does not adopt identities.
 */
export const planCreateIdentity: KindPlanner<'create-identity'> = ({
  input,
  request,
  ref,
  key,
  refuse,
  changes,
}) => {
  const { decision, state, guardrails: g } = input;
  if (state && state.tags[TAG_DECISION_ID] !== decision.id) {
    return refuse(
      `${key} already exists (path ${state.path}) and was not created by decision ${decision.id}; nhi-gov does not adopt identities`,
    );
  }
  const tags = provisioningTags(decision, request.tags);
  if (ref.type === 'role') {
    return changes([
      change(
        {
          action: 'create-role',
          identity: ref,
          path: g.managedPath,
          permissionsBoundaryArn: g.permissionsBoundaryArn,
          // The request schema requires a trust policy for roles.
          trustPolicy: request.trustPolicy as NonNullable<typeof request.trustPolicy>,
          ...(request.description ? { description: request.description } : {}),
          tags,
        },
        state !== undefined,
      ),
    ]);
  }
  return changes([
    change(
      {
        action: 'create-user',
        identity: ref,
        path: g.managedPath,
        permissionsBoundaryArn: g.permissionsBoundaryArn,
        tags,
      },
      state !== undefined,
    ),
    change(
      {
        action: 'create-access-key',
        identity: ref,
        secretName: keySecretName(g.secretPrefix, ref.name),
        tags: provisioningTags(decision),
      },
      keyInPlace(state),
    ),
  ]);
};
