import {
  CredentialReportExpiredException,
  CredentialReportNotPresentException,
  CredentialReportNotReadyException,
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
  type IAMClient,
  paginateGetAccountAuthorizationDetails,
} from '@aws-sdk/client-iam';
import { AppError } from '../../domain/errors.js';
import type { IamInventory } from '../../domain/inventory.js';
import type { IamDirectory } from '../../ports/iam-directory.js';
import { buildInventory } from '../snapshot/build-inventory.js';
import { type CredentialReport, parseCredentialReport } from '../snapshot/credential-report.js';
import { type GaadIdentities, readGaad } from '../snapshot/gaad.js';
import { toIsoUtc } from '../snapshot/iam-dates.js';

/** GetAccountAuthorizationDetails' largest page. */
export const GAAD_PAGE_SIZE = 1000;
const GAAD_SOURCE = 'iam:GetAccountAuthorizationDetails';
/** What the sweep reads: identities, their groups, and the managed policies attached to anything. */
export const GAAD_FILTER = ['Role', 'User', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'] as const;
const REPORT_SOURCE = 'iam:GetCredentialReport';

/** The credential report did not become ready in time. */
export class CredentialReportTimeoutError extends AppError {
  constructor(message: string) {
    super('CREDENTIAL_REPORT_TIMEOUT', message);
  }
}

export interface LiveInventoryOptions {
  /** Polls of GenerateCredentialReport before giving up (default 10, about a minute with the backoff). */
  readonly maxPolls?: number;
  /** First wait between polls in ms, doubled each time up to `maxDelayMs` (defaults 1000 and 8000). */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Test seam for the waits. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => Date;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Reads the whole account in a constant number of calls per thousand identities: every
 * GetAccountAuthorizationDetails page (roles and users, 1000 per page) and one credential report
 * (generate, poll with backoff until COMPLETE, get, parse with the same parser as the CSV file
 * reader). Never a call per identity.
 */
export class LiveIamDirectory implements IamDirectory {
  constructor(
    private readonly iam: IAMClient,
    private readonly options: LiveInventoryOptions = {},
  ) {}

  async readInventory(): Promise<IamInventory> {
    const now = this.options.now ?? (() => new Date());
    const startedAt = now();
    const [gaad, report] = await Promise.all([this.readGaad(), this.readCredentialReport()]);
    return buildInventory({
      source: 'live',
      collectedAt: toIsoUtc(startedAt),
      gaad,
      report,
      origin: [GAAD_SOURCE, REPORT_SOURCE],
    });
  }

  private async readGaad(): Promise<GaadIdentities> {
    const roles: GaadIdentities['roles'] = [];
    const users: GaadIdentities['users'] = [];
    const managedPolicies: NonNullable<GaadIdentities['managedPolicies']> = [];
    const groups: NonNullable<GaadIdentities['groups']> = [];
    // Policies and groups come in the same pages: the escalation rule and the pinned-document check
    // need their documents, and the same one read action covers them.
    const pages = paginateGetAccountAuthorizationDetails(
      { client: this.iam, pageSize: GAAD_PAGE_SIZE },
      { Filter: [...GAAD_FILTER], MaxItems: GAAD_PAGE_SIZE },
    );
    let index = 0;
    for await (const page of pages) {
      const read = readGaad(page, `${GAAD_SOURCE} page ${++index}`);
      roles.push(...read.roles);
      users.push(...read.users);
      managedPolicies.push(...(read.managedPolicies ?? []));
      groups.push(...(read.groups ?? []));
    }
    return { roles, users, managedPolicies, groups };
  }

  private async readCredentialReport(): Promise<CredentialReport> {
    const maxPolls = this.options.maxPolls ?? 10;
    const base = this.options.baseDelayMs ?? 1000;
    const cap = this.options.maxDelayMs ?? 8000;
    const sleep = this.options.sleep ?? defaultSleep;
    for (let poll = 0; poll < maxPolls; poll++) {
      if (poll > 0) await sleep(Math.min(cap, base * 2 ** (poll - 1)));
      const generated = await this.iam.send(new GenerateCredentialReportCommand({}));
      if (generated.State !== 'COMPLETE') continue;
      try {
        const report = await this.iam.send(new GetCredentialReportCommand({}));
        const text = new TextDecoder('utf-8').decode(report.Content ?? new Uint8Array());
        return parseCredentialReport(text, REPORT_SOURCE);
      } catch (error) {
        // Between COMPLETE and the read the report can still be settling or expire; poll again.
        const retry =
          error instanceof CredentialReportNotReadyException ||
          error instanceof CredentialReportNotPresentException ||
          error instanceof CredentialReportExpiredException;
        if (!retry) throw error;
      }
    }
    throw new CredentialReportTimeoutError(
      `the IAM credential report was not ready after ${maxPolls} polls of GenerateCredentialReport`,
    );
  }
}
