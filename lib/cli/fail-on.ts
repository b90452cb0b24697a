import { SEVERITY_RANK, type Severity } from '../domain/primitives.js';
import { type CliIo, EXIT, ExitCode } from './io.js';

/**
 * Applies `--fail-on` once the output is written: when any of the open findings' severities is at or
 * above the threshold, says how many on stderr (one line) and ends with exit code 1, for CI gates.
 */
export function enforceFailOn(
  io: CliIo,
  openSeverities: readonly Severity[],
  threshold: Severity | undefined,
): void {
  if (!threshold) return;
  const n = openSeverities.filter((s) => SEVERITY_RANK[s] >= SEVERITY_RANK[threshold]).length;
  if (n === 0) return;
  io.stderr.write(
    `nhi-gov: ${n} open ${n === 1 ? 'finding' : 'findings'} at or above ${threshold} (--fail-on)\n`,
  );
  throw new ExitCode(EXIT.failOn);
}
