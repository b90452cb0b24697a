import type { ChangeApplier } from './applier.js';
import { applyCreateIdentity } from './create-identity.js';

/** `create-role`: a role with its trust policy (see `applyCreateIdentity`). */
export const applyCreateRole: ChangeApplier<'create-role'> = (c, context) => applyCreateIdentity(c, context);
