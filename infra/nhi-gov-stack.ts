import { Aspects, CfnOutput, type IAspect, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import { CfnRole } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct, IConstruct } from 'constructs';
import {
  CROSS_ACCOUNT_ROLES,
  HUB_DECISIONS_TABLE_NAME,
  HUB_ORG_EVENTS_TABLE_NAME,
  MEMBER_TO_HUB_DETAIL_TYPES,
} from '../lib/config/organization.js';
import { EVENT_SOURCE } from '../lib/domain/events.js';
import { type NhiGovConfig, SUITE_ROLE_NAME_PREFIX, SUITE_ROLE_PATH } from './config.js';
import {
  allowHubDispatcher,
  allowMemberForwarders,
  busArn,
  crossAccountRoleName,
  Dispatch,
  Forward,
  hubDecisionsReadersPolicy,
  hubDecisionsTableArn,
  OrgEventsIngest,
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
 * Which part of the suite a stack holds: `all` in one account, or in organization mode `hub` (the one
 * governance hub in the security account) and `member` (executors, scanner and trail: the template the
 * StackSet deploys to every account of the chosen OUs, with no account baked in).
 */
export type StackPart = 'all' | 'hub' | 'member';

export interface NhiGovStackProps extends StackProps {
  readonly config: NhiGovConfig;
  /** Default `all`. */
  readonly part?: StackPart;
}

/** Puts every IAM role of the suite under the suite's role path, where the provisioning role may never go. */
class SuiteRolePath implements IAspect {
  visit(node: IConstruct): void {
    if (node instanceof CfnRole && node.path === undefined) node.path = SUITE_ROLE_PATH;
  }
}

/** The suite: one account (`all`), or one side of organization mode (`hub`, `member`). */
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
  /** Hub: decision events to the member buses, member events into the org-events table. */
  readonly dispatch?: Dispatch;
  readonly orgIngest?: OrgEventsIngest;
  /** Member: the rule forwarding member events to the hub bus. */
  readonly toHub?: Forward;

  constructor(scope: Construct, id: string, props: NhiGovStackProps) {
    super(scope, id, props);
    const cfg = props.config;
    const part = props.part ?? 'all';
    const org = cfg.organization;
    if (part !== 'all' && !org) throw new Error(`the ${part} stack needs nhi-gov:organization`);
    const logRetention = cfg.logRetentionDays as RetentionDays;
    const { partition } = this;
    Aspects.of(this).add(new SuiteRolePath());
    // The boundary denies the suite's queues and pipes by this tag (PermissionsBoundary).
    Tags.of(this).add(SUITE_TAG, this.stackName);

    const hasGovernance = part !== 'member';
    const hasExecutors = part !== 'hub';

    // Tables: the hub owns decisions (and the org-wide copy of member events); each member the trail,
    // its findings and idempotency.
    this.data = new DataStore(this, 'Data', {
      include:
        part === 'hub'
          ? ['decisions']
          : part === 'member'
            ? ['executions', 'findings', 'idempotency']
            : undefined,
      ...(part === 'hub' && org
        ? {
            tableNames: { decisions: HUB_DECISIONS_TABLE_NAME },
            resourcePolicies: { decisions: hubDecisionsReadersPolicy(partition, org) },
            orgEvents: { tableName: HUB_ORG_EVENTS_TABLE_NAME },
          }
        : {}),
    });

    this.bus = new SuiteBus(this, 'Events', {
      busName: cfg.busName,
      // The roles of the other side that put the suite's events here: any member account's (the
      // Allow statement then admits only the forwarding role, from the organization), or the hub's.
      ...(part === 'hub' ? { peerAccounts: ['*'] } : {}),
      ...(part === 'member' && org ? { peerAccounts: [org.hubAccount] } : {}),
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
      // The decisions table executors re-read: here, or the hub's (a table in another account is
      // addressed by its ARN, which is also the name the function is told).
      const decisions: NamedTable =
        part === 'member' && org
          ? {
              tableArn: hubDecisionsTableArn(partition, org),
              tableName: hubDecisionsTableArn(partition, org),
            }
          : this.data.decisions;
      // On the hub's table a member reads its own account's partitions only (memberReadableKeyPatterns).
      const decisionsReadScope = part === 'member' && org ? ('account' as const) : undefined;
      const scoped = decisionsReadScope ? { decisionsReadScope } : {};
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
        ...scoped,
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
        ...scoped,
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
        ...scoped,
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

    // The evidence package reads all three tables; in organization mode they live in different accounts.
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

    this.pipes = new EventPipes(this, 'Pipes', {
      bus: this.bus.bus,
      tables: this.data.tables,
      // Hub decisions act in one member account each: their events carry it, for the dispatch.
      decisionAccount: part === 'hub',
    });

    // Organization mode: events cross between the hub bus and the member buses, only within the
    // organization, only the suite's roles, only the detail types each direction needs.
    if (org && part === 'hub') {
      allowMemberForwarders(this.bus, org);
      const orgEvents = this.data.orgEvents;
      if (!orgEvents) throw new Error('the hub stack needs its org-events table');
      this.dispatch = new Dispatch(this, 'Dispatch', {
        bus: this.bus.bus,
        org,
        busName: cfg.busName,
        logRetention,
      });
      this.orgIngest = new OrgEventsIngest(this, 'OrgEvents', {
        bus: this.bus.bus,
        org,
        table: orgEvents,
        logRetention,
      });
      for (const [label, relay] of [
        ['dispatch', this.dispatch],
        ['org events', this.orgIngest],
      ] as const) {
        this.observability.watchQueue(`${label} failures`, relay.deadLetterQueue);
        this.observability.watchQueue(`${label} rule`, relay.ruleDeadLetterQueue);
      }
    }
    if (org && part === 'member') {
      allowHubDispatcher(this.bus, org);
      this.toHub = new Forward(this, 'ToHub', this.bus, {
        description: 'member outcomes, findings and revoke requests to the hub bus',
        pattern: { source: [EVENT_SOURCE], detailType: [...MEMBER_TO_HUB_DETAIL_TYPES] },
        targetBusArn: busArn(partition, org.hubRegion, org.hubAccount, cfg.busName),
        roleName: crossAccountRoleName(CROSS_ACCOUNT_ROLES.toHub, this.region),
      });
      this.observability.watchQueue('forward to hub', this.toHub.deadLetterQueue);
    }

    // Alarms on every function and dead-letter queue of this stack.
    const functions = [
      ...(this.governance?.functions ?? []),
      ...(this.provisioning ? [this.provisioning.provision] : []),
      ...(this.rotation ? [this.rotation.rotate] : []),
      ...(this.scanners ? [this.scanners.scan] : []),
      ...(this.scanners?.securityHubExport ? [this.scanners.securityHubExport] : []),
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
}
