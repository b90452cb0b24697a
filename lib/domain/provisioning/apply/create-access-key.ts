import { identityKey } from '../../identity.js';
import type { ChangeApplier } from './applier.js';

/**
 * `create-access-key`: creates a user's access key straight into its secret. A key the secret does not
 * hold can only be left from an attempt that died between CreateAccessKey and storing it: nobody has
 * its secret half, so it is deleted before the new key is made (this also keeps within IAM's two keys
 * per user).
 */
export const applyCreateAccessKey: ChangeApplier<'create-access-key'> = async (c, { iam, vault, log }) => {
  const userName = c.identity.name;
  const secretTarget = `secret:${c.secretName}`;
  const meta = await log.read(() => vault.describe(c.secretName));
  const held =
    meta && !meta.deletedAt
      ? (await log.read(() => vault.readAccessKey(c.secretName)))?.accessKeyId
      : undefined;
  const keys = await log.read(() => iam.listAccessKeys(userName));
  if (held && keys.some((k) => k.accessKeyId === held)) return log.skip('iam:CreateAccessKey', c.target);
  for (const k of keys) {
    await log.run('iam:DeleteAccessKey', `${identityKey(c.identity)}:access-key/${k.accessKeyId}`, () =>
      iam.deleteAccessKey(userName, k.accessKeyId),
    );
  }
  const material = await log.run('iam:CreateAccessKey', c.target, () => iam.createAccessKey(userName));
  const value = { userName, accessKeyId: material.accessKeyId, secretAccessKey: material.secretAccessKey };
  if (!meta) {
    await log.run('secretsmanager:CreateSecret', secretTarget, () =>
      vault.create(c.secretName, value, c.tags),
    );
  } else {
    if (meta.deletedAt)
      await log.run('secretsmanager:RestoreSecret', secretTarget, () => vault.restore(c.secretName));
    await log.run('secretsmanager:PutSecretValue', secretTarget, () => vault.putValue(c.secretName, value));
  }
  return 'ok';
};
