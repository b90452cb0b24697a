/**
 * IAM exports write the same instant in several ways: `2022-08-07 12:55:43+00:00` (CLI v1, many
 * tools), `2022-08-07T12:55:43+00:00` (credential report, CLI v2), `2022-08-07T12:55:43Z`, or a
 * `Date` (SDK v3). The credential report writes "no value" as `N/A`, `not_supported` or
 * `no_information`.
 */

/** Credential report cell values that mean "no value", not an error. */
export const NO_VALUE = new Set(['', 'N/A', 'not_supported', 'no_information']);

const ISO_LIKE = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/** The outcome of reading one date: a normalized ISO-8601 UTC timestamp, nothing, or why not. */
export type DateRead = { ok: true; value: string | undefined } | { ok: false; message: string };

/** Formats an instant the way every table stores it: ISO-8601 UTC, milliseconds only when non-zero. */
export function toIsoUtc(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}

/**
 * Reads an IAM date in any of the styles real exports use; `N/A`-like values and `undefined` read as
 * no value. A string without an offset is taken as UTC, as IAM writes UTC.
 */
export function readIamDate(value: unknown): DateRead {
  if (value === undefined || value === null) return { ok: true, value: undefined };
  if (value instanceof Date) {
    return Number.isNaN(value.getTime())
      ? { ok: false, message: 'is an invalid date' }
      : { ok: true, value: toIsoUtc(value) };
  }
  if (typeof value !== 'string') return { ok: false, message: `expected a date string, got ${typeof value}` };
  const text = value.trim();
  if (NO_VALUE.has(text)) return { ok: true, value: undefined };
  const match = ISO_LIKE.exec(text);
  if (!match) {
    return {
      ok: false,
      message: `expected a date such as 2024-01-31T12:00:00+00:00 or 2024-01-31 12:00:00+00:00, got "${text}"`,
    };
  }
  const [, day, time, offset] = match;
  const zone =
    !offset || offset.toUpperCase() === 'Z'
      ? 'Z'
      : offset.includes(':')
        ? offset
        : `${offset.slice(0, 3)}:${offset.slice(3)}`;
  const parsed = new Date(`${day}T${time}${zone}`);
  // Date rolls 2025-02-30 over to March; a day that does not exist is a broken export, not a date.
  const midnight = new Date(`${day}T00:00:00Z`);
  const sameDay = !Number.isNaN(midnight.getTime()) && midnight.toISOString().startsWith(day ?? '');
  if (Number.isNaN(parsed.getTime()) || !sameDay) {
    return { ok: false, message: `"${text}" is not a real date` };
  }
  return { ok: true, value: toIsoUtc(parsed) };
}
