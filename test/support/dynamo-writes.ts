import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * Records every DynamoDB write request this process sends, at the wire: every SDK client (the test's,
 * the CLI's in-process, a handler's own) sends through the same HTTP handler class, so nothing that
 * writes can go around it. A refusal test asserts, per case, that no write request was even sent;
 * that costs nothing, where comparing every table after every case cost seconds per thousand cases.
 * The fuzz files still compare whole tables once at the end, so a write by any other channel is
 * caught as well.
 */

/** The DynamoDB operations that can change an item (PartiQL counts: a statement can be a write). */
const WRITE_OPERATIONS: ReadonlySet<string> = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
  'ExecuteStatement',
  'BatchExecuteStatement',
  'ExecuteTransaction',
]);

/** One write request as sent: the operation and its JSON body (item, key, condition). */
export interface DynamoWrite {
  readonly operation: string;
  readonly body: string;
}

export interface DynamoWriteRecorder {
  /** The write requests sent since the last `take()` (or since recording began), and forget them. */
  take(): DynamoWrite[];
  /** Puts the HTTP handler back as it was. */
  stop(): void;
}

/** The part of the SDK's HTTP request the recorder reads. */
interface HttpRequest {
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

type Handle = (request: HttpRequest, options?: unknown) => Promise<unknown>;

function httpHandlerPrototype(): { handle: Handle } {
  const probe = new DynamoDBClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'probe', secretAccessKey: 'probe' },
  });
  const handler = probe.config.requestHandler as object;
  probe.destroy();
  const prototype = Object.getPrototypeOf(handler) as { handle?: Handle };
  if (typeof prototype.handle !== 'function')
    throw new Error(
      'the DynamoDB client has no request handler with handle(): the write recorder needs updating',
    );
  return prototype as { handle: Handle };
}

/** The JSON body as text: the SDK sends it as a string or as bytes. */
function bodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (ArrayBuffer.isView(body))
    return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  return '';
}

export function recordDynamoWrites(): DynamoWriteRecorder {
  const prototype = httpHandlerPrototype();
  const original = prototype.handle;
  let writes: DynamoWrite[] = [];
  prototype.handle = function recordingHandle(this: unknown, request: HttpRequest, options?: unknown) {
    const target = request.headers?.['x-amz-target'] ?? request.headers?.['X-Amz-Target'] ?? '';
    const operation = target.startsWith('DynamoDB_') ? target.slice(target.indexOf('.') + 1) : '';
    if (WRITE_OPERATIONS.has(operation)) writes.push({ operation, body: bodyText(request.body) });
    return original.call(this, request, options);
  };
  return {
    take: () => {
      const taken = writes;
      writes = [];
      return taken;
    },
    stop: () => {
      prototype.handle = original;
    },
  };
}

/** Write requests as short lines, for an assertion message a person can read. */
export function describeWrites(writes: readonly DynamoWrite[]): string[] {
  return writes.map((w) => `${w.operation} ${w.body.slice(0, 300)}`);
}
