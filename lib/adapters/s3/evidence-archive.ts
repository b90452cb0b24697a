import { createHash } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ConflictError } from '../../domain/errors.js';
import { MANIFEST_FILE } from '../../domain/evidence/manifest.js';
import type { EvidenceArchive } from '../../ports/evidence-archive.js';

const CONTENT_TYPES: Record<string, string> = {
  json: 'application/json',
  csv: 'text/csv; charset=utf-8',
  html: 'text/html; charset=utf-8',
  yaml: 'application/yaml',
};

/**
 * The evidence bucket. Every PutObject carries `If-None-Match: *` (S3 refuses to replace an existing
 * key; the bucket policy and the role's condition refuse a PutObject without it) and the object's
 * SHA-256 (S3 checks the body against it and keeps it, so the stored checksum matches the manifest).
 * Retention comes from the bucket's default Object Lock configuration: the writer never sets it.
 */
export class S3EvidenceArchive implements EvidenceArchive {
  constructor(
    private readonly s3: Pick<S3Client, 'send'>,
    private readonly bucket: string,
  ) {}

  async putPackage(
    prefix: string,
    files: ReadonlyMap<string, Uint8Array>,
    options: { readonly packageDigest: string },
  ): Promise<string[]> {
    // The manifest goes last: a package whose manifest is present was written completely.
    const paths = [...files.keys()].sort((a, b) =>
      a === MANIFEST_FILE ? 1 : b === MANIFEST_FILE ? -1 : a.localeCompare(b),
    );
    const keys: string[] = [];
    for (const path of paths) {
      const body = files.get(path) as Uint8Array;
      const key = `${prefix}${path}`;
      try {
        await this.s3.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: key,
            Body: body,
            IfNoneMatch: '*',
            ChecksumSHA256: createHash('sha256').update(body).digest('base64'),
            ContentType: CONTENT_TYPES[path.split('.').pop() ?? ''] ?? 'application/octet-stream',
            ...(path === MANIFEST_FILE ? { Metadata: { 'package-digest': options.packageDigest } } : {}),
          }),
        );
      } catch (error) {
        const name = (error as Error).name;
        if (
          name === 'PreconditionFailed' ||
          (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 412
        ) {
          throw new ConflictError(
            `s3://${this.bucket}/${key} already exists; evidence is never overwritten`,
            {
              cause: error,
            },
          );
        }
        throw error;
      }
      keys.push(key);
    }
    return keys;
  }
}
