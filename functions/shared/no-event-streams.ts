/**
 * What the Lambda bundles load in place of `@smithy/core/event-streams` (an esbuild alias set in
 * infra/constructs/nhi-function.ts). The SDK imports that module lazily, only to serialize an
 * operation whose input or output is an event stream; no operation nhi-gov calls has one (DynamoDB,
 * IAM, STS, Secrets Manager, EventBridge, Scheduler, Step Functions, Security Hub, S3 PutObject). Bundled, the module is about
 * 20 KiB per function. Should a future call need it, this fails loudly instead of misbehaving.
 */
const unsupported = (): never => {
  throw new Error(
    'event streams are not bundled into nhi-gov functions (functions/shared/no-event-streams.ts)',
  );
};

export class EventStreamSerde {
  constructor() {
    unsupported();
  }
}
export const eventStreamSerdeProvider = unsupported;

/**
 * The S3 client resolves its event-stream configuration when it is built (for SelectObjectContent,
 * which nhi-gov never calls): leave the marshaller out, and fail loudly only if something reads it.
 */
export function resolveEventStreamSerdeConfig<T extends object>(input: T): T {
  Object.defineProperty(input, 'eventStreamMarshaller', { get: unsupported, enumerable: false });
  return input;
}
