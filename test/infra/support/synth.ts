import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PolicyViolation } from 'aws-cdk-lib';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { afterAll } from 'vitest';
import { type NhiGovConfig, readConfig } from '../../../infra/config.js';
import { NhiGovStack, type NhiGovStackProps } from '../../../infra/nhi-gov-stack.js';
import { buildStacks, type OrganizationStacks } from '../../../infra/stacks.js';

/** The organization of the infra tests: a hub in 111111111111, members in two OUs. */
export const ORG = {
  organizationId: 'o-abcdef1234',
  hubAccount: '111111111111',
  hubRegion: 'eu-west-1',
  organizationalUnits: ['ou-ab12-cdefgh34', 'ou-ab12-ijklmn56'],
} as const;

/** The context of organization mode, with organization overrides. */
export const orgContext = (org: Record<string, unknown> = {}) => ({
  'nhi-gov:mode': 'organization',
  'nhi-gov:organization': { ...ORG, ...org },
});

/**
 * A fresh App for tests: no CloudFormation validation pass (3 s per synth), no bundling unless asked.
 * Its cloud assembly goes to a folder of its own, removed after the file's tests when the App is made
 * while the file is collected, or by the synth helpers below as soon as the templates are read.
 */
export function testApp(context: Record<string, unknown> = {}, options: { bundle?: boolean } = {}): App {
  const outdir = mkdtempSync(join(tmpdir(), 'nhi-gov-cdk-'));
  try {
    afterAll(() => removeAssembly(outdir));
  } catch {
    // Made inside a hook or a test: the synth helper that made it removes it.
  }
  return new App({
    outdir,
    context: {
      '@aws-cdk/core:builtinCloudFormationValidation': false,
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...context,
    },
  });
}

/** The configuration `cdk.json` context gives, with overrides. */
export function config(context: Record<string, unknown> = {}): NhiGovConfig {
  return readConfig((key) => context[key]);
}

export interface Synthesized {
  readonly stack: NhiGovStack;
  readonly template: Template;
}

export function synthStack(
  app: App,
  id: string,
  props: Omit<NhiGovStackProps, 'config'> & { config?: NhiGovConfig },
): Synthesized {
  const stack = new NhiGovStack(app, id, { ...props, config: props.config ?? config() });
  const template = Template.fromStack(stack);
  removeAssembly(app.outdir);
  return { stack, template };
}

/** The templates are in memory once read: the assembly on disk is no longer needed. */
function removeAssembly(outdir: string): void {
  rmSync(outdir, { recursive: true, force: true });
}

let sharedSingle: Synthesized | undefined;
let sharedOrg: OrganizationSynth | undefined;
const sharedByContext = new Map<string, Synthesized>();

/**
 * The single-account stack, as `npx cdk synth` builds it by default. Without context it is synthesized
 * once and shared by every infra test file of the worker (the `infra` project runs without isolation):
 * treat it as read-only, and use `freshSynthSingle()` to change a stack.
 */
export function synthSingle(context: Record<string, unknown> = {}): Synthesized {
  if (Object.keys(context).length > 0) {
    // Shared by context too (e.g. Security Hub on): same read-only rule.
    const key = JSON.stringify(context);
    const cached = sharedByContext.get(key) ?? freshSynthSingle(context);
    sharedByContext.set(key, cached);
    return cached;
  }
  sharedSingle ??= freshSynthSingle();
  return sharedSingle;
}

/** A single-account stack of one's own, to change. */
export function freshSynthSingle(context: Record<string, unknown> = {}): Synthesized {
  return synthStack(testApp(), 'NhiGov', { config: config(context) });
}

export interface OrganizationSynth {
  readonly hub: Synthesized;
  readonly member: Synthesized;
  readonly stacks: OrganizationStacks;
  /** Every stack of the app, by id, with its template. */
  readonly all: Record<string, Template>;
}

/** Organization mode as the app builds it (ORG), shared like `synthSingle()`: treat it as read-only. */
export function synthOrganization(): OrganizationSynth {
  sharedOrg ??= freshSynthOrganization();
  return sharedOrg;
}

/** Organization mode built by the app's own `buildStacks`, for an organization with overrides. */
export function freshSynthOrganization(org: Record<string, unknown> = {}): OrganizationSynth {
  const app = testApp();
  let stacks: OrganizationStacks;
  let all: Record<string, Template>;
  try {
    stacks = buildStacks(app, config(orgContext(org))) as OrganizationStacks;
    // Templates only after every stack exists: the first synthesis freezes the app.
    all = Object.fromEntries(
      app.node.children
        .filter((c): c is Stack => c instanceof Object && 'templateFile' in c)
        .map((stack) => [stack.node.id, Template.fromStack(stack)]),
    );
  } finally {
    removeAssembly(app.outdir);
  }
  const template = (stack: Stack) => {
    const t = all[stack.node.id];
    if (!t) throw new Error(`no template for ${stack.node.id}`);
    return t;
  };
  return {
    hub: { stack: stacks.hub, template: template(stacks.hub) },
    member: { stack: stacks.member, template: template(stacks.member) },
    stacks,
    all,
  };
}

/** AwsSolutions and Serverless findings on a stack that are not acknowledged. */
export function nagViolations(stack: Stack): PolicyViolation[] {
  // The test run fails on any deprecated CDK API (JSII_DEPRECATED=fail). cdk-nag's EventBusOpenAccess
  // rule reads CfnEventBusPolicy#principal, deprecated, to judge templates that still set it; ours
  // never does (the bus policy is a statement). The rule's read is cdk-nag's, so it is let through
  // while the packs run, and only then.
  const mode = process.env.JSII_DEPRECATED;
  process.env.JSII_DEPRECATED = 'quiet';
  try {
    return [new AwsSolutionsChecks(), new ServerlessChecks()].flatMap(
      (pack) => pack.validateScope(stack).violations,
    );
  } finally {
    if (mode === undefined) delete process.env.JSII_DEPRECATED;
    else process.env.JSII_DEPRECATED = mode;
  }
}
