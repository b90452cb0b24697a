import { type Command, Option } from 'commander';
import type * as z from 'zod';
import { type Issue, ValidationError } from '../domain/errors.js';
import { formatIssues, toIssues } from '../domain/validation.js';
import { type CliIo, UsageError } from './io.js';
import { OUTPUT_FORMATS, type OutputFormat } from './output.js';
import { checkOutputPath, writeOutputFile } from './output-file.js';

/**
 * The one command-line contract (docs/cli.md): every command that prints something takes
 * `-f, --format <format>` from the one set table|json|csv|html and `-o, --output <file>`; commands
 * that act as someone take a required `--as <principalArn>`; gates take `--fail-on <severity>`.
 * Option values are validated here so errors name the flags the user typed.
 */

const SEVERITY_VALUES = 'info, low, medium, high or critical';

/** The camelCase option key commander gives a flag, back to the flag: `failOn` → `--fail-on`. */
export function flagOf(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * Validates options as commander collected them.
 * @throws ValidationError naming every bad option by its flag (`--fail-on: must be ...`).
 */
export function parseCliOptions<S extends z.ZodType>(schema: S, raw: Record<string, unknown>): z.output<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issues: Issue[] = toIssues(result.error).map((i) => {
    if (i.path === '(root)') return i;
    const [head, ...rest] = i.path.split(/(?=[.[])/);
    return { path: `${flagOf(head ?? '')}${rest.join('')}`, message: i.message };
  });
  throw new ValidationError(`invalid options: ${formatIssues(issues)}`, issues);
}

/** `-f, --format` and `-o, --output`: the same two flags on every command that prints a result. */
export function addOutputOptions(cmd: Command, formats: readonly OutputFormat[] = OUTPUT_FORMATS): Command {
  return cmd
    .addOption(new Option('-f, --format <format>', `output format: ${formats.join(', ')}`).default('table'))
    .option('-o, --output <file>', 'write the output to this file instead of stdout (folders are created)');
}

/** `--fail-on <severity>`: the CI gate. */
export function addFailOnOption(cmd: Command): Command {
  return cmd.option(
    '--fail-on <severity>',
    `exit 1 when an open finding is at or above this severity (${SEVERITY_VALUES})`,
  );
}

/** `--as <principalArn>`: who acts, in local mode; listed under "Required:" in --help. */
export function asOption(): Option {
  return new Option(
    '--as <principalArn>',
    'the IAM principal ARN you act as (local mode; the deployed API takes it from IAM authentication)',
  )
    .makeOptionMandatory()
    .helpGroup('Required:');
}

/**
 * Checks `--format` against the formats a command produces.
 * @throws ValidationError naming `--format` when the value is not in the one set, or the command has no such form.
 */
export function formatOf(value: unknown, what: string, formats: readonly OutputFormat[]): OutputFormat {
  const all = OUTPUT_FORMATS as readonly string[];
  const asked = String(value ?? 'table');
  if (!all.includes(asked)) {
    throw new ValidationError(`invalid options: --format: must be one of ${OUTPUT_FORMATS.join(', ')}`, [
      { path: '--format', message: `must be one of ${OUTPUT_FORMATS.join(', ')}` },
    ]);
  }
  if (!(formats as readonly string[]).includes(asked)) {
    throw new UsageError(
      `--format ${asked}: ${what} has no ${asked} form; use --format ${formats.join(', ')}`,
    );
  }
  return asked as OutputFormat;
}

/**
 * Checks `-o, --output` before a command does anything (main.ts runs it as commander's preAction hook
 * for every command): a directory or a place that cannot be written exits 2 naming `--output`, so
 * no command stores its results and then fails to deliver them.
 * @throws UsageError naming `--output`, the path and the reason.
 */
export function checkOutputOption(io: CliIo, output: unknown): void {
  if (typeof output === 'string' && output.length > 0) checkOutputPath(io, '--output', output);
}

/** Writes a command's result to `--output` (creating folders) or to stdout. */
export function deliverOutput(io: CliIo, text: string, output: string | undefined): void {
  if (!output) {
    io.stdout.write(text);
    return;
  }
  writeOutputFile(io, checkOutputPath(io, '--output', output), text);
}

/** The examples block every `--help` ends with. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}
