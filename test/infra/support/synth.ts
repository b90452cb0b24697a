import type { PolicyViolation } from 'aws-cdk-lib';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { type NhiGovConfig, readConfig } from '../../../infra/config.js';
import { NhiGovStack, type NhiGovStackProps } from '../../../infra/nhi-gov-stack.js';

export const ORG = {
  organizationId: 'o-abcdef1234',
  governanceAccount: '111111111111',
  memberAccounts: ['222222222222'],
  region: 'eu-west-1',
} as const;

/** A fresh App for tests: no CloudFormation validation pass (3 s per synth), no bundling unless asked. */
export function testApp(context: Record<string, unknown> = {}, options: { bundle?: boolean } = {}): App {
  return new App({
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
  return { stack, template: Template.fromStack(stack) };
}

/** The single-account stack, as `npx cdk synth` builds it by default. */
export function synthSingle(context: Record<string, unknown> = {}): Synthesized {
  return synthStack(testApp(), 'NhiGov', { config: config(context) });
}

/** Both sides of the multi-account option for the first member account (one app, both stacks). */
export function synthMultiAccount(): { governance: Synthesized; member: Synthesized } {
  const app = testApp();
  const cfg = config({ 'nhi-gov:mode': 'multi-account', 'nhi-gov:organization': ORG });
  const member = ORG.memberAccounts[0];
  const governance = new NhiGovStack(app, `NhiGovGovernance-${member}`, {
    config: cfg,
    part: 'governance',
    memberAccount: member,
    env: { account: ORG.governanceAccount, region: ORG.region },
  });
  const memberSide = new NhiGovStack(app, `NhiGovMember-${member}`, {
    config: cfg,
    part: 'member',
    memberAccount: member,
    env: { account: member, region: ORG.region },
  });
  // Templates only after both stacks exist: the first synthesis freezes the app.
  return {
    governance: { stack: governance, template: Template.fromStack(governance) },
    member: { stack: memberSide, template: Template.fromStack(memberSide) },
  };
}

/** AwsSolutions and Serverless findings on a stack that are not acknowledged. */
export function nagViolations(stack: Stack): PolicyViolation[] {
  return [new AwsSolutionsChecks(), new ServerlessChecks()].flatMap(
    (pack) => pack.validateScope(stack).violations,
  );
}
