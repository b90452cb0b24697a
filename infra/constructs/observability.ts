import { Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  type Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../lib/config/functions.js';
import type { NhiFunction } from './nhi-function.js';

export interface ObservabilityProps {
  /** Existing SNS topic for alarms; otherwise one is created (KMS-encrypted, TLS only). */
  readonly alarmTopicArn?: string;
  readonly alarmEmail?: string;
}

/** Metric names the functions emit through Powertools (namespace METRICS_NAMESPACE), used by the dashboard. */
export const DASHBOARD_METRICS = {
  provisioningLatency: 'ProvisioningLatency',
  findingsOpen: 'OpenFindings',
  reviewsCompleted: 'ReviewsCompleted',
  reviewsDue: 'ReviewsDue',
} as const;

/**
 * Alarms and the dashboard. Every dead-letter queue alarms at its first message, every function on any
 * error or throttle; alarms go to one SNS topic. The dashboard shows the provisioning and governance
 * metrics the design asks for, from the Powertools metrics namespace.
 */
export class Observability extends Construct {
  readonly topic: ITopic;
  readonly dashboard: Dashboard;
  readonly alarms: Alarm[] = [];
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    if (props.alarmTopicArn) {
      this.topic = Topic.fromTopicArn(this, 'Alarms', props.alarmTopicArn);
    } else {
      // CloudWatch cannot publish to a topic under the AWS-managed SNS key, hence a customer key it may use.
      const key = new Key(this, 'AlarmsKey', {
        description: 'nhi-gov alarm topic',
        enableKeyRotation: true,
      });
      key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
      const topic = new Topic(this, 'Alarms', {
        displayName: 'nhi-gov alarms',
        masterKey: key,
        enforceSSL: true,
      });
      if (props.alarmEmail) topic.addSubscription(new EmailSubscription(props.alarmEmail));
      this.topic = topic;
    }
    this.action = new SnsAction(this.topic);

    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(7) });
    const { region } = Stack.of(this);
    const search = (expression: string, label: string, stat: string, period: Duration) =>
      new MathExpression({
        expression: `SEARCH('{${METRICS_NAMESPACE},service} ${expression}', '${stat}', ${period.toSeconds()})`,
        label,
        period,
        searchRegion: region,
      });
    const searchByType = (metric: string, label: string) =>
      new MathExpression({
        expression: `SEARCH('{${METRICS_NAMESPACE},service,type} MetricName="${metric}"', 'Maximum', 86400)`,
        label,
        period: Duration.days(1),
      });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown:
          '# nhi-gov\nProvisioning metrics (time to grant and remove access) and governance metrics (findings, review completion). Alarms: every DLQ, function error and throttle.',
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Provisioning latency (decision -> IAM change), p50 / p90 / max',
        left: [
          search(`MetricName="${DASHBOARD_METRICS.provisioningLatency}"`, 'p50', 'p50', Duration.hours(1)),
          search(`MetricName="${DASHBOARD_METRICS.provisioningLatency}"`, 'p90', 'p90', Duration.hours(1)),
          search(
            `MetricName="${DASHBOARD_METRICS.provisioningLatency}"`,
            'max',
            'Maximum',
            Duration.hours(1),
          ),
        ],
        leftYAxis: { label: 'ms', showUnits: false },
        width: 12,
      }),
      new GraphWidget({
        title: 'Open findings: total, and by type (each scan emits OpenFindings with a `type` dimension)',
        left: [
          search(
            `MetricName="${DASHBOARD_METRICS.findingsOpen}"`,
            'open (total)',
            'Maximum',
            Duration.days(1),
          ),
          searchByType(DASHBOARD_METRICS.findingsOpen, 'open'),
        ],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        // Gauges the daily scan emits from its metrics snapshot; the same figures are in `nhi-gov report reviews`.
        title: 'Review completion: NHIs reviewed within the certification interval vs in scope',
        left: [
          search(
            `MetricName="${DASHBOARD_METRICS.reviewsCompleted}"`,
            'reviewed',
            'Maximum',
            Duration.days(1),
          ),
          search(`MetricName="${DASHBOARD_METRICS.reviewsDue}"`, 'due', 'Maximum', Duration.days(1)),
        ],
        width: 12,
      }),
    );
  }

  /** Errors and throttles of a function, and its on-failure queue when it has one. */
  watchFunction(f: NhiFunction): void {
    const name = f.functionId;
    this.alarm(`${name}Errors`, f.fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }), {
      description: `nhi-gov ${name}: the function failed`,
    });
    this.alarm(`${name}Throttles`, f.fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }), {
      description: `nhi-gov ${name}: invocations were throttled`,
    });
    if (f.failures) this.watchQueue(`${name} failed invocations`, f.failures);
    this.dashboard.addWidgets(
      new GraphWidget({
        title: `${name}: invocations, errors, throttles`,
        left: [f.fn.metricInvocations(), f.fn.metricErrors(), f.fn.metricThrottles()],
        right: [f.fn.metricDuration({ statistic: 'p90' })],
        width: 8,
        height: 5,
      }),
    );
  }

  /** A dead-letter queue: alarm at the first message. */
  watchQueue(label: string, queue: Queue): void {
    const id = label.replace(/[^A-Za-z0-9]/g, '');
    this.alarm(
      `${id}DlqDepth`,
      queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      { description: `nhi-gov: messages in the dead-letter queue of ${label}; inspect and redrive` },
    );
  }

  private alarm(id: string, metric: Metric, props: { description: string }): void {
    const alarm = new Alarm(this, id, {
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: props.description,
    });
    alarm.addAlarmAction(this.action);
    this.alarms.push(alarm);
  }
}
