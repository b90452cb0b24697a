/** One problem found in an input, with the path of the offending field (`request.identity.name`). */
export interface Issue {
  readonly path: string;
  readonly message: string;
}

/** Base of every error the domain raises; `code` is stable and safe to show to callers. */
export class AppError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** The input is malformed. `issues` names every bad field, not just the first. */
export class ValidationError extends AppError {
  readonly issues: readonly Issue[];

  constructor(message: string, issues: readonly Issue[] = [], options?: { cause?: unknown }) {
    super('VALIDATION_FAILED', message, options);
    this.issues = issues;
  }
}

/** The thing asked for does not exist. */
export class NotFoundError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('NOT_FOUND', message, options);
  }
}

/** The thing exists but is in the wrong state, or someone changed it first (stale version). */
export class ConflictError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONFLICT', message, options);
  }
}

/** The caller may not do this (policy denial). */
export class ForbiddenError extends AppError {
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(options?.code ?? 'FORBIDDEN', message, options);
  }
}

/** The caller would break separation of duties: approving their own request, or an executor approving. */
export class SeparationOfDutiesError extends ForbiddenError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { ...options, code: 'SEPARATION_OF_DUTIES' });
  }
}
