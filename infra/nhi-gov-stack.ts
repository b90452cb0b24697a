import { Aspects, CfnOutput, type IAspect, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import { AccountPrincipal, CfnRole, PolicyDocument, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct, IConstruct } from 'constructs';
import { EVENT_SOURCE } from '../lib/domain/events.js';
import { type NhiGovConfig, SUITE_ROLE_NAME_PREFIX, SUITE_ROLE_PATH } from './config.js';
import {
  allowPutEventsFrom,
  busArn,
  Forward,
  governanceBusName,
  governanceDecisionsTableName,
  memberBusName,
  suiteRoleArn,
} from './constructs/cross-account.js';
import { DataStore } from './constructs/data-store.js';
import { SuiteBus } from './constructs/event-bus.js';
import { EventPipes } from './constructs/event-pipes.js';
import { Evidence } from './constructs/evidence.js';
import { Governance } from './constructs/governance.js';
import { kebab } from './constructs/nhi-function.js';
import { Observability } from './constructs/observability.js';
import { PermissionsBoundary, SUITE_TAG } from './constructs/permissions-boundary.js';
import { Provisioning } from './constructs/provisioning.js';
import { Rotation } from './constructs/rotation.js';
import { Scanners } from './constructs/scanners.js';
import type { NamedTable } from './constructs/table-access.js';
import { WorkflowExample } from './constructs/workflow-example.js';

/**
 * Which part of the suite a stack holds: `all` in one account, or in the multi-account option
 * `governance` (central security account, one stack per member account) and `member` (executors and
 * scanners in each member account).
 */
export type StackPart = 'all' | 'governance' | 'member';

export interface NhiGovStackProps extends StackProps {
  readonly config: NhiGovConfig;
  /** Default `all`. */
  readonly part?: StackPart;
  /** `governance` and `member` parts: the member account this pair of stacks serves. */
  readonly memberAccount?: string;
}

/** Puts every IAM role of the suite under the suite's role path, where the provisioning role may never go. */
class SuiteRolePath implements IAspect {
  visit(node: IConstruct): void {
    if (node instanceof CfnRole && node.path === undefined) node.path = SUITE_ROLE_PATH;
  }
}

/** The suite's events that leave a member account for governance (outcomes, findings, revoke requests). */
const MEMBER_TO_GOVERNANCE = [
  'AccessProvisioned',
  'AccessProvisioningFailed',
  'SecretRotated',
  'FindingOpened',
  'FindingResolved',
  'RevokeRequested',
];
/** Decision events the member's executors act on. */
const GOVERNANCE_TO_MEMBER = ['DecisionApproved', 'DecisionRevoked', 'DecisionExpired'];

/** The suite: one account (`all`), or one side of the multi-account option. */
export class NhiGovStack extends Stack {
  readonly data: DataStore;
  readonly bus: SuiteBus;
  readonly observability: Observability;
  readonly governance?: Governance;
  readonly provisioning?: Provisioning;
  readonly rotation?: Rotation;
  readonly scanners?: Scanners;
  readonly boundary?: PermissionsBoundary;
  readonly workflow?: WorkflowExample;
  readonly evidence?: Evidence;
  readonly pipes: EventPipes;

  constructor(scope: Construct, id: string, props: NhiGovStackProps) {
    super(scope, id, props);
    const cfg = props.config;
    const part = props.part ?? 'all';
    const org = cfg.organization;
    const member = props.memberAccount;
    if (part !== 'all' && (!org || !member)) {
      throw new Error(`the ${part} stack needs nhi-gov:organization and a member account`);
    }
    const logRetention = cfg.logRetentionDays as RetentionDays;
    const { partition } = this;
    Aspects.of(this).add(new SuiteRolePath());
    // The boundary denies the suite's queues and pipes by this tag (PermissionsBoundary).
    Tags.of(this).add(SUITE_TAG, this.stackName);

    const hasGovernance = part !== 'member';
    const hasExecutors = part !== 'governance';

    // Tables: the governance side owns decisions; the executing side the trail, findings and idempotency.
    this.data = new DataStore(this, 'Data', {
      include:
        part === 'governance'
          ? ['decisions']
          : part === 'member'
            ? ['executions', 'findings', 'idempotency']
            : undefined,
      ...(part === 'governance' && member && org
        ? {
            tableNames: { decisions: governanceDecisionsTableName(member) },
            resourcePolicies: { decisions: this.decisionsReadersPolicy(member, org.organizationId) },
          }
        : {}),
    });

    this.bus = new SuiteBus(this, 'Events', {
      busName:
        part === 'governance' && member ? governanceBusName(cfg.busName, member) : memberBusName(cfg.busName),
      // The other side's forwarding role puts the suite's events here.
      peerAccounts: org && member ? [part === 'governance' ? member : org.governanceAccount] : [],
    });
    this.observability = new Observability(this, 'Observability', {
      ...(cfg.alarmTopicArn ? { alarmTopicArn: cfg.alarmTopicArn } : {}),
      ...(cfg.alarmEmail ? { alarmEmail: cfg.alarmEmail } : {}),
    });

    if (hasGovernance) {
      this.governance = new Governance(this, 'Governance', {
        decisions: this.data.decisions,
        bus: this.bus,
        policyFile: cfg.policyFile,
        ticketingSources: (cfg.policy.document.ticketing ?? []).map((t) => t.source),
        logRetention,
      });
    }

    if (hasExecutors) {
      // The decisions table executors re-read: here, or the governance account's (by ARN, cross-account).
      const decisions: NamedTable =
        part === 'member' && org && member
          ? (() => {
              const arn = `arn:${partition}:dynamodb:${org.region}:${org.governanceAccount}:table/${governanceDecisionsTableName(member)}`;
              // A table in another account is addressed by its ARN.
              return { tableArn: arn, tableName: arn };
            })()
          : this.data.decisions;
      this.boundary = new PermissionsBoundary(this, 'Boundary', {
        ...(cfg.permissionsBoundaryArn ? { existingArn: cfg.permissionsBoundaryArn } : {}),
        protectedTableArns: Object.values(this.data.tables).map((t) => t.tableArn),
        managedPath: cfg.managedPath,
        secretPrefix: cfg.secretPrefix,
        scheduleGroupName: cfg.scheduleGroupName,
        keyScheduleGroupName: cfg.keyScheduleGroupName,
        bus: this.bus.bus,
      });
      this.provisioning = new Provisioning(this, 'Provisioning', {
        managedPath: cfg.managedPath,
        secretPrefix: cfg.secretPrefix,
        scheduleGroupName: cfg.scheduleGroupName,
        boundary: this.boundary,
        decisions,
        executions: this.data.executions,
        findings: this.data.findings,
        idempotency: this.data.idempotency,
        bus: this.bus,
        logRetention,
      });
      this.rotation = new Rotation(this, 'Rotation', {
        managedPath: cfg.managedPath,
        secretPrefix: cfg.secretPrefix,
        rotationDays: cfg.rotationDays,
        keyDeactivateDelayHours: cfg.keyDeactivateDelayHours,
        keyDeleteGraceDays: cfg.keyDeleteGraceDays,
        keyScheduleGroupName: cfg.keyScheduleGroupName,
        decisions,
        executions: this.data.executions,
        findings: this.data.findings,
        idempotency: this.data.idempotency,
        bus: this.bus,
        logRetention,
      });
      this.scanners = new Scanners(this, 'Scanners', {
        managedPath: cfg.managedPath,
        policyFile: cfg.policyFile,
        scanSchedule: cfg.scanSchedule,
        scanTimezone: cfg.scanTimezone,
        decisions,
        ...(part === 'all' ? { localDecisions: this.data.decisions } : {}),
        executions: this.data.executions,
        findings: this.data.findings,
        bus: this.bus,
        logRetention,
        securityHub: cfg.securityHub,
      });
    }

    if (part === 'all' && this.governance) {
      this.workflow = new WorkflowExample(this, 'Workflow', {
        governanceTask: this.governance.task,
        executions: this.data.executions,
        logRetention,
      });
    }

    // The evidence package reads all three tables; in the multi-account option they live in two accounts.
    if (part === 'all' && cfg.evidence.enabled) {
      this.evidence = new Evidence(this, 'Evidence', {
        decisions: this.data.decisions,
        executions: this.data.executions,
        findings: this.data.findings,
        policyFile: cfg.policyFile,
        schedule: cfg.evidence.schedule,
        timezone: cfg.scanTimezone,
        period: cfg.evidence.period,
        objectLockMode: cfg.evidence.objectLockMode,
        retentionDays: cfg.evidence.retentionDays,
        logRetention,
      });
    }

    this.pipes = new EventPipes(this, 'Pipes', { bus: this.bus.bus, tables: this.data.tables });

    // Multi-account: events cross between the pair of buses, only within the organization.
    if (org && member && part === 'governance') {
      allowPutEventsFrom(this.bus, 'MemberAccountEvents', member, org.organizationId);
      const forward = new Forward(this, 'ToMember', this.bus, {
        description: `decisions to the executors of account ${member}`,
        pattern: { source: [EVENT_SOURCE], detailType: GOVERNANCE_TO_MEMBER },
        targetBusArn: busArn(partition, org.region, member, memberBusName(cfg.busName)),
      });
      this.observability.watchQueue('forward to member', forward.deadLetterQueue);
    }
    if (org && member && part === 'member') {
      allowPutEventsFrom(this.bus, 'GovernanceAccountEvents', org.governanceAccount, org.organizationId);
      const forward = new Forward(this, 'ToGovernance', this.bus, {
        description: `outcomes, findings and revoke requests to governance in ${org.governanceAccount}`,
        pattern: { source: [EVENT_SOURCE], detailType: MEMBER_TO_GOVERNANCE },
        targetBusArn: busArn(
          partition,
          org.region,
          org.governanceAccount,
          governanceBusName(cfg.busName, member),
        ),
      });
      this.observability.watchQueue('forward to governance', forward.deadLetterQueue);
    }

    // Alarms on every function and dead-letter queue of this stack.
    const functions = [
      ...(this.governance?.functions ?? []),
      ...(this.provisioning ? [this.provisioning.provision] : []),
      ...(this.rotation ? [this.rotation.rotate] : []),
      ...(this.scanners ? [this.scanners.scan] : []),
      ...(this.evidence ? [this.evidence.writer] : []),
    ];
    for (const f of functions) this.observability.watchFunction(f);
    if (this.boundary) {
      // One executing stack per account and region: its functions are named like their roles, so the
      // boundary denies them by name (a reference to provision's ARN would be a cycle: provision is told
      // the boundary's ARN).
      for (const f of functions) {
        const cfn = f.fn.node.defaultChild as CfnFunction;
        // An unnamed function's name is a lazy token that resolves to nothing (CloudFormation names it).
        if (this.resolve(cfn.functionName) === undefined) {
          cfn.functionName = `${SUITE_ROLE_NAME_PREFIX}${kebab(f.functionId)}-${this.region}`;
        }
      }
    }
    for (const { label, queue } of [
      ...this.bus.deadLetterQueues,
      ...this.pipes.deadLetterQueues,
      ...(this.rotation?.deadLetterQueues ?? []),
      ...(this.scanners?.deadLetterQueues ?? []),
      ...(this.evidence?.deadLetterQueues ?? []),
      ...(this.provisioning
        ? [{ label: 'JIT revoke schedules', queue: this.provisioning.scheduleDeadLetters }]
        : []),
    ]) {
      this.observability.watchQueue(label, queue);
    }

    for (const [name, table] of Object.entries(this.data.tables)) {
      new CfnOutput(this, `${name[0]?.toUpperCase()}${name.slice(1)}TableName`, { value: table.tableName });
    }
    new CfnOutput(this, 'EventBusName', { value: this.bus.bus.eventBusName });
    if (this.evidence) new CfnOutput(this, 'EvidenceBucketName', { value: this.evidence.bucket.bucketName });
    // Last: the boundary denies every queue, pipe, rule, schedule, state machine and key of the stack.
    this.boundary?.protectSuiteResources(this);
    if (this.boundary) new CfnOutput(this, 'PermissionsBoundaryArn', { value: this.boundary.arn });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.observability.topic.topicArn });
  }

  /**
   * The governance account's decisions table may be read by the member's executors (GetItem: the
   * consistent re-read before acting) and scanner (GetItem, Query), only from inside the organization.
   */
  private decisionsReadersPolicy(member: string, organizationId: string): PolicyDocument {
    const { partition } = this;
    const memberRegion = this.region;
    const role = (id: string) => suiteRoleArn(partition, member, kebab(id), memberRegion);
    const org = { 'aws:PrincipalOrgID': organizationId };
    return new PolicyDocument({
      statements: [
        new PolicyStatement({
          sid: 'ExecutorsReReadDecisions',
          principals: [new AccountPrincipal(member)],
          actions: ['dynamodb:GetItem'],
          resources: ['*'],
          conditions: {
            StringEquals: org,
            ArnEquals: { 'aws:PrincipalArn': [role('provision'), role('rotate')] },
          },
        }),
        new PolicyStatement({
          sid: 'ScannerReadsDecisions',
          principals: [new AccountPrincipal(member)],
          actions: ['dynamodb:GetItem', 'dynamodb:Query'],
          resources: ['*'],
          conditions: { StringEquals: org, ArnEquals: { 'aws:PrincipalArn': role('scan') } },
        }),
      ],
    });
  }
}
