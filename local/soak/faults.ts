import { InternalServerError, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { ServiceFailureException } from '@aws-sdk/client-iam';
import { InternalServiceError } from '@aws-sdk/client-secrets-manager';
import type { SeededRandom } from './random.js';

/** Every fault the soak injects, by where it strikes. */
export const FAULT_KINDS = [
  'iam-throttled',
  'iam-5xx',
  'iam-response-lost',
  'secrets-manager-5xx',
  'scheduler-throttled',
  'dynamodb-throttled',
  'dynamodb-5xx',
  'dynamodb-response-lost',
  'crash-after-iam-before-record',
  'concurrent-duplicate-delivery',
  'duplicate-event',
  'delayed-event',
  'forged-event-first',
  'stream-record-redelivered',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Probabilities per chance a fault has to strike (per call, per write, per event, per checkpoint). */
export interface FaultRates {
  /** Per IAM, Secrets Manager or Scheduler call, before the sandbox answers. */
  readonly awsCall: number;
  /** Per IAM write the sandbox applied: the answer is lost (the caller sees a 5xx). */
  readonly awsResponseLost: number;
  /** Per DynamoDB request of the executors' client. */
  readonly dynamo: number;
  /** Per execution record written after an IAM change in the same delivery. */
  readonly crashBeforeRecord: number;
  /** Per event delivered to an executor. */
  readonly event: number;
  /** Per stream checkpoint saved. */
  readonly checkpoint: number;
}

export const DEFAULT_FAULT_RATES: FaultRates = {
  awsCall: 0.04,
  awsResponseLost: 0.02,
  dynamo: 0.02,
  crashBeforeRecord: 0.05,
  event: 0.08,
  checkpoint: 0.05,
};

export const NO_FAULTS: FaultRates = {
  awsCall: 0,
  awsResponseLost: 0,
  dynamo: 0,
  crashBeforeRecord: 0,
  event: 0,
  checkpoint: 0,
};

const meta = { $metadata: { httpStatusCode: 500 } };

/**
 * Decides, from the soak's seeded random source, where faults strike, and counts each one. `rates`
 * can be switched off (`quiesce`) so the end of a soak settles what the faults left behind, as an
 * operator would after an incident (retries, dead-letter redrive).
 */
export class FaultPlan {
  readonly injected: Record<FaultKind, number> = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<
    FaultKind,
    number
  >;

  constructor(
    private readonly random: SeededRandom,
    private rates: FaultRates,
  ) {}

  quiesce(): void {
    this.rates = NO_FAULTS;
  }

  get current(): FaultRates {
    return this.rates;
  }

  /** Whether a fault of `kind` strikes now (at probability `rate`); counted when it does. */
  strikes(kind: FaultKind, rate: number): boolean {
    if (rate <= 0 || !this.random.chance(rate)) return false;
    this.injected[kind]++;
    return true;
  }

  /** The error an AWS service (IAM, Secrets Manager, Scheduler) answers with when a fault strikes. */
  awsCallFault(service: 'iam' | 'secretsmanager' | 'scheduler'): Error | undefined {
    if (service === 'iam') {
      if (this.strikes('iam-throttled', this.rates.awsCall / 2))
        return Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $fault: 'client', ...meta });
      if (this.strikes('iam-5xx', this.rates.awsCall / 2))
        return new ServiceFailureException({ message: 'injected: IAM had an internal error', ...meta });
      return undefined;
    }
    if (service === 'secretsmanager')
      return this.strikes('secrets-manager-5xx', this.rates.awsCall)
        ? new InternalServiceError({ message: 'injected: Secrets Manager had an internal error', ...meta })
        : undefined;
    return this.strikes('scheduler-throttled', this.rates.awsCall)
      ? Object.assign(new Error('injected: Rate exceeded'), {
          name: 'ThrottlingException',
          $fault: 'client',
          ...meta,
        })
      : undefined;
  }

  /** An IAM write applied, whose answer never reaches the caller. */
  awsResponseLost(): Error | undefined {
    return this.strikes('iam-response-lost', this.rates.awsResponseLost)
      ? new ServiceFailureException({
          message: 'injected: the answer was lost after IAM applied the call',
          ...meta,
        })
      : undefined;
  }

  /** A DynamoDB request refused before it reaches the table. */
  dynamoFault(): Error | undefined {
    if (this.strikes('dynamodb-throttled', this.rates.dynamo / 2))
      return new ProvisionedThroughputExceededException({
        message: 'injected: throughput exceeded',
        ...meta,
      });
    if (this.strikes('dynamodb-5xx', this.rates.dynamo / 2))
      return new InternalServerError({ message: 'injected: DynamoDB had an internal error', ...meta });
    return undefined;
  }

  /** A DynamoDB write applied, whose answer never reaches the caller. */
  dynamoResponseLost(): Error | undefined {
    return this.strikes('dynamodb-response-lost', this.rates.dynamo / 2)
      ? new InternalServerError({ message: 'injected: the answer was lost after the write', ...meta })
      : undefined;
  }

  /** The executor dies after its IAM change, before its execution record. */
  crashBeforeRecord(): Error | undefined {
    return this.strikes('crash-after-iam-before-record', this.rates.crashBeforeRecord)
      ? new Error('injected: the function crashed after the IAM call, before the execution record')
      : undefined;
  }

  /** What happens to one event on its way to an executor. */
  eventFate(): 'deliver' | 'concurrent-duplicate' | 'duplicate' | 'delay' | 'forged-first' {
    const r = this.rates.event;
    if (this.strikes('concurrent-duplicate-delivery', r / 4)) return 'concurrent-duplicate';
    if (this.strikes('duplicate-event', r / 4)) return 'duplicate';
    if (this.strikes('delayed-event', r / 4)) return 'delay';
    if (this.strikes('forged-event-first', r / 4)) return 'forged-first';
    return 'deliver';
  }

  /** Whether a stream checkpoint is lost (the record is read, and delivered, again). */
  checkpointLost(): boolean {
    return this.strikes('stream-record-redelivered', this.rates.checkpoint);
  }
}
