/**
 * What the Lambda bundles load in place of `@aws-sdk/endpoint-cache` (an esbuild alias set in
 * infra/constructs/nhi-function.ts): the cache of DynamoDB's endpoint discovery, with its LRU
 * (mnemonist, obliterator), about 7.6 KiB per function. Endpoint discovery is off unless a client sets
 * `endpointDiscoveryEnabled` or the environment sets AWS_ENABLE_ENDPOINT_DISCOVERY, and nhi-gov does
 * neither; in the SDK version bundled, no DynamoDB command even applies the discovery middleware: the
 * client builds the cache and nothing reads it. Should a later SDK ask it for an endpoint, it has none
 * (the regional endpoint is used, as with discovery off); should anything try to discover or cache one,
 * that fails loudly instead of silently going elsewhere.
 */
const unsupported = (): never => {
  throw new Error(
    'DynamoDB endpoint discovery is not bundled into nhi-gov functions (functions/shared/no-endpoint-discovery.ts)',
  );
};

export class EndpointCache {
  /** Built by every DynamoDB client (resolveEndpointDiscoveryConfig), whatever its settings. */
  constructor(_capacity?: number) {}

  /** Asked before every call: nothing was discovered, so the client keeps its regional endpoint. */
  getEndpoint(_key: string): undefined {
    return undefined;
  }

  get = unsupported;
  set = unsupported;
  has = unsupported;
  delete = unsupported;
  clear = unsupported;
}
