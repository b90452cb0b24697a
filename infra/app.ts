import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { readConfig } from './config.js';
import { buildStacks } from './stacks.js';

// Context is read once, here, validated (with the policy file), and passed down as props.
const app = new App();
const config = readConfig((key) => app.node.tryGetContext(key));
buildStacks(app, config);

// cdk-nag on every synth: an unacknowledged finding fails `cdk synth` and `cdk deploy`.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
// cdk-nag's EventBusOpenAccess rule reads the deprecated CfnEventBusPolicy#principal to judge
// templates that set it (ours never does: the bus policy is a statement), and jsii prints a warning
// for that read. Our own code is held to no deprecated API by the tests (JSII_DEPRECATED=fail), so
// synth holds back the warning unless the caller chose a mode.
process.env.JSII_DEPRECATED ??= 'quiet';
app.synth();
