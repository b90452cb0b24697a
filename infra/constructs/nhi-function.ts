import { join } from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { type PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  FUNCTION_ENTRIES,
  FUNCTION_ENV,
  type FunctionId,
  METRICS_NAMESPACE,
} from '../../lib/config/functions.js';
import type { PermissionOptions } from '../../lib/config/permissions/types.js';
import { policyFileAsJson } from '../../lib/config/policy-file.js';
import { REPO_ROOT, SUITE_ROLE_NAME_PREFIX, SUITE_ROLE_PATH } from '../config.js';
import { deadLetterQueue } from './dead-letter-queue.js';
import { declaredPolicyStatements, isOwnStatement, type PermissionTargets } from './permissions.js';

/** The Lambda runtime every function runs on, and the esbuild target that matches it. */
export const RUNTIME = Runtime.NODEJS_24_X;
export const ESBUILD_TARGET = 'node24';

/**
 * ESM bundles have no `require`; some dependencies still call it (the SDK's and Powertools' CommonJS
 * paths). Without this banner the function crashes on load with "Dynamic require of ... is not supported".
 */
export const ESM_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * Where the policy lands inside a bundle that reads it, and the path the function is told. The policy
 * file is read and validated at synth time and shipped as JSON, so no function carries a YAML parser.
 */
export const POLICY_FILE_IN_BUNDLE = 'policy.json';
export const POLICY_FILE_RUNTIME_PATH = `/var/task/${POLICY_FILE_IN_BUNDLE}`;

/**
 * The esbuild options NodejsFunction uses for every function; scripts/bundle-sizes.ts bundles with the
 * same ones so the sizes it reports are the deployed ones.
 */
export const BUNDLE_OPTIONS = {
  format: 'esm',
  platform: 'node',
  target: ESBUILD_TARGET,
  mainFields: ['module', 'main'],
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  banner: ESM_BANNER,
  // The SDK is bundled: the function runs the exact client versions the tests ran, not the runtime's.
  external: [] as string[],
  /**
   * Modules replaced in every bundle by a Lambda-only module (each file says why it is safe): the
   * SDK's default credential chain by the environment credentials Lambda provides, the SDK's
   * lazily loaded event-stream serde, which no call of the suite uses (about 120 KiB per function),
   * Powertools' JMESPath, which idempotency imports but nhi-gov never configures (23 KiB), and
   * DynamoDB's endpoint-discovery cache, which nhi-gov never switches on (7.6 KiB).
   */
  alias: {
    '@aws-sdk/credential-provider-node': join(REPO_ROOT, 'functions/shared/lambda-credentials.ts'),
    '@smithy/core/event-streams': join(REPO_ROOT, 'functions/shared/no-event-streams.ts'),
    '@aws-lambda-powertools/jmespath': join(REPO_ROOT, 'functions/shared/no-jmespath.ts'),
    '@aws-lambda-powertools/jmespath/functions': join(REPO_ROOT, 'functions/shared/no-jmespath.ts'),
    '@aws-sdk/endpoint-cache': join(REPO_ROOT, 'functions/shared/no-endpoint-discovery.ts'),
  } as Readonly<Record<string, string>>,
} as const;

export interface NhiFunctionProps {
  readonly id: FunctionId;
  readonly description: string;
  /** Environment beyond the Powertools variables this construct sets. */
  readonly environment: Readonly<Record<string, string>>;
  readonly logRetention: RetentionDays;
  readonly timeout?: Duration;
  readonly memorySize?: number;
  /** Copy this policy file into the bundle and point POLICY_FILE at it. */
  readonly policyFile?: string;
  /**
   * Invoked asynchronously (EventBridge, Scheduler, Secrets Manager): failed invocations go to an
   * on-failure destination queue after Lambda's own retries. Synchronous callers see the error instead.
   */
  readonly asynchronous: boolean;
  /** A fixed function name, when the function's own policy must name it (a self-reference by ARN would be a cycle). */
  readonly functionName?: string;
  /** Why a statement beyond X-Ray's needs `Resource: "*"` (an API without resource-level permissions). */
  readonly wildcardResourceReason?: string;
}

/**
 * A shell command that writes `content` to `path` (bundling hooks are shell commands). The content
 * travels base64-encoded, so no character of it can reach the shell.
 */
export function writeFileCommand(path: string, content: string): string {
  const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;
  const script = 'require("node:fs").writeFileSync(process.argv[1], Buffer.from(process.argv[2], "base64"))';
  return `node -e ${quote(script)} ${quote(path)} ${Buffer.from(content).toString('base64')}`;
}

/** `governanceApi` -> `governance-api`: function ids in role and service names. */
export const kebab = (id: string) => id.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * One suite function: its own role (named `nhi-gov-<function>-<region>` under the suite's role path,
 * with no managed policies: every permission is an explicit statement added by the concern that owns
 * the function), its own log group, X-Ray tracing, Powertools configuration, and the local esbuild
 * ESM bundle of its handler.
 */
export class NhiFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  /** On-failure destination of asynchronous invocations (absent for synchronous functions). */
  readonly failures?: Queue;
  readonly functionId: FunctionId;

  constructor(scope: Construct, id: string, props: NhiFunctionProps) {
    super(scope, id);
    this.functionId = props.id;
    const service = `nhi-gov-${kebab(props.id)}`;

    this.role = new Role(this, 'Role', {
      roleName: `${SUITE_ROLE_NAME_PREFIX}${kebab(props.id)}-${Stack.of(this).region}`,
      path: SUITE_ROLE_PATH,
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `nhi-gov ${props.id}: ${props.description}`,
    });
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Instead of AWSLambdaBasicExecutionRole (logs:* on every log group): this function's group only
    // (its declaration's statements on its own resources; the concern that owns it adds the rest).
    for (const statement of declaredPolicyStatements(
      this,
      props.id,
      { logGroupArn: this.logGroup.logGroupArn },
      { which: isOwnStatement },
    ))
      this.role.addToPrincipalPolicy(statement);

    if (props.asynchronous) this.failures = deadLetterQueue(this, 'FailedInvocations');
    // Read and validated here, at synth time: a bad policy fails the synth, not a cold start.
    const policyJson = props.policyFile ? policyFileAsJson(props.policyFile) : undefined;

    this.fn = new NodejsFunction(this, 'Function', {
      entry: join(REPO_ROOT, FUNCTION_ENTRIES[props.id]),
      handler: 'handler',
      ...(props.functionName ? { functionName: props.functionName } : {}),
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      runtime: RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      description: `nhi-gov ${props.id}: ${props.description}`,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      tracing: Tracing.ACTIVE,
      ...(this.failures
        ? { onFailure: new SqsDestination(this.failures), retryAttempts: 2, maxEventAge: Duration.hours(6) }
        : {}),
      environment: {
        ...props.environment,
        [FUNCTION_ENV.powertoolsServiceName]: service,
        [FUNCTION_ENV.powertoolsMetricsNamespace]: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        // Stack traces point at the TypeScript sources through the bundled source maps.
        NODE_OPTIONS: '--enable-source-maps',
        ...(policyJson ? { [FUNCTION_ENV.policyFile]: POLICY_FILE_RUNTIME_PATH } : {}),
      },
      bundling: {
        format: OutputFormat.ESM,
        target: BUNDLE_OPTIONS.target,
        mainFields: [...BUNDLE_OPTIONS.mainFields],
        minify: BUNDLE_OPTIONS.minify,
        sourceMap: BUNDLE_OPTIONS.sourcemap,
        sourcesContent: BUNDLE_OPTIONS.sourcesContent,
        banner: BUNDLE_OPTIONS.banner,
        bundleAwsSDK: true,
        externalModules: [],
        // esbuild's size table and "Done in" line are noise in synth and test output; warnings and
        // errors still print (docs/bundle-sizes.md has the sizes).
        logLevel: LogLevel.WARNING,
        esbuildArgs: {
          '--alias': Object.entries(BUNDLE_OPTIONS.alias).map(([from, to]) => `${from}=${to}`),
        },
        // Never Docker: the local esbuild from devDependencies bundles, or synth fails loudly.
        forceDockerBundling: false,
        ...(policyJson
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (_input: string, output: string) => [
                  writeFileCommand(join(output, POLICY_FILE_IN_BUNDLE), policyJson),
                ],
              },
            }
          : {}),
      },
    });

    // X-Ray's PutTraceSegments/PutTelemetryRecords have no resource-level permissions.
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `The X-Ray statement CDK adds for active tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) uses Resource "*": X-Ray has no resource-level permissions.${props.wildcardResourceReason ? ` ${props.wildcardResourceReason}` : ''} Every other statement names its resources.`,
    });
    if (!this.failures) {
      Validations.of(this.fn).acknowledge(
        {
          id: 'Serverless-LambdaDLQ',
          reason:
            'Invoked synchronously (API Gateway, Step Functions): the caller receives the error and retries; there is no asynchronous event to dead-letter.',
        },
        {
          id: 'Serverless-LambdaAsyncFailureDestination',
          reason:
            'Invoked synchronously (API Gateway, Step Functions): the caller receives the error; there is no asynchronous invocation to route on failure.',
        },
      );
    } else {
      Validations.of(this.fn).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason:
          'Failed asynchronous invocations go to an on-failure destination queue (FailedInvocations) instead of a DLQ: the destination record keeps the request context and error.',
      });
    }
  }

  /** Adds an explicit statement to this function's own role. */
  allow(statement: PolicyStatement): this {
    this.role.addToPrincipalPolicy(statement);
    return this;
  }

  /**
   * Grants what the function's permissions declaration (lib/config/permissions/) lists beyond its own
   * log group, its symbols resolved to `targets`: the one way a function's role gets its permissions.
   */
  grantDeclared(targets: PermissionTargets, options: PermissionOptions = {}): this {
    for (const statement of declaredPolicyStatements(this, this.functionId, targets, {
      ...options,
      which: (s) => !isOwnStatement(s),
    }))
      this.allow(statement);
    return this;
  }
}
