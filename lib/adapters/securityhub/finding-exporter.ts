import { BatchImportFindingsCommand, type SecurityHubClient } from '@aws-sdk/client-securityhub';
import { AppError } from '../../domain/errors.js';
import type { Finding } from '../../domain/finding.js';
import type { FindingExporter } from '../../ports/finding-exporter.js';
import { parseProductArn, type SecurityHubTarget, toAsff } from './asff.js';

/** BatchImportFindings takes at most 100 findings per call. */
export const BATCH_SIZE = 100;
/** Throttling errors Security Hub answers with when its request rate is exceeded. */
const THROTTLING = new Set(['ThrottlingException', 'TooManyRequestsException', 'LimitExceededException']);

export interface ExporterOptions {
  /** Attempts per batch, the first included (default 5). */
  readonly maxAttempts?: number;
  /** Waits between attempts; tests pass one that does not wait. */
  readonly sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Findings to AWS Security Hub with BatchImportFindings: 100 per call, each finding under its stable id
 * (`nhi-gov/<finding id>`), so a finding seen in many scans is one Security Hub finding. A throttled call
 * is retried, and so are the findings a call reports as failed, with exponential backoff and jitter.
 */
export class SecurityHubExporter implements FindingExporter {
  private readonly target: SecurityHubTarget;
  private readonly maxAttempts: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: Pick<SecurityHubClient, 'send'>,
    productArn: string,
    options: ExporterOptions = {},
  ) {
    this.target = parseProductArn(productArn);
    this.maxAttempts = options.maxAttempts ?? 5;
    this.sleep = options.sleep ?? realSleep;
  }

  async export(findings: readonly Finding[], at: string): Promise<{ sent: number }> {
    const records = findings.map((f) => toAsff(f, this.target, at));
    const failures: string[] = [];
    for (let i = 0; i < records.length; i += BATCH_SIZE) {
      let pending = records.slice(i, i + BATCH_SIZE);
      for (let attempt = 1; pending.length > 0; attempt++) {
        let failed: { Id?: string; ErrorCode?: string }[];
        try {
          const out = await this.client.send(new BatchImportFindingsCommand({ Findings: pending }));
          failed = out.FailedFindings ?? [];
        } catch (error) {
          if (!THROTTLING.has((error as Error).name) || attempt >= this.maxAttempts) {
            throw new AppError(
              'FINDING_EXPORT_FAILED',
              `Security Hub BatchImportFindings failed: ${(error as Error).name}`,
              {
                cause: error,
              },
            );
          }
          await this.sleep(backoff(attempt));
          continue;
        }
        const failedIds = new Set(failed.map((f) => f.Id));
        if (failedIds.size === 0) break;
        if (attempt >= this.maxAttempts) {
          failures.push(...failed.map((f) => `${f.Id} (${f.ErrorCode ?? 'unknown'})`));
          break;
        }
        pending = pending.filter((r) => failedIds.has(r.Id));
        await this.sleep(backoff(attempt));
      }
    }
    if (failures.length > 0) {
      throw new AppError(
        'FINDING_EXPORT_FAILED',
        `Security Hub refused ${failures.length} finding(s) after ${this.maxAttempts} attempts: ${failures.slice(0, 10).join(', ')}`,
      );
    }
    return { sent: records.length };
  }
}

/** 200 ms, 400 ms, 800 ms ... capped at 10 s, with full jitter. */
function backoff(attempt: number): number {
  return Math.floor(Math.random() * Math.min(10_000, 200 * 2 ** (attempt - 1)));
}
