import { CfnOutput, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { accessRequestedRoute, BUS_ROUTES } from '../../lib/config/event-routes.js';
import { FUNCTION_ENV } from '../../lib/config/functions.js';
import { FUNCTION_PERMISSIONS } from '../../lib/config/permissions/index.js';
import { ENV } from '../../lib/config/tables.js';
import { SUITE_ROLE_NAME_PREFIX, SUITE_ROLE_PATH } from '../config.js';
import type { SuiteBus } from './event-bus.js';
import { acknowledgeIndexQueries, acknowledgeWildcard, nagPseudo } from './nag-helpers.js';
import { NhiFunction } from './nhi-function.js';

export interface GovernanceProps {
  readonly decisions: TableV2;
  readonly bus: SuiteBus;
  readonly policyFile: string;
  /** EventBridge sources the policy file trusts for AccessRequested (`ticketing[].source`). */
  readonly ticketingSources: readonly string[];
  readonly logRetention: RetentionDays;
}

/**
 * The governance-task requester list of a stack without a workflow: a role under the suite's path that
 * the suite never creates (the provisioning role and the boundary keep every executor off that path).
 */
export const noWorkflowRequester = (partition: string, account: string) =>
  `arn:${partition}:iam::${account}:role${SUITE_ROLE_PATH}${SUITE_ROLE_NAME_PREFIX}no-workflow-deployed`;

/** What each governance function may do on the decisions table (lib/config/permissions/): never delete. */
type GovernanceFunctionId = 'governanceApi' | 'governanceTask' | 'governanceEvents' | 'governanceCallback';
const decisionsActionsOf = (id: GovernanceFunctionId): readonly string[] =>
  FUNCTION_PERMISSIONS[id].statements
    .filter((st) => st.sid === 'Decisions')
    .flatMap((st) => st.actions ?? []);
export const GOVERNANCE_DECISIONS_ACTIONS: Readonly<Record<GovernanceFunctionId, readonly string[]>> = {
  governanceApi: decisionsActionsOf('governanceApi'),
  governanceTask: decisionsActionsOf('governanceTask'),
  governanceEvents: decisionsActionsOf('governanceEvents'),
  governanceCallback: decisionsActionsOf('governanceCallback'),
};

/**
 * Governance: the deciding side. Four functions, each with read/write on the decisions table only,
 * and no IAM, Secrets Manager or executions-table permission at all. Requests come in through the
 * HTTP API (IAM authorization: the caller's ARN is the authenticated principal), a Step Functions
 * task, or events on the bus.
 */
export class Governance extends Construct {
  readonly api: NhiFunction;
  readonly task: NhiFunction;
  readonly events: NhiFunction;
  readonly callback: NhiFunction;
  readonly httpApi: HttpApi;
  readonly functions: NhiFunction[];

  constructor(scope: Construct, id: string, props: GovernanceProps) {
    super(scope, id);
    const { account, partition } = Stack.of(this);
    const env = { [ENV.decisionsTable]: props.decisions.tableName };
    const common = { logRetention: props.logRetention, policyFile: props.policyFile, environment: env };

    this.api = new NhiFunction(this, 'Api', {
      ...common,
      id: 'governanceApi',
      description: 'HTTP API: submit, approve, reject, cancel, revoke, exceptions, campaigns',
      asynchronous: false,
    });
    this.task = new NhiFunction(this, 'Task', {
      ...common,
      environment: {
        ...env,
        // The requester is a field of the invocation payload, so the task files only for the roles listed
        // here (WorkflowExample lists its role). Without a workflow in this stack it lists one reserved
        // name under the suite's role path that no workflow has: every requester is refused.
        [FUNCTION_ENV.taskRequesterArns]: noWorkflowRequester(partition, account),
      },
      id: 'governanceTask',
      description: 'Step Functions task: submit a request and keep the task token on the decision',
      asynchronous: false,
    });
    this.events = new NhiFunction(this, 'Events', {
      ...common,
      id: 'governanceEvents',
      description: 'AccessRequested and RevokeRequested events into decisions',
      asynchronous: true,
    });
    this.callback = new NhiFunction(this, 'Callback', {
      ...common,
      id: 'governanceCallback',
      description: 'answers stored Step Functions task tokens when a decision is final',
      asynchronous: true,
      wildcardResourceReason:
        'None other: the SendTask* statement is scoped to the state machines of this account and region.',
    });
    this.functions = [this.api, this.task, this.events, this.callback];

    // Every statement of each role comes from its declaration (lib/config/permissions/governance-*.ts).
    for (const f of this.functions) f.grantDeclared({ tables: { decisions: props.decisions } });

    // cdk-nag: the wildcards the declarations need, each with its reason.
    for (const f of [this.api, this.task, this.events]) acknowledgeIndexQueries(f.role, [props.decisions]);
    const nagIam = nagPseudo(this);
    for (const f of [this.api, this.task, this.events]) {
      for (const kind of ['role', 'user', 'group', 'policy'])
        acknowledgeWildcard(
          f.role,
          `arn:${nagIam.partition}:iam::${nagIam.account}:${kind}/*`,
          'Read-only IAM (Get/List of policies and identities) for the escalation analysis of a grant: the identity and policy of a request can be any in this account. No IAM write is granted.',
        );
      acknowledgeWildcard(
        f.role,
        `arn:${nagIam.partition}:iam::aws:policy/*`,
        'Read-only GetPolicy/GetPolicyVersion of AWS-managed policies a grant may attach, for its escalation analysis.',
      );
    }
    const nag = nagPseudo(this);
    for (const f of [this.callback, this.task]) {
      acknowledgeWildcard(
        f.role,
        `arn:${nag.partition}:states:${nag.region}:${nag.account}:stateMachine:*`,
        'A task token may come from any state machine of this account that called governanceTask; the token itself names the execution. Scoped to state machines in this account and region, and only the SendTask* callbacks.',
      );
    }

    // Only the ticketing sources the policy trusts; without any, no AccessRequested rule exists.
    const ticketing = accessRequestedRoute(props.ticketingSources);
    if (ticketing) props.bus.routeTo(ticketing, this.events);
    props.bus.routeTo(BUS_ROUTES.RevokeRequested, this.events);
    props.bus.routeTo(BUS_ROUTES.DecisionFinal, this.callback);

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'nhi-gov governance API (IAM authorization)',
      // Every route requires SigV4: the approver is the authenticated IAM principal, never a body field.
      defaultAuthorizer: new HttpIamAuthorizer(),
      defaultIntegration: new HttpLambdaIntegration('Governance', this.api.fn),
      createDefaultStage: false,
    });
    this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            caller: '$context.identity.userArn',
            method: '$context.httpMethod',
            path: '$context.path',
            status: '$context.status',
            requestTime: '$context.requestTime',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    Validations.of(this.httpApi).acknowledge({
      id: 'Serverless-APIGWXrayEnabled',
      reason:
        'HTTP APIs (API Gateway v2) do not support X-Ray tracing; the governance function behind it is traced.',
    });

    new CfnOutput(this, 'ApiUrl', {
      value: this.httpApi.apiEndpoint,
      description: 'Governance HTTP API (SigV4 / IAM authorization)',
    });
  }
}
