import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { EndpointCache } from '../../../../functions/shared/no-endpoint-discovery.js';
import { bundleOptions } from '../../../../scripts/lib/bundle-functions.js';

const dir = mkdtempSync(join(tmpdir(), 'nhi-gov-no-endpoint-discovery-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A DynamoDB call through a client bundled as the functions are (the alias in place), answered by a
// fake HTTP handler that records where the request went.
const ENTRY = `
import { Readable } from 'node:stream';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
export async function getItem() {
  const hosts = [];
  const client = new DynamoDBClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'example' },
    maxAttempts: 1,
    requestHandler: {
      handle: async (request) => {
        hosts.push(request.hostname);
        const body = Readable.from([Buffer.from('{"Item":{"id":{"S":"x"}}}')]);
        return { response: { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body } };
      },
    },
  });
  const out = await client.send(new GetItemCommand({ TableName: 't', Key: { id: { S: 'x' } } }));
  return { hosts, item: out.Item };
}
`;

describe('no-endpoint-discovery (the bundles’ stand-in for @aws-sdk/endpoint-cache)', () => {
  it('lets a bundled DynamoDB client call its regional endpoint, without the LRU cache in the bundle', async () => {
    // Arrange
    const entry = join(dir, 'entry.mjs');
    const out = join(dir, 'out', 'index.mjs');
    writeFileSync(entry, ENTRY);
    const { metafile } = await build({
      ...bundleOptions(entry, out),
      nodePaths: [join(process.cwd(), 'node_modules')],
    });

    // Act
    const { getItem } = (await import(pathToFileURL(out).href)) as {
      getItem: () => Promise<{ hosts: string[]; item: unknown }>;
    };
    const result = await getItem();

    // Assert
    expect(result).toEqual({ hosts: ['dynamodb.eu-west-1.amazonaws.com'], item: { id: { S: 'x' } } });
    const code = readFileSync(out, 'utf8');
    expect(code).toContain('DynamoDB endpoint discovery is not bundled');
    expect(Object.keys(metafile.inputs).filter((p) => /mnemonist|endpoint-cache/.test(p))).toEqual([]);
  });

  it('has no endpoint to give, and refuses loudly to discover or cache one', () => {
    // Arrange
    const cache = new EndpointCache(1000);

    // Act / Assert
    expect(cache.getEndpoint('key')).toBeUndefined();
    for (const call of [
      () => cache.get(),
      () => cache.set(),
      () => cache.has(),
      () => cache.delete(),
      () => cache.clear(),
    ])
      expect(call).toThrow(/endpoint discovery is not bundled into nhi-gov functions/);
  });
});
