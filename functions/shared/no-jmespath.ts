/**
 * What the Lambda bundles load in place of `@aws-lambda-powertools/jmespath` (esbuild aliases set in
 * infra/constructs/nhi-function.ts). Powertools Idempotency imports it statically, but uses it only
 * for `eventKeyJmesPath` and `payloadValidationJmesPath`, and nhi-gov sets neither: the executors pass
 * the idempotency key itself as the hashed argument (functions/shared/remember-acted-on.ts). Bundled,
 * the package is about 23 KiB per executor. Should a future config need it, this fails loudly.
 */
export function search(): never {
  throw new Error('JMESPath is not bundled into nhi-gov functions (functions/shared/no-jmespath.ts)');
}

/** Constructed by IdempotencyConfig as the default custom functions; never called without `search`. */
export class PowertoolsFunctions {}
