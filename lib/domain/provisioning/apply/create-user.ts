import type { ChangeApplier } from './applier.js';
import { applyCreateIdentity } from './create-identity.js';

/** `create-user`: a user, whose access key is a change of its own (see `applyCreateIdentity`). */
export const applyCreateUser: ChangeApplier<'create-user'> = (c, context) => applyCreateIdentity(c, context);
