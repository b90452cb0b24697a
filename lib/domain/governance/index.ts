import type { Decision } from '../decision.js';
import type { RevokeRequestedDetail } from '../events.js';
import {
  type ActInput,
  approveDecision,
  cancelDecision,
  type ReviewInput,
  rejectDecision,
  reviewBreakGlass,
  revokeDecision,
} from './decide.js';
import type { GovernanceDeps } from './deps.js';
import { type SubmitInput, submitRequest } from './submit.js';
import { fileSystemRevoke } from './system-revoke.js';

export type { GovernanceDeps } from './deps.js';
export { publicDecision } from './deps.js';
export { SYSTEM_PRINCIPAL } from './principals.js';

/** The governance use cases bound to one set of dependencies. */
export interface Governance {
  readonly deps: GovernanceDeps;
  submit(input: SubmitInput): Promise<Decision>;
  approve(input: ActInput): Promise<Decision>;
  reject(input: ActInput): Promise<Decision>;
  cancel(input: ActInput): Promise<Decision>;
  revoke(input: ActInput): Promise<Decision>;
  review(input: ReviewInput): Promise<Decision>;
  /** See fileSystemRevoke: the system revoke of an expired grant, break-glass or exception. */
  fileSystemRevoke(detail: RevokeRequestedDetail): Promise<Decision | undefined>;
  /** A decision by id, or undefined. */
  get(id: string): Promise<Decision | undefined>;
}

/** Binds the governance use cases to their dependencies. */
export function createGovernance(deps: GovernanceDeps): Governance {
  return {
    deps,
    submit: (input) => submitRequest(deps, input),
    approve: (input) => approveDecision(deps, input),
    reject: (input) => rejectDecision(deps, input),
    cancel: (input) => cancelDecision(deps, input),
    revoke: (input) => revokeDecision(deps, input),
    review: (input) => reviewBreakGlass(deps, input),
    fileSystemRevoke: (detail) => fileSystemRevoke(deps, detail),
    get: (id) => deps.decisions.get(id, { consistent: true }),
  };
}
