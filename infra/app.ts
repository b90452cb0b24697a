import { App } from 'aws-cdk-lib';
import { normalizeIamPath } from '../lib/domain/identity.js';
import { NhiGovStack } from './nhi-gov-stack.js';

// Context is read once, here, and passed down as props.
const app = new App();
const managedPath = normalizeIamPath(String(app.node.tryGetContext('nhi-gov:managedPath') ?? '/nhi/'));
new NhiGovStack(app, 'NhiGov', { managedPath, description: 'nhi-gov: governance of non-human identities' });
app.synth();
