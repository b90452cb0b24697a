import { createHash } from 'node:crypto';
import { PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';

export interface FakeObject {
  readonly body: Uint8Array;
  readonly checksumSha256: string | undefined;
  readonly metadata: Record<string, string> | undefined;
  readonly contentType: string | undefined;
}

/**
 * An S3 bucket behind aws-sdk-client-mock, stateful on PutObject the way a bucket with the evidence
 * policy behaves: a PutObject without `If-None-Match` is AccessDenied (the bucket policy's deny),
 * `If-None-Match: *` on an existing key is 412 PreconditionFailed, and a ChecksumSHA256 that does not
 * match the body is BadDigest. Objects are kept by `<bucket>/<key>`.
 */
export class FakeS3 {
  readonly mock: AwsClientStub<S3Client>;
  readonly objects = new Map<string, FakeObject>();

  constructor() {
    this.mock = mockClient(S3Client);
    const error = (name: string, status: number) =>
      new S3ServiceException({
        name,
        $fault: 'client',
        $metadata: { httpStatusCode: status },
        message: name,
      });
    this.mock.on(PutObjectCommand).callsFake(async (input) => {
      const key = `${input.Bucket}/${input.Key}`;
      if (input.IfNoneMatch !== '*') throw error('AccessDenied', 403);
      if (this.objects.has(key)) throw error('PreconditionFailed', 412);
      const body = input.Body as Uint8Array;
      const sha = createHash('sha256').update(body).digest('base64');
      if (input.ChecksumSHA256 !== undefined && input.ChecksumSHA256 !== sha) throw error('BadDigest', 400);
      this.objects.set(key, {
        body,
        checksumSha256: input.ChecksumSHA256,
        metadata: input.Metadata,
        contentType: input.ContentType,
      });
      return { ETag: `"${sha}"`, $metadata: {} };
    });
  }
}
