import { describe, expect, it, vi } from 'vitest';
import {
  failedTaskOrThrown,
  httpErrorResponse,
  refusedOrThrown,
} from '../../../../functions/shared/error-outcomes.js';
import {
  AppError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  SeparationOfDutiesError,
  ValidationError,
} from '../../../../lib/domain/errors.js';
import type { TaskCallback } from '../../../../lib/ports/task-callback.js';

const fail = (error: unknown) => async () => {
  throw error;
};

describe('error outcomes per entry-point kind', () => {
  it('HTTP: maps each domain error to its status and hides anything else behind a logged 500', () => {
    // Arrange
    const logError = vi.fn();
    const internal = new Error('table arn:aws:dynamodb:...:table/secret-name throttled');

    // Act
    const statuses = [
      new ValidationError('bad', [{ path: 'x', message: 'bad' }]),
      new ForbiddenError('no'),
      new SeparationOfDutiesError('own request'),
      new NotFoundError('none'),
      new ConflictError('raced'),
      new AppError('SOMETHING_ELSE', 'domain but unmapped'),
      internal,
    ].map((e) => httpErrorResponse(e, logError));

    // Assert
    expect(statuses.map((r) => r.statusCode)).toEqual([400, 403, 403, 404, 409, 500, 500]);
    expect(JSON.parse(String(statuses[0]?.body))).toMatchObject({
      error: 'VALIDATION_FAILED',
      issues: [{ path: 'x' }],
    });
    expect(JSON.parse(String(statuses[2]?.body)).error).toBe('SEPARATION_OF_DUTIES');
    expect(statuses[6]?.body).not.toContain('secret-name');
    expect(logError).toHaveBeenCalledTimes(2);
  });

  it('EventBridge: returns a refusal for a domain error but a conflict, and throws everything else', async () => {
    // Arrange
    const warn = vi.fn();

    // Act / Assert
    await expect(refusedOrThrown(fail(new ValidationError('bad detail')), warn)).resolves.toEqual({
      refused: 'VALIDATION_FAILED',
      message: 'bad detail',
    });
    await expect(refusedOrThrown(fail(new ConflictError('raced')), warn)).rejects.toBeInstanceOf(
      ConflictError,
    );
    await expect(refusedOrThrown(fail(new Error('throttled')), warn)).rejects.toThrow('throttled');
    await expect(refusedOrThrown(async () => ({ ok: 1 }), warn)).resolves.toEqual({ ok: 1 });
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('Step Functions: fails the waiting task with the code for a domain error, and throws without a token or for anything else', async () => {
    // Arrange
    const callback: TaskCallback = { succeed: vi.fn(), fail: vi.fn(async () => 'sent' as const) };

    // Act / Assert
    await expect(failedTaskOrThrown(fail(new ConflictError('raced')), 'tok', callback)).resolves.toEqual({
      refused: 'CONFLICT',
      message: 'raced',
    });
    await expect(
      failedTaskOrThrown(fail(new ForbiddenError('no')), undefined, callback),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(failedTaskOrThrown(fail(new Error('throttled')), 'tok', callback)).rejects.toThrow(
      'throttled',
    );
    expect(callback.fail).toHaveBeenCalledTimes(1);
    expect(callback.fail).toHaveBeenCalledWith('tok', 'CONFLICT', 'raced');
  });
});
