import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { readConfig } from './config.js';
import { NhiGovStack } from './nhi-gov-stack.js';

// Context is read once, here, validated (with the policy file), and passed down as props.
const app = new App();
const config = readConfig((key) => app.node.tryGetContext(key));

if (config.mode === 'single' || !config.organization) {
  // Environment-agnostic: synth needs no credentials and makes no lookups.
  new NhiGovStack(app, 'NhiGov', { config, description: 'nhi-gov: governance of non-human identities' });
} else {
  const org = config.organization;
  for (const member of org.memberAccounts) {
    new NhiGovStack(app, `NhiGovGovernance-${member}`, {
      config,
      part: 'governance',
      memberAccount: member,
      env: { account: org.governanceAccount, region: org.region },
      description: `nhi-gov governance (decisions, approvals) for member account ${member}`,
    });
    new NhiGovStack(app, `NhiGovMember-${member}`, {
      config,
      part: 'member',
      memberAccount: member,
      env: { account: member, region: org.region },
      description: `nhi-gov executors and scanners in member account ${member}`,
    });
  }
}

// cdk-nag on every synth: an unacknowledged finding fails `cdk synth` and `cdk deploy`.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
// cdk-nag's EventBusOpenAccess rule reads the deprecated CfnEventBusPolicy#principal to judge
// templates that set it (ours never does: the bus policy is a statement), and jsii prints a warning
// for that read. Our own code is held to no deprecated API by the tests (JSII_DEPRECATED=fail), so
// synth holds back the warning unless the caller chose a mode.
process.env.JSII_DEPRECATED ??= 'quiet';
app.synth();
