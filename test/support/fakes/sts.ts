import { GetCallerIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { FAKE_ACCOUNT, type FakeIam } from './iam.js';

/**
 * STS behind aws-sdk-client-mock, backed by a FakeIam: GetCallerIdentity answers with the user whose
 * key SIGNED the request (the credentials of the client that sent it), and refuses a key that does
 * not exist, is inactive, or comes with the wrong secret, as STS does.
 */
export class FakeSts {
  readonly mock: AwsClientStub<STSClient>;
  /** The access key id each GetCallerIdentity was signed with, in order. */
  readonly signedWith: string[] = [];
  /** How many of the next calls fail as if the key had not propagated yet. */
  notYetPropagated = 0;
  /** When set, a valid key's GetCallerIdentity answers with this account and ARN instead. */
  answerAs: { account: string; arn: string } | undefined;

  constructor(private readonly iam: FakeIam) {
    const mock = mockClient(STSClient);
    this.mock = mock;
    mock.on(GetCallerIdentityCommand).callsFake(async (_input, getClient) => {
      const provider = getClient().config.credentials as () => Promise<{
        accessKeyId: string;
        secretAccessKey: string;
      }>;
      const creds = await provider();
      this.signedWith.push(creds.accessKeyId);
      const found = this.iam.findKey(creds.accessKeyId);
      const invalid = () =>
        new STSServiceException({
          name: 'InvalidClientTokenId',
          $fault: 'client',
          message: 'The security token included in the request is invalid.',
          $metadata: { httpStatusCode: 403 },
        });
      if (this.notYetPropagated > 0) {
        this.notYetPropagated -= 1;
        throw invalid();
      }
      if (found?.key.status !== 'Active' || found.key.secretAccessKey !== creds.secretAccessKey)
        throw invalid();
      if (this.answerAs) return { Account: this.answerAs.account, Arn: this.answerAs.arn, $metadata: {} };
      return {
        Account: FAKE_ACCOUNT,
        Arn: found.user.arn,
        UserId: found.user.id,
        $metadata: {},
      };
    });
  }

  restore(): void {
    this.mock.restore();
  }
}
