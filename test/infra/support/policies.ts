import type { Template } from 'aws-cdk-lib/assertions';

/** One IAM statement as synthesized, with Action and Resource always arrays. */
export interface Statement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string[];
  readonly NotAction: string[];
  readonly Resource: unknown[];
  readonly Condition?: Record<string, Record<string, unknown>>;
}

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function normalize(raw: Record<string, unknown>): Statement {
  return {
    ...(raw.Sid ? { Sid: String(raw.Sid) } : {}),
    Effect: raw.Effect as 'Allow' | 'Deny',
    Action: list(raw.Action as string | string[]),
    NotAction: list(raw.NotAction as string | string[]),
    Resource: list(raw.Resource as unknown),
    ...(raw.Condition ? { Condition: raw.Condition as Statement['Condition'] } : {}),
  };
}

/** Every statement that applies to a role: its inline policies and every AWS::IAM::Policy attached to it. */
export function roleStatements(template: Template, roleLogicalId: string): Statement[] {
  const role = template.findResources('AWS::IAM::Role')[roleLogicalId];
  if (!role) throw new Error(`no role ${roleLogicalId}`);
  const inline = list(role.Properties.Policies as { PolicyDocument: { Statement: unknown[] } }[]).flatMap(
    (p) => p.PolicyDocument.Statement.map((s) => normalize(s as Record<string, unknown>)),
  );
  const attached = Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles ?? []).includes(`"${roleLogicalId}"`))
    .flatMap((p) =>
      (p.Properties.PolicyDocument.Statement as Record<string, unknown>[]).map((s) => normalize(s)),
    );
  expectNoManagedPolicies(role, roleLogicalId);
  return [...inline, ...attached];
}

function expectNoManagedPolicies(role: { [key: string]: unknown }, id: string): void {
  // Every permission must be an explicit statement; a managed policy would escape these tests.
  const properties = (role.Properties ?? {}) as Record<string, unknown>;
  if (list(properties.ManagedPolicyArns as unknown[]).length > 0) {
    throw new Error(`role ${id} has managed policies attached`);
  }
}

/** IAM action wildcard match (`dynamodb:*`, `iam:Create*`), case-insensitive like IAM. */
export function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return re.test(action);
}

/** Whether a statement's action list covers an action (through a wildcard or NotAction). */
export function coversAction(s: Statement, action: string): boolean {
  if (s.NotAction.length > 0) return !s.NotAction.some((p) => actionMatches(p, action));
  return s.Action.some((p) => actionMatches(p, action));
}

/**
 * Whether a resource entry names the table with this logical id itself or one of its indexes
 * (`GetAtt <id>.Arn`, alone or inside a Join), or is `*`. A stream ARN (`<id>.StreamArn`) is not the table.
 */
export function resourceHitsTable(resource: unknown, tableLogicalId: string): boolean {
  if (resource === '*') return true;
  return JSON.stringify(resource).includes(JSON.stringify({ 'Fn::GetAtt': [tableLogicalId, 'Arn'] }));
}

/** Allow statements of a role that grant `action` on the table (directly, by wildcard, or on `*`). */
export function allowsOnTable(statements: Statement[], action: string, tableLogicalId: string): Statement[] {
  return statements.filter(
    (s) =>
      s.Effect === 'Allow' &&
      coversAction(s, action) &&
      s.Resource.some((r) => resourceHitsTable(r, tableLogicalId)),
  );
}

/** Every action a role's Allow statements list for a service (`iam`, `secretsmanager`). */
export function allowedActionsOf(statements: Statement[], service: string): string[] {
  return statements
    .filter((s) => s.Effect === 'Allow')
    .flatMap((s) => [...s.Action, ...(s.NotAction.length ? ['<NotAction>'] : [])])
    .filter((a) => a === '*' || a === '<NotAction>' || a.toLowerCase().startsWith(`${service}:`));
}

/** A resource rendered as text, `Fn::Join` flattened, `Ref`/`GetAtt` as `<...>`: for path checks. */
export function renderResource(resource: unknown): string {
  if (typeof resource === 'string') return resource;
  const o = resource as Record<string, unknown>;
  if ('Ref' in o) return `<${String(o.Ref)}>`;
  if ('Fn::GetAtt' in o) return `<${(o['Fn::GetAtt'] as string[]).join('.')}>`;
  if ('Fn::Join' in o) {
    const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
    return parts.map(renderResource).join(sep);
  }
  return JSON.stringify(resource);
}
