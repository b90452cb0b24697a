import type { ChangeApplier } from './applier.js';

/** `delete-key-secret`: deletes a deleted user's key secret, with a recovery window (skipped when already gone). */
export const applyDeleteKeySecret: ChangeApplier<'delete-key-secret'> = async (c, context) => {
  const { vault, log } = context;
  const meta = await log.read(() => vault.describe(c.secretName));
  if (!meta || meta.deletedAt) return log.skip('secretsmanager:DeleteSecret', c.target);
  return log.run('secretsmanager:DeleteSecret', c.target, () =>
    vault.delete(c.secretName, context.secretRecoveryWindowDays),
  );
};
