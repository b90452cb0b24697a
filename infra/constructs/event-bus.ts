import { Duration, Stack } from 'aws-cdk-lib';
import { EventBus, type EventPattern, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { BusRoute, EventPatternJson } from '../../lib/config/event-routes.js';
import { EVENT_SOURCE } from '../../lib/domain/events.js';
import { SUITE_ROLE_NAME_PREFIX, SUITE_ROLE_PATH } from '../config.js';
import { deadLetterQueue } from './dead-letter-queue.js';
import type { NhiFunction } from './nhi-function.js';

export interface SuiteBusProps {
  readonly busName: string;
  /**
   * Accounts besides this one whose suite roles may put `nhi-gov` events on this bus (organization
   * mode: the hub's account on a member bus; `*` on the hub bus, where the Allow statement admits only
   * the members' forwarding role, from inside the organization).
   */
  readonly peerAccounts?: readonly string[];
}

/** Sid of the bus policy statement that refuses `nhi-gov` events from anyone but the suite's roles. */
export const ONLY_SUITE_ROLES_SID = 'OnlySuiteRolesPublishSuiteEvents';

/**
 * The role ARNs that may publish `nhi-gov` events: every role of the suite is under the suite's role
 * path (functions, pipes, the JIT scheduler, the forwarding rules); function roles are also named
 * `nhi-gov-*`.
 */
export const suitePublisherArns = (partition: string, accounts: readonly string[]) =>
  accounts.flatMap((account) => [
    `arn:${partition}:iam::${account}:role${SUITE_ROLE_PATH}*`,
    `arn:${partition}:iam::${account}:role/${SUITE_ROLE_NAME_PREFIX}*`,
  ]);

export interface RouteProps {
  readonly description: string;
  readonly pattern: EventPattern;
  readonly target: NhiFunction;
}

/**
 * The suite's own EventBridge bus: decisions, outcomes and findings flow over it. Every route to a
 * function has a retry policy and its own dead-letter queue, so an event that cannot be delivered is
 * kept (and alarmed), never dropped.
 */
export class SuiteBus extends Construct {
  readonly bus: EventBus;
  /** Dead-letter queues of every route, for the alarms. */
  readonly deadLetterQueues: { readonly label: string; readonly queue: Queue }[] = [];

  constructor(scope: Construct, id: string, props: SuiteBusProps) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', { eventBusName: props.busName, description: 'nhi-gov events' });
    // Governance trusts `nhi-gov` events (RevokeRequested, outcomes) as the suite's own: an explicit Deny
    // in the bus policy refuses them from any other principal, in this account too, whatever its IAM
    // policy allows. Other sources (ticketing AccessRequested) are untouched.
    const { account, partition } = Stack.of(this);
    this.bus.addToResourcePolicy(
      new PolicyStatement({
        sid: ONLY_SUITE_ROLES_SID,
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['events:PutEvents'],
        resources: [this.bus.eventBusArn],
        conditions: {
          StringEquals: { 'events:source': EVENT_SOURCE },
          ArnNotLike: {
            'aws:PrincipalArn': suitePublisherArns(partition, [account, ...(props.peerAccounts ?? [])]),
          },
        },
      }),
    );
    // A year of the suite's own events can be replayed after an incident (invariant 8: nothing approved is lost).
    this.bus.archive('Archive', {
      description: 'nhi-gov events, replayable',
      eventPattern: { source: [EVENT_SOURCE] },
      retention: Duration.days(365),
    });
  }

  /** A rule declared in lib/config/event-routes.ts (shared with the local pipeline) to its function. */
  routeTo(route: Pick<BusRoute, 'id' | 'description' | 'pattern'>, target: NhiFunction): Rule {
    return this.route(route.id, {
      description: route.description,
      pattern: cdkPattern(route.pattern),
      target,
    });
  }

  /** A rule on the bus to one function, with retries and a dead-letter queue. */
  route(id: string, props: RouteProps): Rule {
    const dlq = deadLetterQueue(this, `${id}Dlq`);
    this.deadLetterQueues.push({ label: `rule ${id}`, queue: dlq });
    const rule = new Rule(this, id, {
      eventBus: this.bus,
      description: props.description,
      eventPattern: props.pattern,
    });
    rule.addTarget(
      new LambdaFunction(props.target.fn, {
        deadLetterQueue: dlq,
        retryAttempts: 8,
        maxEventAge: Duration.hours(2),
      }),
    );
    return rule;
  }
}

/** CDK spells `detail-type` as `detailType`; every other field of a pattern keeps its name. */
export function cdkPattern(pattern: EventPatternJson): EventPattern {
  const { 'detail-type': detailType, ...rest } = pattern as Record<string, unknown>;
  return { ...rest, ...(detailType === undefined ? {} : { detailType }) } as EventPattern;
}
