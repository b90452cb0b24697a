import * as z from 'zod';
import { ValidationError } from './errors.js';

/**
 * Storage bounds: every input field is bounded so that the item it ends up in stays storable in
 * DynamoDB for its whole life (every approval up to the largest quorum, every history entry, the
 * revoke, the review). docs/data-model.md ("Bounds") has the table of bounds and why.
 *
 * A value beyond a bound is invalid input (ValidationError: exit 2 on the CLI, 400 on HTTP), named by
 * its field, never a DynamoDB error at write time.
 */

/** DynamoDB's own hard limits (Developer Guide, "Quotas": items, attributes, data types). */
export const DYNAMODB_LIMITS = {
  /** Item size, attribute names included. */
  itemBytes: 400 * 1024,
  /** Partition key value (tables and global secondary indexes). */
  partitionKeyBytes: 2048,
  /** Sort key value (tables and global secondary indexes). */
  sortKeyBytes: 1024,
  /** Nesting of maps and lists in one attribute value. */
  nestingLevels: 32,
  /** Significant digits of a number. */
  numberDigits: 38,
  /** Smallest positive magnitude of a number (1E-130). */
  numberMinMagnitude: 1e-130,
  /** Numbers must stay below 1E+126 in magnitude (the largest is 9.99...E+125). */
  numberMaxMagnitudeExclusive: 1e126,
} as const;

/** IAM's own limits, which the IAM-shaped inputs already live under. */
export const IAM_LIMITS = {
  /** Role and user names. */
  nameLength: 64,
  /** IAM paths (`/nhi/payments/`). */
  pathLength: 512,
  /** Any ARN. */
  arnLength: 2048,
  /** Tags per role or user, and the lengths of a tag key and value. */
  tags: 50,
  tagKeyLength: 128,
  tagValueLength: 256,
  /** The largest policy document IAM takes (an inline role policy; managed policies: 6,144). */
  policyDocumentChars: 10_240,
} as const;

/**
 * The bounds of every input field. Lengths are in Unicode code points (what zod's `max` counts); a
 * code point is at most 4 bytes of UTF-8, which the item-size arithmetic below assumes.
 */
export const BOUNDS = {
  /**
   * A principal ARN (requester, approver, reviewer, operator). The approval item's sort key is
   * `APPROVAL#<arn>` and must fit DynamoDB's 1,024-byte sort key; IAM's longest principal ARN (a
   * 512-character path and a 64-character name) is about 620 characters.
   */
  principalArnLength: 1000,
  /** A managed policy ARN (IAM's ARN limit). */
  policyArnLength: IAM_LIMITS.arnLength,
  /** Free text that says why: justification, risk. */
  reasonLength: 2000,
  /** A note on an approval, rejection, revoke or review (also the API's `note`). */
  noteLength: 2000,
  /**
   * A certification review note: the revoke it files carries it in its justification together with the
   * campaign's name (200) and id (64), which must still fit the justification's 2,000.
   */
  reviewNoteLength: 1500,
  /** Owner (team, e-mail or principal ARN) and ticket reference. */
  ownerLength: 256,
  ticketLength: 256,
  /** A create-identity description (IAM's role description limit is 1,000). */
  descriptionLength: 1000,
  /** Compensating controls of a risk acceptance: how many, and how long each. */
  compensatingControls: 20,
  compensatingControlLength: 500,
  /** A Secrets Manager secret id or ARN (Secrets Manager's own limit). */
  secretIdLength: 2048,
  /** A policy document (IAM's largest document), as UTF-8 bytes of its JSON. */
  documentBytes: IAM_LIMITS.policyDocumentChars,
  /**
   * Nesting of a policy document. IAM's grammar needs 5 levels (document, Statement list, statement,
   * Condition operator, condition key list); a document sits at most 3 levels deep in a stored item,
   * so 16 stays far inside DynamoDB's 32.
   */
  documentDepth: 16,
  /** Just-in-time grants: at least a minute, at most a (leap) year. */
  durationHoursMin: 1 / 60,
  durationHoursMax: 24 * 366,
  /** Break-glass: at most a (leap) year in minutes; the policy's ceiling is far lower. */
  durationMinutesMax: 24 * 60 * 366,
  /** Certification campaigns. */
  campaignNameLength: 200,
  campaignIdentities: 500,
  campaignPatternLength: 140,
  /** The largest quorum a policy tier may ask for (approvals stored on one decision). */
  maxQuorum: 10,
  /** Policy file: names, patterns and lists. */
  policyNameLength: 128,
  policyPatternLength: 2048,
  policyListLength: 1000,
  /** Policy durations: a ten-year ceiling keeps every computed date a valid ISO timestamp. */
  policyDaysMax: 3660,
  policyHoursMax: 24 * 3660,
  /** A caller-chosen idempotency key or Step Functions task token (hashed into the decision id). */
  idempotencyKeyLength: 1024,
  /** The accounts one request may name (`accounts`, `--account`): one decision is stored per account. */
  requestAccounts: 100,
  /** EventBridge envelope fields recorded in evidence (`source`, `detail-type`). */
  eventSourceLength: 256,
  eventDetailTypeLength: 128,
} as const;

// In `u` mode a surrogate range matches only unpaired halves: text that cannot be encoded as UTF-8.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** True when `text` is well-formed Unicode (encodable as UTF-8, as DynamoDB stores strings). */
export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

const WELL_FORMED = 'must be valid Unicode text (it holds an unpaired surrogate)';

/**
 * A bounded, well-formed text field. `min` applies after trimming when `trim` is set.
 */
export function boundedText(
  max: number,
  options: { min?: number; minMessage?: string; trim?: boolean } = {},
): z.ZodString {
  let schema = z.string();
  if (options.trim) schema = schema.trim();
  if (options.min !== undefined) schema = schema.min(options.min, options.minMessage);
  return schema.max(max, `must be at most ${max} characters`).refine(isWellFormedText, WELL_FORMED);
}

/** True when DynamoDB can store `n` as a number attribute. */
export function isStorableNumber(n: number): boolean {
  if (!Number.isFinite(n)) return false;
  const magnitude = Math.abs(n);
  return (
    magnitude === 0 ||
    (magnitude >= DYNAMODB_LIMITS.numberMinMagnitude &&
      magnitude < DYNAMODB_LIMITS.numberMaxMagnitudeExclusive)
  );
}

/** A problem in a free-form JSON value, with its path below the value. */
export interface JsonIssue {
  readonly path: (string | number)[];
  readonly message: string;
}

/**
 * Checks a free-form JSON value (a policy document) against the storage bounds: nesting depth,
 * numbers in DynamoDB's range, well-formed text, no `__proto__` keys, and its UTF-8 size.
 */
export function jsonStorageIssues(
  value: unknown,
  limits: { maxDepth: number; maxBytes: number },
): JsonIssue[] {
  const issues: JsonIssue[] = [];
  const walk = (v: unknown, path: (string | number)[], depth: number): void => {
    if (issues.length >= 10) return;
    if (typeof v === 'number') {
      if (!isStorableNumber(v))
        issues.push({
          path,
          message: `number ${v} is outside what can be stored (0, or a magnitude from 1E-130 to below 1E+126)`,
        });
      return;
    }
    if (typeof v === 'string') {
      if (!isWellFormedText(v)) issues.push({ path, message: WELL_FORMED });
      return;
    }
    if (v === null || typeof v !== 'object') return;
    if (depth >= limits.maxDepth) {
      issues.push({ path, message: `nests deeper than ${limits.maxDepth} levels` });
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        walk(item, [...path, i], depth + 1);
      });
      return;
    }
    for (const [key, item] of Object.entries(v)) {
      if (key === '__proto__' || key === '' || !isWellFormedText(key)) {
        issues.push({ path: [...path, key], message: 'is not an allowed key' });
        continue;
      }
      walk(item, [...path, key], depth + 1);
    }
  };
  walk(value, [], 0);
  if (issues.length === 0) {
    const bytes = Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
    if (bytes > limits.maxBytes)
      issues.push({ path: [], message: `is ${bytes} bytes of JSON; at most ${limits.maxBytes} are allowed` });
  }
  return issues;
}

/**
 * Problems no schema can see, because parsing drops them: own `__proto__` keys (copying them would
 * set a prototype, so the key silently vanishes or turns the object into another) and nesting deeper
 * than DynamoDB can store. Checked on the raw input before any schema runs.
 */
export function structureIssues(value: unknown): JsonIssue[] {
  const issues: JsonIssue[] = [];
  const walk = (v: unknown, path: (string | number)[], depth: number): void => {
    if (issues.length >= 10 || v === null || typeof v !== 'object') return;
    if (depth >= DYNAMODB_LIMITS.nestingLevels) {
      issues.push({ path, message: `nests deeper than ${DYNAMODB_LIMITS.nestingLevels} levels` });
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        walk(item, [...path, i], depth + 1);
      });
      return;
    }
    if (Object.hasOwn(v, '__proto__'))
      issues.push({ path: [...path, '__proto__'], message: 'is not an allowed key' });
    for (const [key, item] of Object.entries(v)) walk(item, [...path, key], depth + 1);
  };
  walk(value, [], 0);
  return issues;
}

/** A zod check for a policy document: adds one issue per storage problem found. */
export function storableDocument(value: unknown, ctx: z.RefinementCtx): void {
  for (const issue of jsonStorageIssues(value, {
    maxDepth: BOUNDS.documentDepth,
    maxBytes: BOUNDS.documentBytes,
  }))
    ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
}

/**
 * The size DynamoDB counts for an item (attribute names plus values), computed from the rules in the
 * Developer Guide: strings as UTF-8 bytes, numbers as up to 21 bytes, 3 bytes per map or list plus 1
 * per element, 1 byte for booleans and null. Rounded up where the rules leave room.
 */
export function dynamoItemBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number') return 21;
  if (typeof value === 'boolean' || value === null) return 1;
  if (value === undefined) return 0;
  if (Array.isArray(value)) return value.reduce<number>((n, v) => n + 1 + dynamoItemBytes(v), 3);
  if (typeof value === 'object') {
    let n = 3;
    for (const [key, v] of Object.entries(value)) {
      if (v === undefined) continue;
      n += Buffer.byteLength(key, 'utf8') + 1 + dynamoItemBytes(v);
    }
    return n;
  }
  return 0;
}

/** Worst-case UTF-8 bytes of a text field of `length` code points. */
const textBytes = (length: number) => 4 * length;

/** Key and index attributes a stored decision carries beside its fields (pk, sk, gsi1..gsi3). */
const KEY_ATTRIBUTES_BYTES = 1024;
const TIMESTAMP_BYTES = 24;
/** An approval: approver, timestamp and basis (`auto-approve:<rule>`, `tier <name>: ...`). */
const APPROVAL_BYTES =
  64 + BOUNDS.principalArnLength + TIMESTAMP_BYTES + 64 + textBytes(BOUNDS.policyNameLength);
/** A history entry: actor, action, version and a note (a caller's note plus what governance adds). */
const HISTORY_ENTRY_BYTES =
  64 + TIMESTAMP_BYTES + BOUNDS.principalArnLength + 32 + 21 + textBytes(BOUNDS.noteLength) + 512;

/**
 * What a decision can still grow by over its life: an approval per quorum member, a history entry for
 * each of them plus submit, approve, end (revoke/expire), review and a revoke on review, the status
 * reason, the review and expiry fields.
 */
export function lifetimeGrowthBytes(requiredApprovals: number): number {
  const approvals = Math.max(requiredApprovals, 1);
  return (
    approvals * APPROVAL_BYTES +
    (approvals + 5) * HISTORY_ENTRY_BYTES +
    textBytes(BOUNDS.noteLength) +
    512 +
    BOUNDS.principalArnLength +
    6 * TIMESTAMP_BYTES +
    128
  );
}

/**
 * Refuses a new decision that could not be stored for its whole life, whatever the field bounds:
 * its size now, its key attributes and everything it can still grow by must fit DynamoDB's item size.
 * @throws ValidationError naming the request when it would not fit.
 */
export function assertStorableForLife(decision: { readonly requiredApprovals: number }): void {
  const now = dynamoItemBytes(decision);
  const total = now + KEY_ATTRIBUTES_BYTES + lifetimeGrowthBytes(decision.requiredApprovals);
  if (total > DYNAMODB_LIMITS.itemBytes)
    throw new ValidationError(
      `invalid request: it is ${now} bytes; with room for its approvals, history and revoke it would need ${total} of the ${DYNAMODB_LIMITS.itemBytes} bytes a stored decision may have`,
      [{ path: 'request', message: 'too large to be kept for its whole life; shorten its text fields' }],
    );
}

/**
 * Reads an optional note (an approval, rejection, revoke or review note).
 * @throws ValidationError naming `note` when it is too long or not valid text.
 */
export function parseNote(note: string | undefined): string | undefined {
  if (note === undefined) return undefined;
  const result = boundedText(BOUNDS.noteLength).safeParse(note);
  if (!result.success)
    throw new ValidationError(`note: ${result.error.issues[0]?.message ?? 'invalid'}`, [
      { path: 'note', message: result.error.issues[0]?.message ?? 'invalid' },
    ]);
  return result.data;
}
