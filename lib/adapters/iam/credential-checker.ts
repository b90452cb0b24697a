import { GetCallerIdentityCommand, STSClient, type STSClientConfig } from '@aws-sdk/client-sts';
import type { CredentialChecker } from '../../ports/credential-checker.js';
import { toExternalCallError } from './aws-error.js';

/**
 * CredentialChecker on STS. Each check builds a short-lived client signed with the credentials under
 * test (never the function's own), so a key that IAM does not accept fails the check.
 */
export class StsCredentialChecker implements CredentialChecker {
  constructor(private readonly config: Omit<STSClientConfig, 'credentials'> = {}) {}

  async callerIdentity(credentials: { accessKeyId: string; secretAccessKey: string }) {
    const client = new STSClient({ ...this.config, credentials });
    try {
      const who = await client.send(new GetCallerIdentityCommand({}));
      return { arn: who.Arn ?? '', account: who.Account ?? '' };
    } catch (error) {
      // The key id is not a secret; the message names it so the failed test is traceable.
      throw toExternalCallError('sts:GetCallerIdentity', credentials.accessKeyId, error);
    }
  }
}
