import { ForbiddenError } from '../../lib/domain/errors.js';
import type { Governance } from '../../lib/domain/governance/index.js';
import { parseCaller, principalKey } from '../../lib/domain/governance/principals.js';
import { parseOrThrow } from '../../lib/domain/validation.js';
import type { TaskCallback } from '../../lib/ports/task-callback.js';
import { failedTaskOrThrown, type Refusal } from '../shared/error-outcomes.js';
import { GovernanceTaskInput } from './schema.js';

export interface TaskDeps {
  /** Only the use case this function runs (the wiring binds nothing else, to keep the bundle small). */
  readonly governance: Pick<Governance, 'submit'>;
  readonly callback: TaskCallback;
  /** The only requesters this entry files for: the workflow roles (TASK_REQUESTER_ARNS). */
  readonly requesterArns: readonly string[];
  readonly warn?: (message: string, details: Record<string, unknown>) => void;
}

export type TaskResult = { readonly decisionId: string; readonly status: string } | Refusal;

/**
 * Submits the request with the task token stored on the decision (the token is the idempotency key, so
 * a retried invocation files nothing new). The workflow is answered by governance-callback when the
 * decision is final; a refused request (invalid, policy denial) fails the task at once with the error
 * code (`VALIDATION_FAILED`, `POLICY_DENIED`, ...) for the state machine's Catch. A requester that is
 * not in `requesterArns` (compared canonically) is refused with `FORBIDDEN` before anything is written.
 */
export function buildHandler(deps: TaskDeps) {
  // Canonical form, so a session of a listed role (assumed-role/<name>/<session>) is that role too.
  const allowed = new Set(deps.requesterArns.map(principalKey));
  return async (event: unknown): Promise<TaskResult> => {
    const token =
      event && typeof event === 'object' && typeof (event as { taskToken?: unknown }).taskToken === 'string'
        ? (event as { taskToken: string }).taskToken
        : undefined;
    return failedTaskOrThrown<TaskResult>(
      async () => {
        const input = parseOrThrow(GovernanceTaskInput, event, 'Step Functions task input');
        // Strict parse first: a malformed requester is invalid input (VALIDATION_FAILED), nothing written.
        const requester = parseCaller(input.requester, 'requester');
        if (!allowed.has(principalKey(requester))) {
          // A direct invoke naming someone else: file nothing (there is no decision to keep evidence on).
          deps.warn?.('task refused: requester not in TASK_REQUESTER_ARNS', { requester: input.requester });
          throw new ForbiddenError(
            `requester ${input.requester} is not a workflow role this entry accepts (TASK_REQUESTER_ARNS); nothing was filed`,
          );
        }
        const decision = await deps.governance.submit({
          request: input.request,
          requester: input.requester,
          source: 'step-functions',
          taskToken: input.taskToken,
          idempotencyKey: input.taskToken,
        });
        return { decisionId: decision.id, status: decision.status };
      },
      // Only refusals are answered here; anything else is retried by Lambda/Step Functions.
      token,
      deps.callback,
    );
  };
}
