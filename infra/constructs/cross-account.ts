import { Aws } from 'aws-cdk-lib';
import { EventBus, type EventPattern, Rule } from 'aws-cdk-lib/aws-events';
import { EventBus as EventBusTarget } from 'aws-cdk-lib/aws-events-targets';
import {
  AccountPrincipal,
  PolicyDocument,
  PolicyStatement,
  Role,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SUITE_ROLE_NAME_PREFIX, SUITE_ROLE_PATH } from '../config.js';
import { deadLetterQueue } from './dead-letter-queue.js';
import type { SuiteBus } from './event-bus.js';

/** Name of the member account's bus, and of the governance account's bus that serves that member. */
export const memberBusName = (base: string) => base;
export const governanceBusName = (base: string, memberAccount: string) => `${base}-${memberAccount}`;
/** The decisions table a member's executors re-read, in the governance account. */
export const governanceDecisionsTableName = (memberAccount: string) => `nhi-gov-decisions-${memberAccount}`;

export const busArn = (partition: string, region: string, account: string, name: string) =>
  `arn:${partition}:events:${region}:${account}:event-bus/${name}`;

/** The ARN a suite function's role has in a given account (roles are named, see NhiFunction). */
export const suiteRoleArn = (partition: string, account: string, kebabId: string, region: string) =>
  `arn:${partition}:iam::${account}:role${SUITE_ROLE_PATH}${SUITE_ROLE_NAME_PREFIX}${kebabId}-${region}`;

/**
 * Lets another account of the organization put events on this bus: the account must be the named one
 * and the caller must belong to the organization.
 */
export function allowPutEventsFrom(
  bus: SuiteBus,
  sid: string,
  account: string,
  organizationId: string,
): void {
  bus.bus.addToResourcePolicy(
    new PolicyStatement({
      sid,
      principals: [new AccountPrincipal(account)],
      actions: ['events:PutEvents'],
      resources: [bus.bus.eventBusArn],
      conditions: { StringEquals: { 'aws:PrincipalOrgID': organizationId } },
    }),
  );
}

export interface ForwardProps {
  readonly description: string;
  readonly pattern: EventPattern;
  readonly targetBusArn: string;
}

/**
 * A rule that forwards matching events to a bus in another account, through a role that may put
 * events on that bus only, with a dead-letter queue.
 */
export class Forward extends Construct {
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, bus: SuiteBus, props: ForwardProps) {
    super(scope, id);
    this.deadLetterQueue = deadLetterQueue(this, 'Dlq');
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('events.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: `nhi-gov: forwards events to ${props.targetBusArn}`,
      inlinePolicies: {
        PutOnTargetBus: new PolicyDocument({
          statements: [
            new PolicyStatement({ actions: ['events:PutEvents'], resources: [props.targetBusArn] }),
          ],
        }),
      },
    });
    new Rule(this, 'Rule', {
      eventBus: bus.bus,
      description: props.description,
      eventPattern: props.pattern,
      targets: [
        new EventBusTarget(EventBus.fromEventBusArn(this, 'Target', props.targetBusArn), {
          role,
          deadLetterQueue: this.deadLetterQueue,
        }),
      ],
    });
  }
}
