import { registerEvidence } from './evidence.js';
import { registerGovernance } from './governance.js';
import { registerPlan } from './plan.js';
import { registerPolicy } from './policy.js';
import type { RegisterCommand } from './register.js';
import { registerReport } from './report.js';
import { registerScan } from './scan.js';
import { registerStore } from './store.js';

export type { RegisterCommand };

/** Every command of the `nhi-gov` CLI, in the order `--help` lists them. */
export const COMMANDS: readonly RegisterCommand[] = [
  registerScan,
  registerGovernance,
  registerPlan,
  registerReport,
  registerStore,
  registerPolicy,
  registerEvidence,
];
