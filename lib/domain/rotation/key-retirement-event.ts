import * as z from 'zod';

export const KEY_RETIREMENT_ACTIONS = ['deactivate', 'delete'] as const;
export type KeyRetirementAction = (typeof KEY_RETIREMENT_ACTIONS)[number];

/** What a key-retirement schedule sends the rotation function. It names, it never proves. */
export const KeyRetirementEvent = z.strictObject({
  kind: z.literal('KeyRetirementDue'),
  schemaVersion: z.literal('1'),
  action: z.enum(KEY_RETIREMENT_ACTIONS),
  /** The secret's name or ARN. */
  secretId: z.string().min(1).max(2048),
  /** IAM access key ids: 16 to 128 word characters. */
  accessKeyId: z.string().regex(/^\w{16,128}$/, 'must be an IAM access key id'),
});
export type KeyRetirementEvent = z.infer<typeof KeyRetirementEvent>;
