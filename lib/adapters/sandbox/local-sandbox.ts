import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { IamInventory } from '../../domain/inventory.js';
import type { Clock } from '../../ports/clock.js';
import type { CredentialChecker } from '../../ports/credential-checker.js';
import { toExternalCallError } from '../iam/aws-error.js';
import { SdkIamAdmin } from '../iam/iam-admin.js';
import { IamPolicyDocuments } from '../iam/policy-documents.js';
import { SecretsManagerVault } from '../secrets-manager/secret-vault.js';
import { accountFromInventory, credentialReportCsv } from './account-files.js';
import { IamSandbox, type IamSandboxOptions, SANDBOX_KEY, type SandboxAccount } from './iam-sandbox.js';
import { SchedulerSandbox, type SchedulesState } from './scheduler-sandbox.js';
import { SecretsSandbox, type SecretsState } from './secrets-sandbox.js';
import { JsonFileState, MemoryState, type StateStore, writeFileAtomic } from './state-file.js';

/** The sandbox's files under the local home (`.nhi-gov/sandbox/`). */
export function sandboxPaths(home: string) {
  const dir = join(home, 'sandbox');
  return {
    dir,
    /** The IAM account: a GetAccountAuthorizationDetails export (`scan --gaad` reads it as it is). */
    gaad: join(dir, 'iam.json'),
    /** Its credential report, regenerated from the account file at every change. */
    credentialReport: join(dir, 'credential-report.csv'),
    /** Secrets Manager (holds secret values: owner-only). */
    secrets: join(dir, 'secrets.json'),
    /** EventBridge Scheduler's one-time schedules. */
    schedules: join(dir, 'schedules.json'),
  } as const;
}

/**
 * Checks credentials against the sandbox, as STS GetCallerIdentity would: an active key whose secret
 * matches answers with its user's ARN; anything else is `InvalidClientTokenId`.
 */
export class SandboxCredentialChecker implements CredentialChecker {
  constructor(private readonly iam: IamSandbox) {}

  async callerIdentity(credentials: { accessKeyId: string; secretAccessKey: string }) {
    const who = this.iam.whoHolds(credentials.accessKeyId, credentials.secretAccessKey);
    if (who) return who;
    throw toExternalCallError('sts:GetCallerIdentity', credentials.accessKeyId, {
      name: 'InvalidClientTokenId',
      message: 'The security token included in the request is invalid.',
      $fault: 'client',
    });
  }
}

export interface SandboxStores {
  readonly iam: StateStore<SandboxAccount>;
  readonly secrets: StateStore<SecretsState>;
  readonly schedules: StateStore<SchedulesState>;
}

/** The file-backed stores of a home's sandbox; the account file's change also rewrites its credential report. */
export function fileStores(home: string): SandboxStores {
  const paths = sandboxPaths(home);
  return {
    iam: new JsonFileState<SandboxAccount>(paths.gaad, {
      afterSave: (account) => writeFileAtomic(paths.credentialReport, credentialReportCsv(account)),
    }),
    secrets: new JsonFileState<SecretsState>(paths.secrets, { secret: true }),
    schedules: new JsonFileState<SchedulesState>(paths.schedules),
  };
}

/** Stores in memory (tests, the soak). */
export function memoryStores(account?: SandboxAccount): SandboxStores {
  return { iam: new MemoryState(account), secrets: new MemoryState(), schedules: new MemoryState() };
}

/**
 * A local AWS account for the executors: IAM, Secrets Manager and EventBridge Scheduler with their
 * semantics, behind the SAME adapters the deployed functions use (SdkIamAdmin, IamPolicyDocuments,
 * SecretsManagerVault, the Scheduler adapters), whose SDK clients are answered in process. Faults can
 * be injected by wrapping the ports it hands out, or the stores.
 */
export class LocalSandbox {
  readonly iam: IamSandbox;
  readonly secrets: SecretsSandbox;
  readonly scheduler: SchedulerSandbox;

  constructor(
    readonly stores: SandboxStores,
    options: IamSandboxOptions,
  ) {
    this.iam = new IamSandbox(stores.iam, options);
    const accountId = stores.iam.load()?.[SANDBOX_KEY].accountId ?? '000000000000';
    this.secrets = new SecretsSandbox(stores.secrets, { clock: options.clock, accountId });
    this.scheduler = new SchedulerSandbox(stores.schedules);
  }

  /** The sandbox of a local home; undefined when it was never seeded. */
  static open(home: string, clock: Clock): LocalSandbox | undefined {
    if (!existsSync(sandboxPaths(home).gaad)) return undefined;
    return new LocalSandbox(fileStores(home), { clock });
  }

  /** The executors' ports over this sandbox. */
  ports() {
    const iamClient = this.iam.client();
    return {
      iam: new SdkIamAdmin(iamClient),
      policies: new IamPolicyDocuments(iamClient),
      vault: new SecretsManagerVault(this.secrets.client()),
      schedulerClient: this.scheduler.client(),
      sts: new SandboxCredentialChecker(this.iam),
    };
  }

  get accountId(): string {
    return this.iam.account()[SANDBOX_KEY].accountId;
  }
}

/**
 * Replaces a home's sandbox with the account of a snapshot: IAM from the GAAD and credential report,
 * no secrets, no schedules. Every file is written atomically.
 */
export function seedSandbox(
  home: string,
  inventory: IamInventory,
  prepare?: (account: SandboxAccount) => void,
): SandboxAccount {
  const account = accountFromInventory(inventory);
  prepare?.(account);
  const stores = fileStores(home);
  stores.iam.save(account);
  stores.secrets.save({
    schemaVersion: 1,
    accountId: account[SANDBOX_KEY].accountId,
    region: 'us-east-1',
    secrets: [],
    rotations: [],
  });
  stores.schedules.save({ schemaVersion: 1, schedules: [] });
  return account;
}
