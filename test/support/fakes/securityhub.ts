import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  InvalidInputException,
  SecurityHubClient,
  ThrottlingException,
} from '@aws-sdk/client-securityhub';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';

const meta = { $metadata: {} };

/** Fields BatchImportFindings ignores on a finding that already exists (the customer's workflow fields). */
const CUSTOMER_FIELDS = ['Note', 'UserDefinedFields', 'VerificationState', 'Workflow'] as const;
const REQUIRED = [
  'SchemaVersion',
  'Id',
  'ProductArn',
  'GeneratorId',
  'AwsAccountId',
  'CreatedAt',
  'UpdatedAt',
  'Title',
  'Description',
  'Resources',
] as const;

/**
 * AWS Security Hub behind aws-sdk-client-mock, stateful: BatchImportFindings keeps findings by
 * (ProductArn, Id), as Security Hub does.
 * - more than 100 findings in a call: InvalidInputException;
 * - a finding of another account or product, or missing a required field: in FailedFindings;
 * - an update keeps the stored customer fields (Workflow, Note, ...), which BatchImportFindings cannot
 *   change after creation, and is ignored when its UpdatedAt is not later than the stored one;
 * - RecordState ACTIVE→ARCHIVED moves a NEW/NOTIFIED workflow to RESOLVED; ARCHIVED→ACTIVE, or
 *   compliance PASSED→FAILED, moves NOTIFIED/RESOLVED back to NEW.
 * `throttleNext(n)` throttles the next n calls; `failNext(id, n)` fails one id in the next n calls.
 */
export class FakeSecurityHub {
  readonly mock: AwsClientStub<SecurityHubClient>;
  readonly findings = new Map<string, AwsSecurityFinding>();
  private throttles = 0;
  private readonly failing = new Map<string, number>();

  constructor(
    readonly productArn: string,
    readonly accountId: string,
  ) {
    this.mock = mockClient(SecurityHubClient);
    this.mock.on(BatchImportFindingsCommand).callsFake(async (input) => {
      if (this.throttles > 0) {
        this.throttles--;
        throw new ThrottlingException({ message: 'Rate exceeded', ...meta });
      }
      const batch = (input.Findings ?? []) as AwsSecurityFinding[];
      if (batch.length === 0 || batch.length > 100) {
        throw new InvalidInputException({
          message: `Findings must hold 1 to 100 items, got ${batch.length}`,
          Code: 'InvalidInput',
          ...meta,
        });
      }
      const failed: { Id: string; ErrorCode: string; ErrorMessage: string }[] = [];
      let success = 0;
      for (const f of batch) {
        const problem = this.problemOf(f);
        if (problem) {
          failed.push({ Id: f.Id ?? '', ...problem });
          continue;
        }
        this.store(f);
        success++;
      }
      return { FailedCount: failed.length, SuccessCount: success, FailedFindings: failed, ...meta };
    });
  }

  throttleNext(calls: number): void {
    this.throttles = calls;
  }

  failNext(id: string, calls: number): void {
    this.failing.set(id, calls);
  }

  /** The stored finding of an id of this product. */
  get(id: string): AwsSecurityFinding | undefined {
    return this.findings.get(`${this.productArn}|${id}`);
  }

  private problemOf(f: AwsSecurityFinding): { ErrorCode: string; ErrorMessage: string } | undefined {
    const left = this.failing.get(f.Id ?? '') ?? 0;
    if (left > 0) {
      this.failing.set(f.Id ?? '', left - 1);
      return { ErrorCode: 'InternalException', ErrorMessage: 'Internal service error' };
    }
    const missing = REQUIRED.filter((k) => f[k] === undefined || f[k] === '');
    if (missing.length > 0 || (!f.Severity && !f.FindingProviderFields?.Severity)) {
      return { ErrorCode: 'InvalidInput', ErrorMessage: `missing ${[...missing, 'Severity'].join(', ')}` };
    }
    if ((f.Resources ?? []).length === 0) return { ErrorCode: 'InvalidInput', ErrorMessage: 'no resource' };
    if (f.ProductArn !== this.productArn || f.AwsAccountId !== this.accountId) {
      return { ErrorCode: 'AccessDeniedException', ErrorMessage: 'product or account mismatch' };
    }
    if ((f.Title ?? '').length > 256 || (f.Description ?? '').length > 1024) {
      return { ErrorCode: 'InvalidInput', ErrorMessage: 'Title or Description too long' };
    }
    return undefined;
  }

  private store(f: AwsSecurityFinding): void {
    const key = `${f.ProductArn}|${f.Id}`;
    const old = this.findings.get(key);
    if (!old) {
      this.findings.set(key, {
        ...f,
        Workflow: f.Workflow ?? { Status: 'NEW' },
        RecordState: f.RecordState ?? 'ACTIVE',
      });
      return;
    }
    if ((f.UpdatedAt ?? '') <= (old.UpdatedAt ?? '')) return;
    const next: AwsSecurityFinding = { ...f };
    for (const field of CUSTOMER_FIELDS) {
      if (old[field] === undefined) delete next[field];
      else (next as unknown as Record<string, unknown>)[field] = old[field];
    }
    next.RecordState = f.RecordState ?? old.RecordState;
    const workflow = old.Workflow?.Status ?? 'NEW';
    if (
      old.RecordState === 'ACTIVE' &&
      next.RecordState === 'ARCHIVED' &&
      (workflow === 'NEW' || workflow === 'NOTIFIED')
    ) {
      next.Workflow = { Status: 'RESOLVED' };
    }
    const reopened =
      (old.RecordState === 'ARCHIVED' && next.RecordState === 'ACTIVE') ||
      (old.Compliance?.Status === 'PASSED' &&
        next.Compliance?.Status !== undefined &&
        next.Compliance.Status !== 'PASSED');
    if (reopened && (workflow === 'NOTIFIED' || workflow === 'RESOLVED')) next.Workflow = { Status: 'NEW' };
    this.findings.set(key, next);
  }
}
