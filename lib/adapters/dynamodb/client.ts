import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * DynamoDB Local keeps one database per access key and region, so local mode and the tests always use
 * this one pair. They are not secrets; DynamoDB Local accepts any value.
 */
export const LOCAL_CREDENTIALS = { accessKeyId: 'nhigovlocal', secretAccessKey: 'nhigovlocal' } as const;
export const LOCAL_REGION = 'us-east-1';

/** A document client that drops `undefined` attributes, so optional fields never reach the table. */
export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

/** A client for DynamoDB Local at `endpoint`, with the one local credential pair. */
export function localDynamoClient(endpoint: string, extra: DynamoDBClientConfig = {}): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 3,
    ...extra,
  });
}
