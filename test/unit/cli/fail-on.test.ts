import { describe, expect, it } from 'vitest';
import { enforceFailOn } from '../../../lib/cli/fail-on.js';
import { type CliIo, ExitCode } from '../../../lib/cli/io.js';
import type { Severity } from '../../../lib/domain/primitives.js';

function gate(severities: Severity[], threshold: Severity | undefined): { code: number; stderr: string } {
  let stderr = '';
  const io = { stderr: { write: (t: string) => (stderr += t) } } as unknown as CliIo;
  try {
    enforceFailOn(io, severities, threshold);
    return { code: 0, stderr };
  } catch (error) {
    if (error instanceof ExitCode) return { code: error.code, stderr };
    throw error;
  }
}

describe('enforceFailOn', () => {
  it('fails at the threshold itself and above it, counting only those findings', () => {
    expect(gate(['medium'], 'medium')).toEqual({
      code: 1,
      stderr: 'nhi-gov: 1 open finding at or above medium (--fail-on)\n',
    });
    expect(gate(['low', 'high', 'critical'], 'high')).toEqual({
      code: 1,
      stderr: 'nhi-gov: 2 open findings at or above high (--fail-on)\n',
    });
  });

  it('passes below the threshold, with nothing open, or without --fail-on', () => {
    expect(gate(['medium'], 'high')).toEqual({ code: 0, stderr: '' });
    expect(gate([], 'info')).toEqual({ code: 0, stderr: '' });
    expect(gate(['critical'], undefined)).toEqual({ code: 0, stderr: '' });
  });
});
