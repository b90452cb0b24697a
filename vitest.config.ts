import { defineConfig } from 'vitest/config';

/** Files that start their own processes (Java, a second Node): slow, so they run in their own project. */
const E2E = [
  'test/integration/adapters/dynamodb/local-server.test.ts',
  'test/integration/local/story.test.ts',
];

export default defineConfig({
  test: {
    // One DynamoDB Local for the whole run, started on a free port and always stopped; one private
    // temporary directory for the run, which must be empty at the end (every test cleans up).
    globalSetup: ['test/support/global-setup.ts'],
    // sdk-calls.ts holds every AWS call a handler makes in the tests to its permissions declaration.
    setupFiles: ['test/support/setup.ts', 'test/support/sdk-calls.ts'],
    // Timeouts are a safety net against a hang, never a speed assertion: a loaded 2-core machine
    // must not fail a correct test.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // Two workers on the 2-core machines this runs on (vitest's default would be one): with DynamoDB
    // Local as a third process, the suite took 5 m 46 s with one worker and 4 m 41 s with two (103
    // files); with 129 files, two workers took 361 s and three 379 s on the idle machine.
    maxWorkers: 2,
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // Any deprecated CDK API used by the infrastructure fails its synth (see test/infra/support/synth.ts).
      JSII_DEPRECATED: 'fail',
    },
    projects: [
      // unit and integration run without isolation (one module registry per worker): the setup files
      // give each file the worker's environment and no SDK mock of the file before (docs/testing.md).
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], isolate: false } },
      // Everything else (integration on DynamoDB Local, security): a new test folder is never left out.
      {
        extends: true,
        test: {
          name: 'integration',
          isolate: false,
          include: ['test/**/*.test.ts'],
          exclude: ['test/unit/**', 'test/infra/**', ...E2E],
        },
      },
      // One synthesized app shared by every infra file: the files share one module registry per worker.
      { extends: true, test: { name: 'infra', include: ['test/infra/**/*.test.ts'], isolate: false } },
      { extends: true, test: { name: 'e2e', include: E2E } },
    ],
  },
});
