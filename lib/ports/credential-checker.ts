/** Tests a pair of credentials by asking STS who they belong to. */
export interface CredentialChecker {
  /**
   * STS GetCallerIdentity made WITH the given credentials (not the function's own).
   * @throws ExternalCallError when AWS does not accept them (e.g. `InvalidClientTokenId`).
   */
  callerIdentity(credentials: {
    accessKeyId: string;
    secretAccessKey: string;
  }): Promise<{ arn: string; account: string }>;
}
