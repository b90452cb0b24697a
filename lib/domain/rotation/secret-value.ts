import * as z from 'zod';
import { IdentityName } from '../identity.js';

/**
 * The JSON value of a secret that holds an IAM user's access key. Extra fields are dropped; error
 * messages name fields, never values.
 */
export const AccessKeySecret = z.object({
  userName: IdentityName,
  accessKeyId: z.string().regex(/^[A-Z0-9]{16,128}$/, 'must be an access key id'),
  secretAccessKey: z.string().min(1, 'is empty'),
});
export type AccessKeySecret = z.infer<typeof AccessKeySecret>;

/** Staging labels Secrets Manager rotation uses. */
export const STAGE = { current: 'AWSCURRENT', pending: 'AWSPENDING', previous: 'AWSPREVIOUS' } as const;
