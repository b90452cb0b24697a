/**
 * What the Lambda bundles use in place of `@aws-sdk/credential-provider-node` (an esbuild alias set in
 * infra/constructs/nhi-function.ts): the environment credentials the Lambda runtime gives every
 * function. On Lambda the SDK's default chain returns exactly these (its first link, `fromEnv`); its
 * other links (SSO, ini files, process, web identity, container and instance metadata) and the
 * STS/SSO clients they load are about 100 KiB that never run there. Not for SnapStart, which hands
 * credentials over a container endpoint instead; nhi-gov does not use SnapStart.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

type Credentials = Awaited<ReturnType<ReturnType<typeof fromEnv>>>;

export const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}) => fromEnv(init);

/** As `@aws-sdk/credential-provider-node` exports them. */
export const credentialsWillNeedRefresh = (credentials?: Credentials) =>
  credentials?.expiration !== undefined;
export const credentialsTreatedAsExpired = (credentials?: Credentials) =>
  credentials?.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300_000;
