import { resolve } from 'node:path';
import { DynamoPolicyBindingStore, type PolicyBinding } from '../adapters/dynamodb/policy-binding-store.js';
import { DEFAULT_POLICY_PATH, loadPolicyFile } from '../config/policy-file.js';
import { ForbiddenError } from '../domain/errors.js';
import { derivedId } from '../domain/governance/deps.js';
import { approverBasis, highestTier, isOperator } from '../domain/governance/policy-evaluation.js';
import { parsePolicy } from '../domain/policy/parse.js';
import type { Policy } from '../domain/policy/schema.js';
import type { CliIo } from './io.js';
import type { Stores } from './local-store.js';

/** The id denied `policy set` attempts are kept under (evidence beside no decision). */
export const POLICY_SET_EVIDENCE_ID = derivedId('local-policy-binding').slice(0, 26);

function bindingStore(stores: Stores): DynamoPolicyBindingStore {
  return new DynamoPolicyBindingStore(stores.doc, stores.names.decisions);
}

/**
 * Reads a `--policy` file before the store starts (a bad file writes nothing), or undefined without one.
 * @throws ValidationError for an unreadable or invalid file.
 */
export function requestedPolicy(io: CliIo, file: string | undefined): Policy | undefined {
  return file ? loadPolicyFile(resolve(io.cwd, file)) : undefined;
}

/** The policy a local store is bound to, read only (nothing is bound): undefined when none is yet. */
export async function currentPolicy(stores: Stores): Promise<Policy | undefined> {
  const current = await bindingStore(stores).current();
  return current ? fromBinding(current) : undefined;
}

function fromBinding(binding: PolicyBinding): Policy {
  return parsePolicy(
    binding.document,
    `${binding.source} (bound to this store by ${binding.setBy} at ${binding.setAt})`,
  );
}

/**
 * The policy a local store is bound to. The first command on a new store binds it (to `--policy`, or
 * the default file) and records who and when; afterwards every command uses the bound rules, and a
 * `--policy` naming other rules is refused: no single command may swap the rules for its own request.
 * @throws ForbiddenError (`POLICY_NOT_BOUND`) when `requested` differs from the bound policy.
 */
export async function boundPolicy(
  stores: Stores,
  input: { requested?: Policy; actor?: string; command: string; now: Date },
): Promise<Policy> {
  const store = bindingStore(stores);
  const current = await store.current();
  if (!current) {
    const policy = input.requested ?? loadPolicyFile(DEFAULT_POLICY_PATH);
    await store.set({
      version: policy.version,
      document: JSON.stringify(policy.document),
      source: policy.source,
      setBy: input.actor ?? `first use (nhi-gov ${input.command})`,
      setAt: input.now.toISOString(),
      revision: 1,
    });
    return policy;
  }
  if (input.requested && input.requested.version !== current.version)
    throw new ForbiddenError(
      `--policy ${input.requested.source} (${input.requested.version}) is not the policy this local store is bound to (${current.version}, set by ${current.setBy} at ${current.setAt}); a command cannot swap the rules for its own request. Change the store's policy with \`nhi-gov policy set <file> --as <arn>\``,
      { code: 'POLICY_NOT_BOUND' },
    );
  return fromBinding(current);
}

/**
 * `nhi-gov policy set`: binds the store to new rules, recorded with the hash, the previous hash, who
 * and when. Only an approver of the current policy's highest tier who is not an operator may.
 * @returns the new binding, or the current one when the rules are unchanged (nothing written).
 * @throws ForbiddenError (recorded as a denied attempt) when the actor may not change the policy.
 */
export async function setBoundPolicy(
  stores: Stores,
  input: { policy: Policy; actor: string; now: Date },
): Promise<{ binding: PolicyBinding; changed: boolean }> {
  const store = bindingStore(stores);
  const currentPolicy = await boundPolicy(stores, {
    actor: input.actor,
    command: 'policy set',
    now: input.now,
  });
  const current = (await store.current()) as PolicyBinding;
  if (current.version === input.policy.version) return { binding: current, changed: false };
  const tier = highestTier(currentPolicy);
  if (isOperator(currentPolicy, input.actor) || !approverBasis(currentPolicy, tier, input.actor)) {
    const error = new ForbiddenError(
      `${input.actor} may not change the local store's policy: only an approver of the current policy's highest tier ("${tier}") who is not an operator may`,
      { code: 'POLICY_DENIED' },
    );
    await stores.decisions.recordDeniedAttempt({
      decisionId: POLICY_SET_EVIDENCE_ID,
      at: input.now.toISOString(),
      actor: input.actor,
      action: 'policy set',
      code: error.code,
      reason: error.message,
    });
    throw error;
  }
  const binding: PolicyBinding = {
    version: input.policy.version,
    document: JSON.stringify(input.policy.document),
    source: input.policy.source,
    setBy: input.actor,
    setAt: input.now.toISOString(),
    previousVersion: current.version,
    revision: current.revision + 1,
  };
  await store.set(binding);
  return { binding, changed: true };
}

/** The store's binding and every change of it, oldest first (undefined on a store never used). */
export async function policyHistory(
  stores: Stores,
): Promise<{ current?: PolicyBinding; history: PolicyBinding[] }> {
  const store = bindingStore(stores);
  const current = await store.current();
  return { ...(current ? { current } : {}), history: await store.history() };
}
