import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { CfnElement } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SUITE_ROLE_PATH } from '../../infra/config.js';
import { MEMBER_DECISION_READS } from '../../infra/constructs/cross-account.js';
import { GOVERNANCE_DECISIONS_ACTIONS } from '../../infra/constructs/governance.js';
import { MEMBER_STACK_SET_NAME } from '../../infra/constructs/member-stack-set.js';
import type { NhiFunction } from '../../infra/constructs/nhi-function.js';
import type { NhiGovStack } from '../../infra/nhi-gov-stack.js';
import { DynamoDecisionStore } from '../../lib/adapters/dynamodb/decision-store.js';
import { GOVERNANCE_IAM_READ_ACTIONS } from '../../lib/config/iam-reads.js';
import {
  HUB_DECISIONS_TABLE_NAME,
  HUB_TO_MEMBER_DETAIL_TYPES,
  MEMBER_TO_HUB_DETAIL_TYPES,
  memberReadableKeyPatterns,
  PRINCIPAL_ACCOUNT_VARIABLE,
} from '../../lib/config/organization.js';
import { loadPolicyFile } from '../../lib/config/policy-file.js';
import { ForbiddenError } from '../../lib/domain/errors.js';
import { isOperator } from '../../lib/domain/governance/policy-evaluation.js';
import {
  allowedActionsOf,
  coversAction,
  renderResource,
  roleStatements,
  type Statement,
} from './support/policies.js';
import { freshSynthOrganization, ORG, type Synthesized, synthOrganization } from './support/synth.js';

const org = synthOrganization();
const { hub, member } = org;

const logicalId = (stack: NhiGovStack, c: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(c.node.defaultChild as CfnElement);
const statementsOf = (s: Synthesized, f: NhiFunction) =>
  roleStatements(s.template, logicalId(s.stack, f.role));
const allRoles = (t: Template) =>
  Object.keys(t.findResources('AWS::IAM::Role')).map((roleId) => ({
    roleId,
    statements: roleStatements(t, roleId),
  }));
const resourceCount = (t: Template) => Object.keys(t.toJSON().Resources).length;
const typesOf = (t: Template) =>
  Object.values(t.toJSON().Resources as Record<string, { Type: string }>)
    .map((r) => r.Type)
    .sort();
const busPolicies = (t: Template) =>
  Object.values(t.findResources('AWS::Events::EventBusPolicy')).map((p) => p.Properties.Statement);

const DYNAMO_WRITES = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:PartiQLInsert',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
  'dynamodb:TransactWriteItems',
];
const HUB_DECISIONS_ARN = `arn:<AWS::Partition>:dynamodb:${ORG.hubRegion}:${ORG.hubAccount}:table/${HUB_DECISIONS_TABLE_NAME}`;

/** IAM `StringLike`: `*` any run of characters, `?` one character, case-sensitive. */
const stringLike = (pattern: string, value: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  ).test(value);

describe('organization mode: one hub, one StackSet-deployable member template', () => {
  it('synthesizes one hub stack and one member template (plus one asset bucket stack per extra region)', () => {
    expect(Object.keys(org.all).sort()).toEqual(['NhiGovHub', 'NhiGovMember']);
    const twoRegions = freshSynthOrganization({ regions: ['eu-west-1', 'us-east-1'] });
    expect(Object.keys(twoRegions.all).sort()).toEqual([
      'NhiGovHub',
      'NhiGovMember',
      'NhiGovMemberAssets-us-east-1',
    ]);
    expect(typesOf(twoRegions.all['NhiGovMemberAssets-us-east-1'] as Template)).toEqual([
      'AWS::S3::Bucket',
      'AWS::S3::BucketPolicy',
    ]);
  });

  it('keeps the hub the same size for 10 and for 1,000 member accounts: nothing in it is per account', () => {
    // Arrange: the accounts (a pilot filter inside the OUs) are the only place a list of accounts can enter.
    const accounts = (n: number) => Array.from({ length: n }, (_, i) => String(200000000000 + i));
    // Act
    const ten = freshSynthOrganization({ accounts: accounts(10) });
    const thousand = freshSynthOrganization({ accounts: accounts(1000) });
    // Assert: same stacks, same resources of the same types; the list is one property of the StackSet.
    expect(Object.keys(thousand.all)).toEqual(Object.keys(ten.all));
    expect(resourceCount(thousand.hub.template)).toBe(resourceCount(ten.hub.template));
    expect(typesOf(thousand.hub.template)).toEqual(typesOf(ten.hub.template));
    expect(resourceCount(ten.hub.template)).toBe(resourceCount(hub.template));
    expect(thousand.member.template.toJSON()).toEqual(ten.member.template.toJSON());
    const strip = (t: Template) =>
      JSON.stringify(t.toJSON()).replace(/"Accounts":\[[^\]]*\]/, '"Accounts":[]');
    expect(strip(thousand.hub.template)).toBe(strip(ten.hub.template));
  });

  it('bakes no member account into the member template: the account comes from AWS::AccountId', () => {
    const text = JSON.stringify(member.template.toJSON());
    const accountIds = new Set(text.match(/(?<![0-9a-f])\d{12}(?![0-9a-f])/g));
    // The only account named is the hub's (its bus, its decisions table, its dispatch role, the asset bucket).
    expect([...accountIds]).toEqual([ORG.hubAccount]);
    expect(text).toContain('AWS::AccountId');
    expect(member.stack.account).toMatch(/^\$\{Token/);
    expect(member.template.toJSON().Parameters ?? {}).toEqual({});
  });

  it('deploys the member template as a service-managed StackSet, automatically to the chosen OUs', () => {
    const [stackSet] = Object.values(hub.template.findResources('AWS::CloudFormation::StackSet'));
    const p = stackSet?.Properties;
    expect(p.StackSetName).toBe(MEMBER_STACK_SET_NAME);
    expect(p.PermissionModel).toBe('SERVICE_MANAGED');
    expect(p.AutoDeployment).toEqual({ Enabled: true, RetainStacksOnAccountRemoval: true });
    expect(p.CallAs).toBe('DELEGATED_ADMIN');
    expect(p.StackInstancesGroup).toEqual([
      {
        DeploymentTargets: { OrganizationalUnitIds: [...ORG.organizationalUnits] },
        Regions: [ORG.hubRegion],
      },
    ]);
    // The template is an asset of the hub (the member template is larger than a TemplateBody may be).
    expect(JSON.stringify(p.TemplateURL)).toMatch(
      /cdk-hnb659fds-assets-111111111111-eu-west-1\/[0-9a-f]{64}\.json/,
    );
    expect(JSON.stringify(member.template.toJSON()).length).toBeGreaterThan(51_200);
    // The functions' bundles come from the organization-readable asset bucket of the member's region.
    for (const fn of Object.values(member.template.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.Code.S3Bucket).toEqual({
        'Fn::Sub': `nhi-gov-member-assets-${ORG.hubAccount}-\${AWS::Region}`,
      });
    }
    const [bucketPolicy] = Object.values(hub.template.findResources('AWS::S3::BucketPolicy'));
    const read = bucketPolicy?.Properties.PolicyDocument.Statement.find(
      (s: Statement) => s.Sid === 'OrganizationReadsMemberAssets',
    );
    expect(read.Action).toBe('s3:GetObject');
    expect(read.Condition).toEqual({ StringEquals: { 'aws:PrincipalOrgID': ORG.organizationId } });
  });

  it('splits the suite: decisions and governance in the hub; trail, findings, executors and scanner in the member', () => {
    const functions = (t: Template) => Object.keys(t.findResources('AWS::Lambda::Function')).length;
    expect(functions(hub.template)).toBe(4);
    expect(functions(member.template)).toBe(3);
    expect(Object.keys(hub.stack.data.tables)).toEqual(['decisions']);
    expect(hub.stack.data.orgEvents).toBeDefined();
    expect(Object.keys(member.stack.data.tables).sort()).toEqual(['executions', 'findings', 'idempotency']);
    expect(hub.stack.provisioning).toBeUndefined();
    expect(member.stack.governance).toBeUndefined();
    expect(Object.keys(hub.template.findResources('AWS::ApiGatewayV2::Api'))).toHaveLength(1);
    expect(Object.keys(hub.template.findResources('AWS::Events::EventBus'))).toHaveLength(1);
  });
});

describe('organization mode: separation of duties and least privilege on both templates', () => {
  it('keeps every hub role free of IAM writes and Secrets Manager actions', () => {
    for (const { roleId, statements } of allRoles(hub.template)) {
      for (const action of allowedActionsOf(statements, 'iam'))
        expect(GOVERNANCE_IAM_READ_ACTIONS as readonly string[], `${roleId} ${action}`).toContain(action);
      expect(allowedActionsOf(statements, 'secretsmanager'), roleId).toEqual([]);
    }
  });

  it('gives each governance function of the hub exactly its decisions-table actions, and no other table', () => {
    const governance = hub.stack.governance;
    if (!governance) throw new Error('no governance in the hub');
    const tableId = logicalId(hub.stack, hub.stack.data.decisions);
    for (const f of governance.functions) {
      const dynamo = statementsOf(hub, f).filter((s) => s.Action.some((a) => a.startsWith('dynamodb:')));
      expect(dynamo, f.functionId).toHaveLength(1);
      expect(new Set(dynamo[0]?.Action)).toEqual(
        new Set(GOVERNANCE_DECISIONS_ACTIONS[f.functionId as keyof typeof GOVERNANCE_DECISIONS_ACTIONS]),
      );
      expect(JSON.stringify(dynamo[0]?.Resource)).toContain(tableId);
    }
  });

  it('names every function role of both templates so the default policy treats it as an operator, who can never approve', () => {
    const policy = loadPolicyFile();
    for (const s of [hub, member]) {
      const lambdaRoles = Object.values(s.template.findResources('AWS::IAM::Role')).filter((r) =>
        JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('lambda.amazonaws.com'),
      );
      expect(lambdaRoles.length).toBeGreaterThanOrEqual(3);
      for (const r of lambdaRoles) {
        const name = renderResource(r.Properties.RoleName).replace('<AWS::Region>', 'eu-west-1');
        expect(isOperator(policy, `arn:aws:iam::222222222222:role${r.Properties.Path}${name}`), name).toBe(
          true,
        );
      }
    }
  });

  it('lets no member role write decisions: executors and scanner only read the hub table', () => {
    for (const { roleId, statements } of allRoles(member.template)) {
      for (const s of statements.filter((x) => x.Effect === 'Allow')) {
        const onHub = s.Resource.some((r) => r === '*' || renderResource(r).startsWith(HUB_DECISIONS_ARN));
        if (!onHub) continue;
        for (const w of DYNAMO_WRITES) expect(coversAction(s, w), `${roleId} ${w}`).toBe(false);
      }
    }
    const reads = (f: NhiFunction | undefined) => {
      if (!f) throw new Error('missing member function');
      return statementsOf(member, f)
        .filter((s) => s.Resource.some((r) => renderResource(r).startsWith(HUB_DECISIONS_ARN)))
        .flatMap((s) => s.Action)
        .sort();
    };
    // Exactly what the hub table's resource policy admits for each of them.
    expect(new Set(reads(member.stack.provisioning?.provision))).toEqual(
      new Set(MEMBER_DECISION_READS.provision),
    );
    expect(new Set(reads(member.stack.rotation?.rotate))).toEqual(new Set(MEMBER_DECISION_READS.rotate));
    expect(new Set(reads(member.stack.scanners?.scan))).toEqual(new Set(MEMBER_DECISION_READS.scan));
  });

  it("reaches no other member's tables: member roles name only their own stack's tables and the hub decisions table", () => {
    for (const { roleId, statements } of allRoles(member.template)) {
      for (const s of statements.filter(
        (x) => x.Effect === 'Allow' && x.Action.some((a) => a.startsWith('dynamodb:')),
      )) {
        for (const r of s.Resource) {
          const text = renderResource(r);
          // Either a table of this very stack (a GetAtt) or the hub's decisions table.
          expect(text.startsWith('<') || text.startsWith(HUB_DECISIONS_ARN), `${roleId} ${text}`).toBe(true);
        }
      }
    }
    // And no table of the member or of the hub's org view admits anyone from another account.
    for (const t of [member.template, hub.template]) {
      for (const table of Object.values(t.findResources('AWS::DynamoDB::GlobalTable'))) {
        if (table.Properties.TableName === HUB_DECISIONS_TABLE_NAME) continue;
        expect(table.Properties.Replicas[0].ResourcePolicy, table.Properties.TableName).toBeUndefined();
      }
    }
  });
});

describe("organization mode: the hub decisions table admits members' suite roles, for their own items only", () => {
  const [decisions] = Object.values(hub.template.findResources('AWS::DynamoDB::GlobalTable')).filter(
    (t) => t.Properties.TableName === HUB_DECISIONS_TABLE_NAME,
  );
  const statements = decisions?.Properties.Replicas[0].ResourcePolicy.PolicyDocument.Statement as Statement[];

  it('grants only reads (GetItem, Query), inside the organization, to suite role names', () => {
    const rotate = statements.find((s) => JSON.stringify(s.Condition).includes('nhi-gov-rotate-'));
    expect(rotate?.Action).toBe('dynamodb:GetItem');
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(new Set(actions)).toEqual(new Set(['dynamodb:GetItem', 'dynamodb:Query']));
    const roles = statements.flatMap((s) =>
      [s.Condition?.ArnLike?.['aws:PrincipalArn']].flat().map(renderResource),
    );
    expect(roles.sort()).toEqual(
      ['provision', 'rotate', 'scan'].map(
        (f) => `arn:<AWS::Partition>:iam::*:role${SUITE_ROLE_PATH}nhi-gov-${f}-*`,
      ),
    );
    for (const s of statements) {
      expect(s.Effect).toBe('Allow');
      expect(s.Condition?.StringEquals).toEqual({ 'aws:PrincipalOrgID': ORG.organizationId });
      expect(s.Condition?.['ForAllValues:StringLike']).toEqual({
        'dynamodb:LeadingKeys': memberReadableKeyPatterns(PRINCIPAL_ACCOUNT_VARIABLE),
      });
    }
  });

  it("never lets one account's key patterns match another account's keys (every spelling tried)", () => {
    // Accounts that often share a prefix with each other (the interesting case for a glob).
    const account = fc
      .array(fc.constantFrom('1', '2'), { minLength: 12, maxLength: 12 })
      .map((d) => d.join(''));
    // Every key a hub decision item can have for an account: the decision, its claims and attempts.
    const id = fc.oneof(fc.uuid(), fc.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/));
    const matchesAny = (patterns: string[], k: string) => patterns.some((p) => stringLike(p, k));
    fc.assert(
      fc.property(account, account, id, (mine, other, decisionId) => {
        fc.pre(mine !== other);
        const patterns = memberReadableKeyPatterns(mine);
        expect(matchesAny(patterns, `DECISION#${other}-${decisionId}`)).toBe(false);
        expect(matchesAny(patterns, `DECISION#${mine}-${decisionId}`)).toBe(true);
      }),
      { numRuns: 100 },
    );
    // A longer or shorter account number that shares the prefix is someone else; the org-wide index
    // partitions (every account's approved decisions, an identity name without account) are nobody's.
    const mine = '111111111111';
    for (const k of [
      `DECISION#${mine}1-x`,
      `DECISION#11111111111-x`,
      `DECISION#-${mine}`,
      `decision#${mine}-x`,
      'DECISION#approved',
      'IDENTITY#role/app',
      `IDENTITY#${mine}1#role/app`,
      `IDENTITY#11111111111#role/app`,
      `IDENTITY#${mine}role/app`,
      `identity#${mine}#role/app`,
      `ACCOUNT#${mine}1`,
      `ACCOUNT#${mine}#x`,
      `ACCOUNT#11111111111`,
      'EXPIRES#approved',
      'ATTEMPT#denied',
      'CAMPAIGN#open',
    ])
      expect(
        memberReadableKeyPatterns(mine).some((p) => stringLike(p, k)),
        k,
      ).toBe(false);
  });
});

describe('organization mode: events cross accounts only inside the organization, only from suite roles', () => {
  it("lets onto the hub bus only the members' forwarding role, from the organization, only member event types", () => {
    const allows = busPolicies(hub.template).filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    const s = allows[0];
    expect(s.Principal).toEqual({ AWS: '*' });
    expect(s.Action).toBe('events:PutEvents');
    expect(s.Condition.StringEquals).toEqual({
      'aws:PrincipalOrgID': ORG.organizationId,
      'events:source': 'nhi-gov',
    });
    expect(s.Condition['ForAllValues:StringEquals']).toEqual({
      'events:detail-type': [...MEMBER_TO_HUB_DETAIL_TYPES],
    });
    expect(renderResource(s.Condition.ArnLike['aws:PrincipalArn'])).toBe(
      'arn:<AWS::Partition>:iam::*:role/nhi-gov/nhi-gov-to-hub-*',
    );
    // No member account is listed in the bus policy (only the hub's own, in the Deny of non-suite
    // publishers): it does not grow with the organization.
    expect(new Set(JSON.stringify(busPolicies(hub.template)).match(/\d{12}/g))).toEqual(
      new Set([ORG.hubAccount]),
    );
  });

  it("names the member's forwarding role so the hub admits it, and lets it put on the hub bus only", () => {
    const toHub = member.stack.toHub;
    if (!toHub) throw new Error('no forward to hub');
    const role = member.template.findResources('AWS::IAM::Role')[logicalId(member.stack, toHub.role)];
    expect(renderResource(role?.Properties.RoleName)).toBe('nhi-gov-to-hub-<AWS::Region>');
    expect(role?.Properties.Path).toBe('/nhi-gov/');
    const statements = roleStatements(member.template, logicalId(member.stack, toHub.role));
    expect(statements).toHaveLength(1);
    expect(statements[0]?.Action).toEqual(['events:PutEvents']);
    expect(statements[0]?.Resource.map(renderResource)).toEqual([
      `arn:<AWS::Partition>:events:${ORG.hubRegion}:${ORG.hubAccount}:event-bus/nhi-gov`,
    ]);
    const [rule] = Object.values(member.template.findResources('AWS::Events::Rule')).filter((r) =>
      JSON.stringify(r.Properties.Targets).includes(':event-bus/'),
    );
    expect(rule?.Properties.EventPattern['detail-type']).toEqual([...MEMBER_TO_HUB_DETAIL_TYPES]);
  });

  it('lets onto a member bus only the hub dispatch role, from the organization, only decision events', () => {
    const allows = busPolicies(member.template).filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    const s = allows[0];
    expect(renderResource(s.Principal.AWS)).toBe(
      `arn:<AWS::Partition>:iam::${ORG.hubAccount}:role/nhi-gov/nhi-gov-dispatch-${ORG.hubRegion}`,
    );
    expect(s.Condition.StringEquals).toEqual({
      'aws:PrincipalOrgID': ORG.organizationId,
      'events:source': 'nhi-gov',
    });
    expect(s.Condition['ForAllValues:StringEquals']).toEqual({
      'events:detail-type': [...HUB_TO_MEMBER_DETAIL_TYPES],
    });
  });

  it("dispatches only the hub's own decision events, to suite buses of accounts in the organization", () => {
    const dispatch = hub.stack.dispatch;
    if (!dispatch) throw new Error('no dispatch');
    const role = hub.template.findResources('AWS::IAM::Role')[logicalId(hub.stack, dispatch.role)];
    expect(role?.Properties.RoleName).toBe(`nhi-gov-dispatch-${ORG.hubRegion}`);
    const put = roleStatements(hub.template, logicalId(hub.stack, dispatch.role)).filter((s) =>
      s.Action.includes('events:PutEvents'),
    );
    expect(put).toHaveLength(1);
    expect(put[0]?.Resource.map(renderResource)).toEqual([
      `arn:<AWS::Partition>:events:${ORG.hubRegion}:*:event-bus/nhi-gov`,
    ]);
    expect(put[0]?.Condition).toEqual({ StringEquals: { 'aws:ResourceOrgID': ORG.organizationId } });
    const rules = Object.values(hub.template.findResources('AWS::Events::Rule')).filter((r) =>
      JSON.stringify(r.Properties.Targets).includes(logicalId(hub.stack, dispatch.stateMachine)),
    );
    expect(rules).toHaveLength(1);
    expect(rules[0]?.Properties.EventPattern).toEqual({
      source: ['nhi-gov'],
      'detail-type': [...HUB_TO_MEMBER_DETAIL_TYPES],
      account: [ORG.hubAccount],
      detail: { accountId: [{ exists: true }] },
    });
  });

  it('keys the org view by the account EventBridge stamped on the event, never by a field of its detail', () => {
    const ingest = hub.stack.orgIngest;
    if (!ingest) throw new Error('no org ingest');
    const machine = hub.template.findResources('AWS::StepFunctions::StateMachine')[
      logicalId(hub.stack, ingest.stateMachine)
    ];
    const definition = JSON.stringify(machine?.Properties.DefinitionString);
    expect(definition).toContain("States.Format('ACCOUNT#{}', $.account)");
    // The heartbeat goes to the scan log's shape, its account the envelope's too, never older over newer.
    expect(definition).toContain('\\"accountId\\":{\\"S.$\\":\\"$.account\\"}');
    expect(definition).toContain('attribute_not_exists(pk) OR asOf <= :asOf');
    expect(definition).not.toMatch(/\$\.detail\.[A-Za-z]*[Aa]ccount/);
    expect(definition).toContain('attribute_not_exists(pk)');
    const writes = roleStatements(hub.template, logicalId(hub.stack, ingest.role)).filter((s) =>
      s.Action.some((a) => a.startsWith('dynamodb:')),
    );
    expect(writes.map((s) => s.Action)).toEqual([['dynamodb:PutItem']]);
    const orgEvents = hub.stack.data.orgEvents;
    if (!orgEvents) throw new Error('no org events table');
    expect(JSON.stringify(writes[0]?.Resource)).toContain(logicalId(hub.stack, orgEvents));
    // No role of the hub writes both decisions and the org view (two trails).
    const decisionsId = logicalId(hub.stack, hub.stack.data.decisions);
    for (const { roleId, statements } of allRoles(hub.template)) {
      const writesTo = (id: string) =>
        statements.some(
          (s) =>
            s.Effect === 'Allow' &&
            DYNAMO_WRITES.some((w) => coversAction(s, w)) &&
            JSON.stringify(s.Resource).includes(id),
        );
      expect(writesTo(decisionsId) && writesTo(logicalId(hub.stack, orgEvents)), roleId).toBe(false);
    }
  });

  it('puts the account of each hub decision into its events, for the dispatch', () => {
    const pipes = Object.values(hub.template.findResources('AWS::Pipes::Pipe')).filter(
      (p) => p.Properties.TargetParameters.EventBridgeEventBusParameters.DetailType === 'DecisionApproved',
    );
    expect(pipes).toHaveLength(1);
    expect(pipes[0]?.Properties.TargetParameters.InputTemplate).toContain(
      '"accountId": "<$.dynamodb.NewImage.accountId.S>"',
    );
    for (const f of pipes[0]?.Properties.SourceParameters.FilterCriteria.Filters ?? [])
      expect(JSON.parse(f.Pattern).dynamodb.NewImage.accountId).toEqual({ S: [{ exists: true }] });
  });
});

/**
 * IAM's evaluation of the hub decisions table's resource policy for one request of a member role:
 * an Allow statement for the action and the role name, inside the organization, with every leading
 * key matching one of its patterns once `${aws:PrincipalAccount}` is the caller's account.
 */
function hubPolicyAllows(
  statements: readonly Statement[],
  request: { account: string; role: 'provision' | 'rotate' | 'scan'; action: string; leadingKeys: string[] },
): boolean {
  const principalArn = `arn:aws:iam::${request.account}:role${SUITE_ROLE_PATH}nhi-gov-${request.role}-${ORG.hubRegion}`;
  return statements.some((s) => {
    const c = s.Condition ?? {};
    const roles = [c.ArnLike?.['aws:PrincipalArn']]
      .flat()
      .map((r) => renderResource(r).replace('<AWS::Partition>', 'aws'));
    const patterns = [c['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']]
      .flat()
      .map((p) => String(p).replaceAll(PRINCIPAL_ACCOUNT_VARIABLE, request.account));
    return (
      s.Effect === 'Allow' &&
      [s.Action].flat().includes(request.action) &&
      c.StringEquals?.['aws:PrincipalOrgID'] === ORG.organizationId &&
      roles.some((r) => stringLike(r, principalArn)) &&
      request.leadingKeys.every((k) => patterns.some((p) => stringLike(p, k)))
    );
  });
}

/** Every read a store makes, as IAM sees it: the action and the partition key it leads with. */
const dynamo = mockClient(DynamoDBDocumentClient);
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: ORG.hubRegion }));
async function readsOf(
  run: (store: DynamoDecisionStore) => Promise<unknown>,
  scope: ConstructorParameters<typeof DynamoDecisionStore>[2],
) {
  dynamo.reset();
  const reads: { action: string; key: string }[] = [];
  dynamo.on(QueryCommand).callsFake((input) => {
    reads.push({ action: 'dynamodb:Query', key: String(input.ExpressionAttributeValues?.[':pk']) });
    return { Items: [] };
  });
  dynamo.on(GetCommand).callsFake((input) => {
    reads.push({ action: 'dynamodb:GetItem', key: String(input.Key?.pk) });
    return {};
  });
  await run(new DynamoDecisionStore(doc, HUB_DECISIONS_TABLE_NAME, scope));
  return reads;
}

/** What a member's functions read of the hub: the scanner's lists, provision's look-ups, the executors' re-read. */
const memberReads =
  (account: string, identityKey: string, decisionId: string) => async (store: DynamoDecisionStore) => {
    await store.get(`${account}-${decisionId}`, { consistent: true });
    for (const status of ['approved', 'revoked', 'expired'] as const) await store.listByStatus(status);
    await store.listDeniedAttemptsSince('2026-01-01T00:00:00.000Z');
    await store.listExpiringBefore('approved', '2026-12-31T00:00:00.000Z');
    await store.listByIdentity(identityKey, account);
    await store.listByIdentity(identityKey);
  };

describe("organization mode: a member's index queries on the hub table pass for its own account only", () => {
  const [decisions] = Object.values(hub.template.findResources('AWS::DynamoDB::GlobalTable')).filter(
    (t) => t.Properties.TableName === HUB_DECISIONS_TABLE_NAME,
  );
  const statements = decisions?.Properties.Replicas[0].ResourcePolicy.PolicyDocument.Statement as Statement[];
  // Accounts that share prefixes, and identity names that try to run into the next key part.
  const account = fc
    .array(fc.constantFrom('1', '2'), { minLength: 12, maxLength: 12 })
    .map((d) => d.join(''));
  const name = fc.oneof(
    fc.stringMatching(/^[\w+=,.@-]{1,64}$/),
    fc.string({ unit: fc.constantFrom('#', '-', '*', '?', '1', '2', 'a', '/'), minLength: 1, maxLength: 20 }),
  );
  const identityKey = fc.tuple(fc.constantFrom('role', 'user'), name).map(([t, n]) => `${t}/${n}`);
  const decisionId = fc.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/);

  it('admits every read the member store makes (scanner lists, other grants of an identity, re-read) for its own account', async () => {
    await fc.assert(
      fc.asyncProperty(account, identityKey, decisionId, async (mine, key, id) => {
        // Arrange / Act: the reads of a store limited to the member's account, as the member wires it.
        const reads = await readsOf(memberReads(mine, key, id), { account: mine });
        // Assert: index queries included, each passes the hub's LeadingKeys for the scanner and provision.
        expect(reads.filter((r) => r.action === 'dynamodb:Query').length).toBeGreaterThanOrEqual(6);
        for (const r of reads)
          for (const role of ['scan', 'provision'] as const)
            expect(
              hubPolicyAllows(statements, { account: mine, role, action: r.action, leadingKeys: [r.key] }),
              `${role} ${r.key}`,
            ).toBe(true);
        // The executors' re-read is all rotate needs, and all it gets.
        expect(
          hubPolicyAllows(statements, {
            account: mine,
            role: 'rotate',
            action: 'dynamodb:GetItem',
            leadingKeys: [`DECISION#${mine}-${id}`],
          }),
        ).toBe(true);
        expect(
          hubPolicyAllows(statements, {
            account: mine,
            role: 'rotate',
            action: 'dynamodb:Query',
            leadingKeys: [`ACCOUNT#${mine}`],
          }),
        ).toBe(false);
      }),
      { numRuns: 40 },
    );
  });

  it('refuses a member every partition of another account and every org-wide partition, one role name in two accounts included', async () => {
    await fc.assert(
      fc.asyncProperty(account, account, identityKey, decisionId, async (mine, other, key, id) => {
        fc.pre(mine !== other);
        // Arrange: what the other account's member reads, and what the hub's governance reads (org-wide).
        const theirs = await readsOf(memberReads(other, key, id), { account: other });
        const hubWide = await readsOf(memberReads(other, key, id), 'all');
        // role/x of two accounts: two partitions, never one.
        const [mineKey, otherKey] = [mine, other].map((a) => `IDENTITY#${a}#${key}`);
        expect(theirs.map((r) => r.key)).toContain(otherKey);
        expect(theirs.map((r) => r.key)).not.toContain(mineKey);
        // Act / Assert: none of it passes for `mine`, whatever the role.
        for (const r of [...theirs, ...hubWide.filter((h) => !h.key.includes(other))])
          for (const role of ['scan', 'provision', 'rotate'] as const)
            expect(
              hubPolicyAllows(statements, { account: mine, role, action: r.action, leadingKeys: [r.key] }),
              `${role} ${r.key}`,
            ).toBe(false);
        // A batch naming its own partition and another account's is refused as a whole (ForAllValues).
        expect(
          hubPolicyAllows(statements, {
            account: mine,
            role: 'scan',
            action: 'dynamodb:Query',
            leadingKeys: [`ACCOUNT#${mine}`, `ACCOUNT#${other}`],
          }),
        ).toBe(false);
      }),
      { numRuns: 40 },
    );
  });

  it("refuses in the member store a look-up of another account's identity before any read", async () => {
    const reads = await readsOf(
      async (store) => {
        await expect(store.listByIdentity('role/app', '222222222222')).rejects.toThrow(ForbiddenError);
      },
      { account: '111111111111' },
    );
    expect(reads).toEqual([]);
  });

  it('still lets no member write decisions, in its own partitions or any other', () => {
    for (const action of DYNAMO_WRITES)
      for (const role of ['scan', 'provision', 'rotate'] as const)
        for (const key of ['DECISION#111111111111-x', 'IDENTITY#111111111111#role/x', 'ACCOUNT#111111111111'])
          expect(
            hubPolicyAllows(statements, { account: '111111111111', role, action, leadingKeys: [key] }),
            `${role} ${action}`,
          ).toBe(false);
  });

  it('tells the member functions their account and to read the hub by account; no single-account stack is scoped', () => {
    for (const f of [
      member.stack.provisioning?.provision,
      member.stack.rotation?.rotate,
      member.stack.scanners?.scan,
    ]) {
      const env =
        member.template.toJSON().Resources[logicalId(member.stack, f?.fn as never)]?.Properties.Environment
          .Variables;
      expect(env?.ACCOUNT_ID).toEqual({ Ref: 'AWS::AccountId' });
      expect(env?.DECISIONS_READ_SCOPE).toBe('account');
    }
  });

  it('keeps migrated decisions out of the hub dispatch: the INSERT filters of decision events require no migratedFrom', () => {
    const pipes = Object.values(hub.template.findResources('AWS::Pipes::Pipe')).filter((p) =>
      HUB_TO_MEMBER_DETAIL_TYPES.includes(
        p.Properties.TargetParameters.EventBridgeEventBusParameters.DetailType,
      ),
    );
    expect(pipes).toHaveLength(HUB_TO_MEMBER_DETAIL_TYPES.length);
    for (const p of pipes) {
      const inserts = (p.Properties.SourceParameters.FilterCriteria.Filters as { Pattern: string }[])
        .map((f) => JSON.parse(f.Pattern))
        .filter((f) => f.eventName.includes('INSERT'));
      expect(inserts).toHaveLength(1);
      for (const f of inserts) expect(f.dynamodb.NewImage.migratedFrom).toEqual({ S: [{ exists: false }] });
    }
  });
});
