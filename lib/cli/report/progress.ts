import type { ProgressFn } from '../../domain/reports/common.js';
import type { CliIo } from '../io.js';

/** A progress line that rewrites itself on stderr, and the call that clears it. */
export interface Progress {
  /** Starts a phase without a counter (`starting the local store`). */
  readonly phase: (label: string) => void;
  /** Counted progress of the current phase: `done` of `total`. */
  readonly update: ProgressFn;
  readonly done: () => void;
}

/**
 * Progress on stderr, only when stderr is a terminal: piped or redirected output never carries it,
 * and stdout (the report itself) never does. The counter is monotonic: within a phase (same total) it
 * never goes back, even when work finishing out of order reports a smaller count after a larger one.
 */
export function terminalProgress(io: CliIo, what: string): Progress {
  if (!io.stderr.isTTY) return { phase: () => {}, update: () => {}, done: () => {} };
  let shown = false;
  let total = -1;
  let high = 0;
  const write = (text: string) => {
    io.stderr.write(`\r\x1b[2K${what}: ${text}`);
    shown = true;
  };
  return {
    phase: (label) => {
      total = -1;
      high = 0;
      write(label);
    },
    update: (done, newTotal, label) => {
      if (newTotal !== total) {
        total = newTotal;
        high = 0;
      }
      if (done < high) return;
      high = done;
      const pct = total > 0 ? Math.floor((done / total) * 100) : 0;
      write(`${label} (${done}/${total}, ${pct}%)`);
    },
    done: () => {
      if (shown) io.stderr.write('\r\x1b[2K');
    },
  };
}
