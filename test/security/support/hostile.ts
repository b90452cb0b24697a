import fc from 'fast-check';
import { BOUNDS } from '../../../lib/domain/bounds.js';
import { FINDING_TYPES } from '../../../lib/domain/finding.js';

/**
 * Hostile inputs for the entry-point fuzz suite: valid requests of every kind, broken in exactly one
 * way that makes them invalid (wrong type, missing or extra key, other-case key, string past its bound,
 * lone surrogate, number past its bound, document too deep / too large / with unstorable numbers,
 * prototype-pollution keys), and whole-value garbage. Each case says which field the refusal must name.
 */

/** The number of generated cases per entry point in the normal `npm test` run. */
export const FUZZ_RUNS = 1000;
/** A thousand cases through a whole entry point take longer than one ordinary test. */
export const FUZZ_TIMEOUT_MS = 600_000;

export const FUZZ_ACCOUNT = '111122223333';
export const REQUESTER = `arn:aws:iam::${FUZZ_ACCOUNT}:role/team-lead-alice`;

export function nested(depth: number, leaf: unknown = 'x'): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? { k: value } : [value];
  return value;
}

/** JSON with own `__proto__` keys, as `JSON.parse` makes them (an object literal would set the prototype). */
export const PROTO_OBJECT = JSON.parse(
  '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}',
);

/** Values of every JSON type, plus the shapes attackers like. */
export const anyHostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -1,
    1e-300,
    1e300,
    Number.MAX_VALUE,
    5e-324,
    '',
    ' ',
    'x'.repeat(70_000),
    '\uD800',
    '😀'.repeat(3000),
    [],
    {},
    PROTO_OBJECT,
    nested(40),
  ),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 3 }),
);

type Json = Record<string, unknown>;

const MANAGED = { type: 'managed-policy', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' };
const DOCUMENT = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::ledger/*' }],
};
const TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
const JUSTIFICATION = 'nightly reconciliation job reads the ledger';

/** One valid request of each kind (the fuzz breaks exactly one thing in it). */
export const VALID_REQUESTS: Readonly<Record<string, Json>> = {
  grant: {
    kind: 'grant',
    identity: { type: 'role', name: 'payments-batch' },
    entitlement: MANAGED,
    durationHours: 8,
    justification: JUSTIFICATION,
    ticket: 'CHG-1234',
    owner: 'team-payments',
  },
  'grant-inline': {
    kind: 'grant',
    identity: { type: 'role', name: 'payments-batch' },
    entitlement: { type: 'inline-policy', policyName: 'ledger-read', document: DOCUMENT },
    justification: JUSTIFICATION,
    owner: 'team-payments',
  },
  revoke: {
    kind: 'revoke',
    identity: { type: 'role', name: 'payments-batch' },
    entitlement: MANAGED,
    justification: JUSTIFICATION,
  },
  'create-identity': {
    kind: 'create-identity',
    identity: { type: 'role', name: 'payments-batch' },
    description: 'batch jobs of the payments team',
    trustPolicy: TRUST,
    tags: { team: 'payments' },
    justification: JUSTIFICATION,
    owner: 'team-payments',
  },
  'delete-identity': {
    kind: 'delete-identity',
    identity: { type: 'user', name: 'legacy-ci' },
    justification: JUSTIFICATION,
  },
  rotate: {
    kind: 'rotate',
    identity: { type: 'user', name: 'ci-deployer' },
    secretId: 'nhi-gov/ci-deployer',
    justification: JUSTIFICATION,
  },
  'break-glass': {
    kind: 'break-glass',
    identity: { type: 'role', name: 'payments-batch' },
    entitlement: MANAGED,
    durationMinutes: 60,
    justification: 'incident INC-42: the ledger job is down and needs a read',
    owner: 'team-payments',
  },
  exception: {
    kind: 'exception',
    identity: { type: 'user', name: 'legacy-ci' },
    findingTypes: ['unrotated-access-key'],
    riskAcceptance: {
      owner: 'team-payments',
      risk: 'a key older than policy allows',
      compensatingControls: ['source IP restricted'],
      residualSeverity: 'low',
    },
    expiresAt: '2026-04-01T00:00:00Z',
    justification: JUSTIFICATION,
  },
};

type FieldType =
  | 'text'
  | 'number'
  | 'int'
  | 'enum'
  | 'object'
  | 'array'
  | 'document'
  | 'id'
  | 'name'
  | 'arn'
  | 'timestamp';

interface Field {
  readonly path: readonly string[];
  readonly type: FieldType;
  readonly required: boolean;
  /** Strings: the longest valid length. */
  readonly max?: number;
  /** Numbers: values just past the bounds. */
  readonly past?: readonly number[];
  /** Objects that refuse unknown keys. */
  readonly strict?: boolean;
}

const common: Field[] = [
  { path: ['kind'], type: 'enum', required: true },
  { path: ['identity'], type: 'object', required: true, strict: true },
  { path: ['identity', 'type'], type: 'enum', required: true },
  { path: ['identity', 'name'], type: 'name', required: true, max: 64 },
  { path: ['justification'], type: 'text', required: true, max: BOUNDS.reasonLength },
  { path: ['ticket'], type: 'text', required: false, max: BOUNDS.ticketLength },
  { path: ['owner'], type: 'text', required: false, max: BOUNDS.ownerLength },
];
const managed: Field[] = [
  { path: ['entitlement'], type: 'object', required: true, strict: true },
  { path: ['entitlement', 'type'], type: 'enum', required: true },
  { path: ['entitlement', 'policyArn'], type: 'arn', required: true, max: BOUNDS.policyArnLength },
];

/** The fields of each valid request, with what makes each one invalid. */
export const FIELDS: Readonly<Record<keyof typeof VALID_REQUESTS, readonly Field[]>> = {
  grant: [
    ...common,
    ...managed,
    {
      path: ['durationHours'],
      type: 'number',
      required: false,
      past: [0, -1, 1e-300, 5e-324, 1 / 61, BOUNDS.durationHoursMax + 1, 1e300, Number.MAX_VALUE],
    },
  ],
  'grant-inline': [
    ...common,
    { path: ['entitlement'], type: 'object', required: true, strict: true },
    { path: ['entitlement', 'policyName'], type: 'name', required: true, max: 128 },
    { path: ['entitlement', 'document'], type: 'document', required: false },
  ],
  revoke: [...common, ...managed, { path: ['revokes'], type: 'id', required: false, max: 64 }],
  'create-identity': [
    ...common,
    { path: ['description'], type: 'text', required: false, max: BOUNDS.descriptionLength },
    { path: ['trustPolicy'], type: 'document', required: true },
    { path: ['tags'], type: 'object', required: false },
  ],
  'delete-identity': [...common],
  rotate: [...common, { path: ['secretId'], type: 'text', required: false, max: BOUNDS.secretIdLength }],
  'break-glass': [
    ...common,
    ...managed,
    {
      path: ['durationMinutes'],
      type: 'int',
      required: true,
      past: [0, -1, 1.5, 1e-300, BOUNDS.durationMinutesMax + 1, 1e300],
    },
  ],
  exception: [
    ...common,
    { path: ['findingTypes'], type: 'array', required: true },
    { path: ['riskAcceptance'], type: 'object', required: true, strict: true },
    { path: ['riskAcceptance', 'owner'], type: 'text', required: true, max: BOUNDS.ownerLength },
    { path: ['riskAcceptance', 'risk'], type: 'text', required: true, max: BOUNDS.reasonLength },
    { path: ['riskAcceptance', 'compensatingControls'], type: 'array', required: true },
    { path: ['riskAcceptance', 'residualSeverity'], type: 'enum', required: true },
    { path: ['expiresAt'], type: 'timestamp', required: true },
    { path: ['renewalOf'], type: 'id', required: false, max: 64 },
  ],
};

/** A generated hostile input: the value, and the field (dotted, as error messages write it) it breaks. */
export interface HostileCase {
  readonly kind: string;
  readonly how: string;
  readonly value: unknown;
  /** The first segment of the field an error message must name, or undefined when it is the root. */
  readonly field?: string;
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

function setAt(root: Json, path: readonly string[], value: unknown): Json {
  const copy = clone(root);
  let node: Json = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Json;
  const last = path[path.length - 1] as string;
  // defineProperty: `__proto__` must land as an own key, as JSON.parse would make it.
  Object.defineProperty(node, last, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

function deleteAt(root: Json, path: readonly string[]): Json {
  const copy = clone(root);
  let node: Json = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Json;
  delete node[path[path.length - 1] as string];
  return copy;
}

function getAt(root: Json, path: readonly string[]): unknown {
  let node: unknown = root;
  for (const key of path) node = (node as Json)[key];
  return node;
}

/** A value of another JSON type than the field's. */
function wrongTypeFor(type: FieldType): fc.Arbitrary<unknown> {
  const notString = fc.constantFrom<unknown>(null, 42, true, [], {}, ['x'], PROTO_OBJECT);
  const notNumber = fc.constantFrom<unknown>(null, '8', 'NaN', true, [], {}, [1], PROTO_OBJECT);
  const notObject = fc.constantFrom<unknown>(null, 'x', 42, true, [], [{}]);
  const notArray = fc.constantFrom<unknown>(null, 'x', 42, true, {}, PROTO_OBJECT);
  switch (type) {
    case 'number':
    case 'int':
      return notNumber;
    case 'object':
    case 'document':
      return notObject;
    case 'array':
      return notArray;
    case 'enum':
      return fc.oneof(
        notString,
        fc.constantFrom('GRANT', 'Role', 'ROLE', 'managed_policy', 'Grant', 'HIGH', ''),
      );
    default:
      return notString;
  }
}

const pad = fc.constantFrom('x', '中', '😀');

/** A text past its bound (by one, or by far), or with an unpaired surrogate. */
function tooLong(max: number): fc.Arbitrary<string> {
  // Bounds count code points, so an emoji counts once although it is two UTF-16 units.
  return fc.tuple(pad, fc.constantFrom(1, 2, 1000, 400_000)).map(([c, extra]) => c.repeat(max + extra));
}

/** Documents that are invalid: wrong shape or beyond the storage bounds. */
const hostileDocument: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    { Version: '2012-10-17', Statement: [] },
    { Version: '2012-10-18', Statement: [{ Effect: 'Allow' }] },
    { version: '2012-10-17', statement: [{ Effect: 'Allow' }] },
    { Version: '2012-10-17', Statement: [{ effect: 'Allow' }] },
    { Version: '2012-10-17', Statement: [{ Effect: 'allow' }] },
    { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Condition: nested(40) }] },
    { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Condition: { n: 1e-300 } }] },
    { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Condition: { n: -1e200 } }] },
    { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Resource: 'x'.repeat(BOUNDS.documentBytes) }] },
    { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Resource: '\uDC00' }] },
    { Version: '2012-10-17', Statement: [{ Effect: 'Allow', '': 'empty key' }] },
    JSON.parse('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","__proto__":{"Effect":"Deny"}}]}'),
  ),
  fc.integer({ min: BOUNDS.documentDepth, max: 200 }).map((depth) => ({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Condition: nested(depth) }],
  })),
  fc
    .double({ noNaN: true })
    .filter((n) => n !== 0 && (Math.abs(n) < 1e-130 || Math.abs(n) >= 1e126))
    .map((n) => ({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': n } } }],
    })),
);

/** Keys no strict object takes: other-case spellings, prototype keys, unicode, empty. */
function extraKeys(existing: readonly string[]): fc.Arbitrary<string> {
  const otherCase = existing
    .flatMap((k) => [k.toUpperCase(), k[0]?.toUpperCase() + k.slice(1)])
    .filter((k) => !existing.includes(k));
  return fc.oneof(
    fc.constantFrom(
      '__proto__',
      'constructor',
      'prototype',
      'approver',
      'requester',
      'status',
      '',
      'ｋｉｎｄ',
      'kind\u0000',
      ...otherCase,
    ),
    fc.string({ minLength: 1, maxLength: 20 }).filter((k) => !existing.includes(k)),
  );
}

const dotted = (path: readonly string[]) => path.join('.');

function mutationsOf(kind: keyof typeof VALID_REQUESTS): fc.Arbitrary<HostileCase> {
  const base = VALID_REQUESTS[kind] as Json;
  const fields = FIELDS[kind];
  const k = base.kind as string;
  const arbs: fc.Arbitrary<HostileCase>[] = [];
  for (const f of fields ?? []) {
    const field = f.path[0];
    arbs.push(
      wrongTypeFor(f.type).map((v) => ({
        kind: k,
        how: `wrong type at ${dotted(f.path)}`,
        value: setAt(base, f.path, v),
        field,
      })),
    );
    if (f.required)
      arbs.push(
        fc.constant({ kind: k, how: `missing ${dotted(f.path)}`, value: deleteAt(base, f.path), field }),
      );
    if (
      f.max !== undefined &&
      (f.type === 'text' || f.type === 'name' || f.type === 'arn' || f.type === 'id')
    ) {
      const max = f.max;
      const current = String(getAt(base, f.path) ?? 'abcdefghij');
      arbs.push(
        tooLong(max).map((s) => ({
          kind: k,
          how: `${dotted(f.path)} past ${max} characters`,
          value: setAt(base, f.path, f.type === 'arn' ? `arn:aws:iam::aws:policy/${s}` : s),
          field,
        })),
      );
      if (f.type === 'text')
        arbs.push(
          fc.constantFrom('\uD800', '\uDFFF', '\uDBFF\uDBFF').map((s) => ({
            kind: k,
            how: `lone surrogate in ${dotted(f.path)}`,
            value: setAt(base, f.path, `${current} ${s}`),
            field,
          })),
        );
    }
    if (f.past)
      arbs.push(
        fc
          .constantFrom(...f.past)
          .map((n) => ({ kind: k, how: `${dotted(f.path)} = ${n}`, value: setAt(base, f.path, n), field })),
      );
    if (f.type === 'document')
      arbs.push(
        hostileDocument.map((d) => ({
          kind: k,
          how: `hostile ${dotted(f.path)}`,
          value: setAt(base, f.path, d),
          field,
        })),
      );
    if (f.strict) {
      const existing = Object.keys(getAt(base, f.path) as Json);
      arbs.push(
        fc.tuple(extraKeys(existing), anyHostileValue).map(([key, v]) => ({
          kind: k,
          how: `extra key ${JSON.stringify(key)} in ${dotted(f.path)}`,
          value: setAt(base, [...f.path, key], v),
          field,
        })),
      );
    }
  }
  // The root object is strict too: other-case keys, prototype keys, a body field naming the approver.
  arbs.push(
    fc.tuple(extraKeys(Object.keys(base)), anyHostileValue).map(([key, v]) => ({
      kind: k,
      how: `extra key ${JSON.stringify(key)} at the root`,
      value: setAt(base, [key], v),
    })),
  );
  return fc.oneof(...arbs);
}

/** Specific invalid collections: too many items, items past their bounds. */
const collectionCases: fc.Arbitrary<HostileCase> = fc.oneof(
  fc.integer({ min: BOUNDS.compensatingControls + 1, max: 200 }).map((n) => ({
    kind: 'exception',
    how: `${n} compensating controls`,
    value: setAt(
      VALID_REQUESTS.exception as Json,
      ['riskAcceptance', 'compensatingControls'],
      Array.from({ length: n }, (_, i) => `control ${i}`),
    ),
    field: 'riskAcceptance',
  })),
  tooLong(BOUNDS.compensatingControlLength).map((s) => ({
    kind: 'exception',
    how: 'a compensating control past its bound',
    value: setAt(
      VALID_REQUESTS.exception as Json,
      ['riskAcceptance', 'compensatingControls'],
      ['ok control', s],
    ),
    field: 'riskAcceptance',
  })),
  fc
    .constantFrom<unknown[]>(
      [],
      ['no-such-type'],
      Array.from({ length: FINDING_TYPES.length + 1 }, () => 'stale-role'),
    )
    .map((types) => ({
      kind: 'exception',
      how: `findingTypes ${JSON.stringify(types).slice(0, 40)}`,
      value: setAt(VALID_REQUESTS.exception as Json, ['findingTypes'], types),
      field: 'findingTypes',
    })),
  fc
    .constantFrom('2026-04-01', 'tomorrow', '2026-04-01T00:00:00+02:00', '2026-13-01T00:00:00Z', '')
    .map((t) => ({
      kind: 'exception',
      how: `expiresAt ${t}`,
      value: setAt(VALID_REQUESTS.exception as Json, ['expiresAt'], t),
      field: 'expiresAt',
    })),
  fc
    .oneof(
      fc
        .integer({ min: 51, max: 120 })
        .map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']))),
      fc.constantFrom<unknown>(
        { '': 'empty key' },
        { ['k'.repeat(129)]: 'v' },
        { k: 'v'.repeat(257) },
        { k: 42 },
        { k: '\uD800' },
        JSON.parse('{"__proto__": "x"}'),
      ),
    )
    .map((tags) => ({
      kind: 'create-identity',
      how: 'hostile tags',
      value: setAt(VALID_REQUESTS['create-identity'] as Json, ['tags'], tags),
      field: 'tags',
    })),
  fc.constantFrom('user', 'group', 'Role').map((type) => ({
    kind: 'create-identity',
    how: `trust policy on identity type ${type}`,
    value: setAt(VALID_REQUESTS['create-identity'] as Json, ['identity', 'type'], type),
    field: type === 'user' ? 'trustPolicy' : 'identity',
  })),
);

/** Whole values that are no request at all. */
const garbage: fc.Arbitrary<HostileCase> = fc
  .oneof(
    anyHostileValue.filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)),
    fc.constantFrom<unknown>(
      {},
      PROTO_OBJECT,
      { kind: 'Grant' },
      { kind: 'grant' },
      { KIND: 'grant' },
      { kind: ['grant'] },
      nested(60),
    ),
  )
  .map((value) => ({ kind: 'none', how: `garbage ${JSON.stringify(value)?.slice(0, 40)}`, value }));

/** Every kind's mutations, collection cases and garbage, weighted so each kind is well covered. */
export const hostileRequest: fc.Arbitrary<HostileCase> = fc.oneof(
  ...Object.keys(VALID_REQUESTS).map((kind) => mutationsOf(kind as keyof typeof VALID_REQUESTS)),
  collectionCases,
  garbage,
);
