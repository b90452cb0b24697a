import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../../lib/cli/io.js';
import { DEFAULT_STORE_IDLE_SECONDS, storeIdleSeconds } from '../../../lib/cli/local-store.js';

const io = (env: Record<string, string>, stdinIsTTY?: boolean): CliIo => ({
  stdout: { write: () => true },
  stderr: { write: () => true },
  env,
  cwd: '/nowhere',
  now: () => new Date(0),
  ...(stdinIsTTY === undefined ? {} : { stdinIsTTY }),
});

describe('storeIdleSeconds', () => {
  it('keeps the store on an interactive terminal, and never in CI, scripts or tests', () => {
    // Act + Assert
    expect(storeIdleSeconds(io({}, true))).toBe(DEFAULT_STORE_IDLE_SECONDS);
    expect(storeIdleSeconds(io({ CI: 'true' }, true))).toBe(0);
    expect(storeIdleSeconds(io({ CI: '1' }, true))).toBe(0);
    expect(storeIdleSeconds(io({}, false))).toBe(0);
    expect(storeIdleSeconds(io({}))).toBe(0);
  });

  it('takes NHI_GOV_STORE_IDLE_SECONDS when it is a whole number, terminal or not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9_999_999 }), fc.boolean(), (seconds, tty) => {
        expect(storeIdleSeconds(io({ NHI_GOV_STORE_IDLE_SECONDS: String(seconds), CI: 'true' }, tty))).toBe(
          seconds,
        );
      }),
    );
  });

  it('refuses any other NHI_GOV_STORE_IDLE_SECONDS, naming the variable and the value', () => {
    const notWhole = fc.string({ minLength: 1 }).filter((s) => !/^\d{1,7}$/.test(s));
    fc.assert(
      fc.property(notWhole, (value) => {
        expect(() => storeIdleSeconds(io({ NHI_GOV_STORE_IDLE_SECONDS: value }, true))).toThrow(
          `NHI_GOV_STORE_IDLE_SECONDS=${value} is not a whole number of seconds`,
        );
      }),
    );
  });
});
