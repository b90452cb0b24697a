import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { registerEvidence } from './evidence.js';
import { registerGovernance } from './governance.js';
import { registerPlan } from './plan.js';
import { registerPolicy } from './policy.js';
import { registerReport } from './report.js';
import { registerScan } from './scan.js';
import { registerStore } from './store.js';

/** A command module: adds its subcommand(s) to the program. */
export type RegisterCommand = (program: Command, io: CliIo) => void;

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
