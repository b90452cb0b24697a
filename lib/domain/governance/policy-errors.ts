import { ForbiddenError } from '../errors.js';

/** A policy denial: the request or action is well-formed but the policy does not allow it (HTTP 403). */
export class PolicyDeniedError extends ForbiddenError {
  constructor(message: string) {
    super(message, { code: 'POLICY_DENIED' });
  }
}
