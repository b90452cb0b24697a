import type { ProgressFn } from '../../domain/reports/common.js';
import type { CliIo } from '../io.js';

/** A progress line that rewrites itself on stderr, and the call that clears it. */
export interface Progress {
  readonly update: ProgressFn;
  readonly done: () => void;
}

/**
 * Progress on stderr, only when stderr is a terminal: piped or redirected output never carries it,
 * and stdout (the report itself) never does.
 */
export function terminalProgress(io: CliIo, what: string): Progress {
  if (!io.stderr.isTTY) return { update: () => {}, done: () => {} };
  let shown = false;
  return {
    update: (done, total, label) => {
      const pct = total > 0 ? Math.floor((done / total) * 100) : 0;
      io.stderr.write(`\r\x1b[2K${what}: ${label} (${done}/${total}, ${pct}%)`);
      shown = true;
    },
    done: () => {
      if (shown) io.stderr.write('\r\x1b[2K');
    },
  };
}
