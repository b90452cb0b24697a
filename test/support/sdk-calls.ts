import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Client } from '@smithy/core/client';
import { afterAll } from 'vitest';
import type { FunctionId } from '../../lib/config/functions.js';
import { functionOfStack, type Need, needsOf, uncoveredNeeds } from './sdk-call-coverage.js';

/**
 * Holds every AWS SDK call a handler makes during the tests to its function's permissions declaration
 * (lib/config/permissions/), the second half of the two-way permissions check (the first is
 * test/infra/declared-permissions.test.ts). Loaded for every test file (vitest setupFiles).
 *
 * Calls are seen at both doors a call can take: `Client.prototype.send` of @smithy/core (every real
 * client, e.g. DynamoDB Local, Powertools' idempotency layer) and every sinon stub aws-sdk-client-mock
 * puts on a client's `send` (mocked IAM, Secrets Manager, Scheduler, ...). A call belongs to the function
 * whose code is on its stack (async frames included); a call with no handler on its stack (a test
 * seeding data) is not checked. An uncovered call fails the test file, naming the function, the action
 * and the table. Set NHI_GOV_SDK_CALLS_OUT=<file> to append every attributed call as a JSON line.
 */

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
// Async stack traces through middy, Powertools and the use cases are deeper than V8's default 10.
Error.stackTraceLimit = Math.max(Error.stackTraceLimit, 100);

interface Violation {
  readonly fn: FunctionId;
  readonly call: string;
  readonly missing: readonly Need[];
}
/**
 * One recorder per worker process: with `isolate: false` this setup file runs again before every test
 * file in the same module context, so the patches below are put on once and the state kept beside them.
 */
interface RecorderState {
  readonly violations: Violation[];
  readonly seen: Set<string>;
  /** The `send` stubs aws-sdk-client-mock put on clients during the current test file. */
  readonly stubs: { restore?: () => void }[];
  patched: boolean;
}
const STATE_KEY = Symbol.for('nhi-gov.sdk-calls');
const shared = globalThis as Record<symbol, RecorderState | undefined>;
const state: RecorderState = shared[STATE_KEY] ?? {
  violations: [],
  seen: new Set<string>(),
  stubs: [],
  patched: false,
};
shared[STATE_KEY] = state;
const { violations, seen } = state;

function record(client: unknown, command: unknown, stack: string): void {
  try {
    const fn = functionOfStack(stack, REPO_ROOT);
    if (!fn) return;
    const clientName = (client as { constructor?: { name?: string } })?.constructor?.name ?? '<no client>';
    const commandName = (command as { constructor?: { name?: string } })?.constructor?.name ?? '<no command>';
    const input = ((command as { input?: unknown })?.input ?? {}) as Record<string, unknown>;
    const needs = needsOf(clientName, commandName, input);
    const out = process.env.NHI_GOV_SDK_CALLS_OUT;
    if (out) for (const need of needs) appendFileSync(out, `${JSON.stringify({ fn, ...need })}\n`);
    const missing = uncoveredNeeds(fn, needs);
    const call = `${clientName}.${commandName}`;
    const key = `${fn} ${call} ${JSON.stringify(missing)}`;
    if (missing.length > 0 && !seen.has(key)) {
      seen.add(key);
      violations.push({ fn, call, missing });
    }
  } catch (error) {
    // The recorder must never change what the code under test sees.
    violations.push({ fn: 'scan', call: `<recorder failed: ${String(error)}>`, missing: [] });
  }
}

// Real clients.
if (!state.patched) {
  state.patched = true;
  patchRealClients();
  patchMockedClients();
}

function patchRealClients(): void {
  const realSend = Client.prototype.send;
  Client.prototype.send = function send(
    this: Client<never, never, never, never>,
    command: unknown,
    ...rest: unknown[]
  ) {
    record(this, command, new Error().stack ?? '');
    return (realSend as (...args: unknown[]) => unknown).call(this, command, ...rest);
  } as typeof Client.prototype.send;
}

// Mocked clients: aws-sdk-client-mock stubs `send` with `sinon.stub(client.prototype, 'send')`, looked up
// on the sinon module at call time; each such stub records its calls here as they happen.
function patchMockedClients(): void {
  const sinon = createRequire(createRequire(import.meta.url).resolve('aws-sdk-client-mock'))('sinon') as {
    stub: (...args: unknown[]) => { invoke: (fn: unknown, thisValue: unknown, args: unknown[]) => unknown };
  };
  const realStub = sinon.stub;
  sinon.stub = function stub(this: unknown, ...args: unknown[]) {
    const created = realStub.apply(this, args);
    if (args[1] === 'send' && created) state.stubs.push(created as { restore?: () => void });
    if (args[1] === 'send' && created && typeof created.invoke === 'function') {
      const invoke = created.invoke;
      created.invoke = function recordedInvoke(
        this: unknown,
        fn: unknown,
        thisValue: unknown,
        callArgs: unknown[],
      ) {
        record(thisValue, callArgs[0], new Error().stack ?? '');
        return invoke.call(this, fn, thisValue, callArgs);
      };
    }
    return created;
  } as typeof sinon.stub;
}

// A mock left on a client class must not answer for it in the next file of the same worker (the unit
// and integration projects run without isolation: vitest.config.ts).
afterAll(() => {
  for (const stub of state.stubs.splice(0)) stub.restore?.();
});

afterAll(() => {
  if (violations.length === 0) return;
  const lines = violations.map(
    (v) =>
      `${v.fn}: ${v.call} needs ${v.missing.map((n) => (n.resource ? `${n.action} on ${n.resource}` : n.action)).join(', ')}`,
  );
  violations.length = 0;
  throw new Error(
    `A handler called AWS beyond its permissions declaration (lib/config/permissions/):\n${lines.join('\n')}`,
  );
});
