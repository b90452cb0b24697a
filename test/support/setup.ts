import 'aws-sdk-client-mock-vitest/extend';
import { afterAll } from 'vitest';
import { removeDefaultPolicyJsonFile } from './policy.js';

// Tests that point POLICY_FILE at the default policy as JSON leave no file behind.
afterAll(removeDefaultPolicyJsonFile);
