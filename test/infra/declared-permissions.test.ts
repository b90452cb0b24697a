import { readFileSync } from 'node:fs';
import { type CfnElement, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { NhiFunction } from '../../infra/constructs/nhi-function.js';
import type { NhiGovStack } from '../../infra/nhi-gov-stack.js';
import { FUNCTION_ENTRIES, FUNCTION_ENV, type FunctionId } from '../../lib/config/functions.js';
import { FUNCTION_PERMISSIONS } from '../../lib/config/permissions/index.js';
import {
  type DeclaredStatement,
  type PermissionOptions,
  type ResourceRef,
  statementsFor,
  type TableKey,
} from '../../lib/config/permissions/types.js';
import { ENV } from '../../lib/config/tables.js';
import { renderResource, roleStatements, type Statement } from './support/policies.js';
import { config, type Synthesized, synthOrganization, synthSingle } from './support/synth.js';

/**
 * What a symbol of a declaration stands for in a synthesized stack, worked out here from the stack's
 * own members and the function's environment (not with infra's resolver), rendered like the template.
 */
function expectedResources(stack: NhiGovStack, fn: NhiFunction, ref: ResourceRef): string[] {
  const r = (value: string) => renderResource(stack.resolve(value));
  const { partition, account, region } = Stack.of(stack);
  const cfg = config();
  const env = (name: string): string => {
    const vars = (
      stack.resolve((fn.fn.node.defaultChild as CfnElement & { environment: unknown }).environment) as {
        variables?: Record<string, unknown>;
      }
    ).variables;
    const value = vars?.[name];
    if (value === undefined) throw new Error(`${fn.functionId} has no ${name}`);
    return renderResource(value);
  };
  const tableEnv: Record<TableKey, string> = {
    decisions: ENV.decisionsTable,
    executions: ENV.executionsTable,
    findings: ENV.findingsTable,
    idempotency: ENV.idempotencyTable,
  };
  const table = /^table:([a-z]+)(\/index\/.+)?$/.exec(ref);
  if (table) {
    const key = table[1] as TableKey;
    const local = stack.data.tables[key];
    // A table of another account (the member side's decisions) is named by its ARN in the environment.
    const arn = local ? r(local.tableArn) : env(tableEnv[key]);
    return [`${arn}${table[2] ?? ''}`];
  }
  const iam = (resource: string) => r(`arn:${partition}:iam::${account}:${resource}`);
  const schedulerRole =
    fn.functionId === 'rotate' ? stack.rotation?.keySchedulerRole : stack.provisioning?.schedulerRole;
  const group = fn.functionId === 'rotate' ? cfg.keyScheduleGroupName : cfg.scheduleGroupName;
  switch (ref) {
    case '*':
      return ['*'];
    case 'iam:role/*':
    case 'iam:user/*':
    case 'iam:group/*':
    case 'iam:policy/*':
    case 'iam:instance-profile/*':
    case 'iam:mfa/*':
      return [iam(ref.slice(4))];
    case 'iam:aws-policy/*':
      return [r(`arn:${partition}:iam::aws:policy/*`)];
    case 'iam:role<MANAGED_PATH>*':
      return [iam(`role${cfg.managedPath}*`)];
    case 'iam:user<MANAGED_PATH>*':
      return [iam(`user${cfg.managedPath}*`)];
    case 'iam:suite-roles':
      return [iam('role/nhi-gov/*'), iam('role/nhi-gov-*')];
    case 'iam:permissions-boundary':
      return [r(stack.boundary?.arn ?? 'no boundary')];
    case 'iam:scheduler-role':
      return [r(schedulerRole?.roleArn ?? 'no scheduler role')];
    case 'secretsmanager:secret:<SECRET_PREFIX>*':
      return [r(`arn:${partition}:secretsmanager:${region}:${account}:secret:${cfg.secretPrefix}*`)];
    case 'scheduler:schedule/<SCHEDULE_GROUP>/*':
      return [r(`arn:${partition}:scheduler:${region}:${account}:schedule/${group}/*`)];
    case 'events:bus':
      return [r(stack.bus.bus.eventBusArn)];
    case 'lambda:self':
      return [env(FUNCTION_ENV.rotateFunctionArn)];
    case 'states:stateMachine:*':
      return [r(`arn:${partition}:states:${region}:${account}:stateMachine:*`)];
    case 'logs:own-log-group':
      return [r(fn.logGroup.logGroupArn)];
    case 'sqs:own-failure-destination':
      return [r(fn.failures?.queueArn ?? 'no failure destination')];
    case 's3:evidence-bucket':
      return [r(stack.evidence?.bucket.bucketArn ?? 'no bucket')];
    case 's3:evidence-bucket/*':
      return [`${r(stack.evidence?.bucket.bucketArn ?? 'no bucket')}/*`];
    case 's3:evidence-bucket/evidence/*':
      return [`${r(stack.evidence?.bucket.bucketArn ?? 'no bucket')}/evidence/*`];
    case 'securityhub:default-product':
      return [r(`arn:${partition}:securityhub:${region}:${account}:product/${account}/default`)];
    default:
      throw new Error(`no expectation for ${ref}`);
  }
}

/** A statement as comparable text: every list sorted, every resource rendered, conditions rendered. */
function canonical(s: {
  Sid?: string;
  Effect: string;
  Action: readonly string[];
  NotAction: readonly string[];
  Resource: readonly string[];
  Condition?: unknown;
}): string {
  const condition = s.Condition
    ? Object.fromEntries(
        Object.entries(s.Condition as Record<string, Record<string, unknown>>)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([op, keys]) => [
            op,
            Object.fromEntries(
              Object.entries(keys)
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([k, v]) => [k, renderResource(v)]),
            ),
          ]),
      )
    : undefined;
  return JSON.stringify({
    Sid: s.Sid ?? null,
    Effect: s.Effect,
    Action: [...s.Action].sort(),
    NotAction: [...s.NotAction].sort(),
    Resource: [...s.Resource].sort(),
    Condition: condition ?? null,
  });
}

function declaredAsTemplate(stack: NhiGovStack, fn: NhiFunction, s: DeclaredStatement): string {
  const condition = s.conditions
    ? Object.fromEntries(
        Object.entries(s.conditions).map(([op, keys]) => [
          op,
          Object.fromEntries(
            Object.entries(keys ?? {}).map(([k, v]) => [
              k,
              v === '<PERMISSIONS_BOUNDARY_ARN>' ? renderResource(stack.resolve(stack.boundary?.arn)) : v,
            ]),
          ),
        ]),
      )
    : undefined;
  return canonical({
    ...(s.sid ? { Sid: s.sid } : {}),
    Effect: s.effect,
    Action: s.actions ?? [],
    NotAction: s.notActions ?? [],
    Resource: s.resources.flatMap((ref) => expectedResources(stack, fn, ref)),
    ...(condition ? { Condition: condition } : {}),
  });
}

function grantedAsTemplate(s: Statement): string {
  return canonical({ ...s, Resource: s.Resource.map(renderResource) });
}

interface Variant {
  readonly name: string;
  readonly synthesized: () => Synthesized;
  readonly options: PermissionOptions;
}

const VARIANTS: readonly Variant[] = [
  { name: 'single account', synthesized: () => synthSingle(), options: {} },
  {
    name: 'single account with Security Hub',
    synthesized: () => synthSingle({ 'nhi-gov:securityHub': true }),
    options: { securityHub: true },
  },
  { name: 'organization, hub', synthesized: () => synthOrganization().hub, options: {} },
  { name: 'organization, member', synthesized: () => synthOrganization().member, options: {} },
];

const functionsOf = (stack: NhiGovStack): NhiFunction[] =>
  stack.node.findAll().filter((c): c is NhiFunction => c instanceof NhiFunction);

describe('every function role grants exactly its declared permissions (lib/config/permissions/)', () => {
  for (const variant of VARIANTS) {
    describe(variant.name, () => {
      let stack: NhiGovStack;
      let template: Template;
      beforeAll(() => {
        ({ stack, template } = variant.synthesized());
      });

      it('grants each function exactly its declaration: actions, resources and conditions, no more, no less', () => {
        // Arrange
        const fns = functionsOf(stack);
        expect(fns.length).toBeGreaterThan(0);
        for (const fn of fns) {
          const roleId = stack.getLogicalId(fn.role.node.defaultChild as CfnElement);
          // Act
          const granted = roleStatements(template, roleId).map(grantedAsTemplate).sort();
          const declared = statementsFor(FUNCTION_PERMISSIONS[fn.functionId], variant.options)
            .filter((s) => s.resources.every((r) => r !== 'sqs:own-failure-destination') || fn.failures)
            .map((s) => declaredAsTemplate(stack, fn, s))
            .sort();
          // Assert: an extra grant (a CDK grant*, a hand-written allow) or a missing one fails here
          expect(granted, fn.functionId).toEqual(declared);
        }
      });
    });
  }

  it('declares every function once, each statement with its reason and exactly one of actions / notActions', () => {
    // Arrange
    const ids = Object.keys(FUNCTION_ENTRIES) as FunctionId[];
    // Act
    const problems = ids.flatMap((id) =>
      FUNCTION_PERMISSIONS[id].statements.flatMap((s, i) => {
        const out: string[] = [];
        if (FUNCTION_PERMISSIONS[id].functionId !== id)
          out.push(`${id}: declared as ${FUNCTION_PERMISSIONS[id].functionId}`);
        if (!s.why.trim()) out.push(`${id}[${i}]: no reason`);
        if (Boolean(s.actions?.length) === Boolean(s.notActions?.length))
          out.push(`${id}[${i}]: actions xor notActions`);
        if (s.resources.length === 0) out.push(`${id}[${i}]: no resource`);
        return out;
      }),
    );
    // Assert
    expect(problems).toEqual([]);
  });

  it('each handler header points to its declaration instead of listing actions', () => {
    // Arrange
    const ids = Object.keys(FUNCTION_ENTRIES) as FunctionId[];
    for (const id of ids) {
      // Act
      const header = readFileSync(FUNCTION_ENTRIES[id], 'utf8').split(/^import /m)[0] ?? '';
      const file = `lib/config/permissions/${FUNCTION_ENTRIES[id].split('/')[1]}.ts`;
      // Assert: the pointer names a file that exists, and the header no longer keeps its own action list
      expect(header, id).toContain(file);
      expect(() => readFileSync(file, 'utf8'), file).not.toThrow();
      expect(
        header.match(/\b(dynamodb|iam|secretsmanager|scheduler|states|s3|events):[A-Z]\w+/g) ?? [],
        id,
      ).toEqual([]);
    }
  });
});
