import type { RegisterCommand } from '../lib/cli/commands/index.js';

/** Placeholder replaced below. */
export const registerDemo: RegisterCommand = () => undefined;
