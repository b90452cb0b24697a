import type { Command } from 'commander';
import type { CliIo } from '../io.js';

/** A command module: adds its subcommand(s) to the program. */
export type RegisterCommand = (program: Command, io: CliIo) => void;
