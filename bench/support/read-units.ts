import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** A DynamoDB client that asks for and adds up the consumed capacity of every read. */
export function countingClient(endpoint: string) {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'nhigovlocal', secretAccessKey: 'nhigovlocal' },
  });
  const counted = { readUnits: 0, requests: 0 };
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = (args as { input: Record<string, unknown> }).input;
      input.ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
      for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : [])
        counted.readUnits += (c as { CapacityUnits?: number }).CapacityUnits ?? 0;
      counted.requests++;
      return result;
    },
    { step: 'initialize', name: 'countReadUnits' },
  );
  return { client, counted };
}
