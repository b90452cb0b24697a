import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { decisionItem } from '../../lib/adapters/dynamodb/decision-store.js';
import { loadPolicyFile } from '../../lib/config/policy-file.js';
import {
  BOUNDS,
  DYNAMODB_LIMITS,
  dynamoItemBytes,
  IAM_LIMITS,
  isStorableNumber,
  jsonStorageIssues,
} from '../../lib/domain/bounds.js';
import { type Decision, transition } from '../../lib/domain/decision.js';
import { ValidationError } from '../../lib/domain/errors.js';
import { FINDING_TYPES } from '../../lib/domain/finding.js';
import { parsePolicy } from '../../lib/domain/policy/parse.js';
import type { Policy } from '../../lib/domain/policy/schema.js';
import { DecisionRequest } from '../../lib/domain/request.js';
import { type Harness, harness, START } from '../integration/governance/harness.js';
import { ALICE } from '../support/builders.js';
import { snapshotTables, tableChanges } from '../support/table-snapshot.js';

// Four bytes of UTF-8 in one code point (what length bounds count): the worst case a bound allows.
const WIDE = '😀';
const wide = (n: number) => WIDE.repeat(n);
// An owner becomes an IAM tag value (letters, digits, spaces, _.:/=+-@): its worst case is a four-byte
// letter (U+20000, a CJK ideograph), since an emoji is refused there.
const wideOwner = (n: number) => '\u{20000}'.repeat(n);

/** The longest principal ARN IAM can produce: a 512-character path and a 64-character name. */
function longestIamArn(name: string): string {
  // Path segments of at most 128 characters (the principal parser's limit), 512 in all.
  const path = `/${`${'p'.repeat(127)}/`.repeat(3)}${'p'.repeat(126)}/`;
  return `arn:aws:iam::111122223333:role${path}${name.padEnd(IAM_LIMITS.nameLength, 'x')}`;
}
const APPROVERS = Array.from({ length: BOUNDS.maxQuorum }, (_, i) =>
  longestIamArn(`security-approver-${i}-`),
);

/** A policy document of exactly `bytes` bytes of JSON. */
function documentOfBytes(bytes: number) {
  const doc = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::' }],
  };
  const pad = bytes - Buffer.byteLength(JSON.stringify(doc));
  const first = doc.Statement[0] as { Resource: string };
  first.Resource += 'r'.repeat(pad);
  return doc;
}

/** The default policy, with the largest quorum a tier may ask for on every tier that needs approval. */
function maxQuorumPolicy(): Policy {
  const base = loadPolicyFile().document;
  const approvers = ['arn:aws:iam::*:role/security-approver*'];
  const tiers = Object.fromEntries(
    Object.entries(base.tiers).map(([name, tier]) => [
      name,
      tier.approvals === 0 ? tier : { approvals: BOUNDS.maxQuorum, approvers },
    ]),
  );
  return parsePolicy(JSON.stringify({ ...base, tiers }), 'max-quorum.json');
}

const EXPIRES = '2026-03-20T00:00:00.000Z';

const maxException = () => ({
  kind: 'exception',
  identity: { type: 'role', name: 'r'.repeat(IAM_LIMITS.nameLength) },
  findingTypes: [...FINDING_TYPES],
  riskAcceptance: {
    owner: wideOwner(BOUNDS.ownerLength),
    risk: wide(BOUNDS.reasonLength),
    compensatingControls: Array.from({ length: BOUNDS.compensatingControls }, () =>
      wide(BOUNDS.compensatingControlLength),
    ),
    residualSeverity: 'high',
  },
  expiresAt: EXPIRES,
  justification: wide(BOUNDS.reasonLength),
  ticket: wide(BOUNDS.ticketLength),
  owner: wideOwner(BOUNDS.ownerLength),
});

const maxInlineGrant = () => ({
  kind: 'grant',
  identity: { type: 'role', name: 'g'.repeat(IAM_LIMITS.nameLength) },
  entitlement: {
    type: 'inline-policy',
    policyName: 'n'.repeat(128),
    document: documentOfBytes(BOUNDS.documentBytes),
  },
  durationHours: 720,
  justification: wide(BOUNDS.reasonLength),
  ticket: wide(BOUNDS.ticketLength),
  owner: wideOwner(BOUNDS.ownerLength),
});

const maxCreateIdentity = () => ({
  kind: 'create-identity',
  identity: { type: 'role', name: 'c'.repeat(IAM_LIMITS.nameLength) },
  description: wide(BOUNDS.descriptionLength),
  trustPolicy: documentOfBytes(BOUNDS.documentBytes),
  tags: Object.fromEntries(
    Array.from({ length: IAM_LIMITS.tags }, (_, i) => [
      `${i}${wide(IAM_LIMITS.tagKeyLength - `${i}`.length)}`,
      wide(IAM_LIMITS.tagValueLength),
    ]),
  ),
  justification: wide(BOUNDS.reasonLength),
  ticket: wide(BOUNDS.ticketLength),
  owner: wideOwner(BOUNDS.ownerLength),
});

describe('storage bounds', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(maxQuorumPolicy());
  });

  it.each([
    ['an exception', maxException],
    ['an inline-policy grant', maxInlineGrant],
    ['a create-identity', maxCreateIdentity],
  ])(
    'stores %s with every field at its bound through its whole life: every approval of the largest quorum, then the revoke',
    async (_what, build) => {
      // Arrange: the largest request the bounds allow, every approver with IAM's longest ARN.
      const note = wide(BOUNDS.noteLength);
      const submitted = await h.gov.submit({ request: build(), requester: ALICE, source: 'api' });
      expect(submitted.requiredApprovals).toBe(BOUNDS.maxQuorum);

      // Act: the whole life.
      let d = submitted;
      for (const approver of APPROVERS) d = await h.gov.approve({ id: d.id, actor: approver, note });
      const ended = d.kind === 'create-identity' ? d : await h.gov.revoke({ id: d.id, actor: ALICE, note });

      // Assert: stored at every step, and the last item is within DynamoDB's item size.
      const stored = await h.decisions.get(d.id, { consistent: true });
      expect(stored?.status).toBe(d.kind === 'create-identity' ? 'approved' : 'revoked');
      expect(stored?.version).toBe(ended.version);
      expect(dynamoItemBytes(decisionItem(ended))).toBeLessThan(DYNAMODB_LIMITS.itemBytes);
    },
  );

  it('refuses the examples that used to fail deep in DynamoDB, naming the field, and writes nothing', async () => {
    // Arrange
    const grant = {
      kind: 'grant',
      identity: { type: 'role', name: 'payments-batch' },
      entitlement: { type: 'managed-policy', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
      justification: 'nightly reconciliation job reads the ledger',
      owner: 'team-payments',
    };
    let deep: unknown = 'leaf';
    for (let i = 0; i < 40; i++) deep = { nested: deep };
    const inline = (document: unknown) => ({
      ...grant,
      entitlement: { type: 'inline-policy', policyName: 'p', document },
    });
    const cases: [unknown, string][] = [
      [{ ...grant, durationHours: 1e-300 }, 'durationHours'],
      [
        inline({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Condition: deep }] }),
        'entitlement.document.Statement[0].Condition',
      ],
      [
        inline({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Condition: { n: 1e300 } }] }),
        'entitlement.document.Statement[0].Condition.n',
      ],
      [
        inline({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Condition: { n: 1e-300 } }] }),
        'entitlement.document.Statement[0].Condition.n',
      ],
      [inline(documentOfBytes(BOUNDS.documentBytes + 1)), 'entitlement.document'],
      [
        {
          ...maxException(),
          riskAcceptance: { ...maxException().riskAcceptance, compensatingControls: ['x'.repeat(390_000)] },
        },
        'riskAcceptance.compensatingControls[0]',
      ],
      [
        {
          ...maxException(),
          riskAcceptance: {
            ...maxException().riskAcceptance,
            compensatingControls: Array.from({ length: BOUNDS.compensatingControls + 1 }, () => 'ctl'),
          },
        },
        'riskAcceptance.compensatingControls',
      ],
      [{ ...grant, justification: `lone surrogate \uD800 in the text` }, 'justification'],
    ];
    const before = await snapshotTables(h.tables.doc, h.tables.names);

    for (const [request, field] of cases) {
      // Act
      const error = await h.gov.submit({ request, requester: ALICE, source: 'api' }).catch((e) => e);
      // Assert
      expect(error, field).toBeInstanceOf(ValidationError);
      const paths = (error as ValidationError).issues.map((i) => i.path);
      expect(
        paths.some((p) => p.startsWith(field)),
        `${field} in ${paths.join(', ')}`,
      ).toBe(true);
    }
    const approverTooLong = `arn:aws:iam::111122223333:role/${'a'.repeat(BOUNDS.principalArnLength)}`;
    const error = await h.gov
      .submit({ request: grant, requester: approverTooLong, source: 'api' })
      .catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(tableChanges(before, await snapshotTables(h.tables.doc, h.tables.names))).toEqual({
      added: [],
      removedOrChanged: [],
    });
  });

  it('refuses a note beyond its bound on approve and revoke, naming the note, and changes nothing', async () => {
    // Arrange
    const d = await h.gov.submit({ request: maxException(), requester: ALICE, source: 'api' });
    const before = await snapshotTables(h.tables.doc, h.tables.names);
    // Act
    const approve = await h.gov
      .approve({ id: d.id, actor: APPROVERS[0] as string, note: 'n'.repeat(BOUNDS.noteLength + 1) })
      .catch((e) => e);
    // Assert
    expect(approve).toBeInstanceOf(ValidationError);
    expect((approve as ValidationError).issues[0]?.path).toBe('note');
    expect(tableChanges(before, await snapshotTables(h.tables.doc, h.tables.names))).toEqual({
      added: [],
      removedOrChanged: [],
    });
  });
});

/** The decision a request becomes once it has lived its longest life: quorum, notes, revoke, review. */
function longestLife(request: DecisionRequest): Decision {
  const actor = `arn:aws:iam::111122223333:role/${'a'.repeat(BOUNDS.principalArnLength - 31)}`;
  const note = wide(BOUNDS.noteLength);
  let d: Decision = {
    id: 'd'.repeat(64),
    version: 1,
    status: 'pending',
    kind: request.kind,
    request,
    identityKey: `${request.identity.type}/${request.identity.name}`,
    requester: actor,
    owner: wide(BOUNDS.ownerLength),
    source: 'step-functions',
    tier: 't'.repeat(BOUNDS.policyNameLength),
    requiredApprovals: BOUNDS.maxQuorum,
    approvals: [],
    policyVersion: `sha256:${'f'.repeat(64)}`,
    createdAt: START,
    updatedAt: START,
    expiresAt: START,
    reviewDueAt: START,
    renewalOf: 'r'.repeat(64),
    taskToken: 't'.repeat(1024),
    history: [{ at: START, actor, action: 'submitted', version: 1, note }],
  };
  for (let i = 0; i < BOUNDS.maxQuorum; i++) {
    const approvals = [
      ...d.approvals,
      { approver: `${actor}${i}`, at: START, basis: wide(BOUNDS.policyNameLength) },
    ];
    d =
      i === BOUNDS.maxQuorum - 1
        ? transition({ ...d, approvals }, { to: 'approved', actor, at: START, action: 'approved', note })
        : {
            ...d,
            approvals,
            version: d.version + 1,
            history: [
              ...d.history,
              { at: START, actor, action: 'approval-recorded', version: d.version + 1, note },
            ],
          };
  }
  d = {
    ...d,
    reviewedBy: actor,
    reviewedAt: START,
    history: [...d.history, { at: START, actor, action: 'reviewed', version: d.version + 1, note }],
  };
  return transition(d, { to: 'revoked', actor, at: START, action: 'revoked', note });
}

const text = (max: number) =>
  fc.oneof(
    fc.string({ minLength: 0, maxLength: 30 }),
    fc.constantFrom(wide(max), 'x'.repeat(max), wide(max + 1), `${wide(max - 1)}\uD800`),
  );

describe('storage bounds (generated)', () => {
  it('keeps every request the schema accepts storable for its longest life, and refuses the rest as invalid input', () => {
    // 1,000 requests whose fields sit at, around and past their bounds.
    const request = fc.record({
      kind: fc.constant('exception'),
      identity: fc.record({
        type: fc.constantFrom('role', 'user'),
        name: fc.constantFrom('a', 'r'.repeat(64), 'r'.repeat(65)),
      }),
      findingTypes: fc.array(fc.constantFrom(...FINDING_TYPES), { minLength: 1, maxLength: 20 }),
      riskAcceptance: fc.record({
        owner: text(BOUNDS.ownerLength),
        risk: text(BOUNDS.reasonLength),
        compensatingControls: fc.array(text(BOUNDS.compensatingControlLength), {
          minLength: 1,
          maxLength: 25,
        }),
        residualSeverity: fc.constant('high'),
      }),
      expiresAt: fc.constant(EXPIRES),
      justification: text(BOUNDS.reasonLength),
      ticket: text(BOUNDS.ticketLength),
      owner: text(BOUNDS.ownerLength),
    });
    fc.assert(
      fc.property(request, (r) => {
        const parsed = DecisionRequest.safeParse(r);
        if (!parsed.success) return;
        expect(dynamoItemBytes(decisionItem(longestLife(parsed.data)))).toBeLessThan(
          DYNAMODB_LIMITS.itemBytes,
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('accepts exactly the numbers DynamoDB can store in a document, and refuses every other one naming its path', () => {
    fc.assert(
      fc.property(fc.double(), (n) => {
        const issues = jsonStorageIssues({ Condition: { n } }, { maxDepth: 16, maxBytes: 10_240 });
        const storable = Number.isFinite(n) && (n === 0 || (Math.abs(n) >= 1e-130 && Math.abs(n) < 1e126));
        expect(isStorableNumber(n)).toBe(storable);
        expect(issues.map((i) => i.path.join('.'))).toEqual(storable ? [] : ['Condition.n']);
      }),
      { numRuns: 1000 },
    );
  });
});
