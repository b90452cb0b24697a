import { paginateScan } from '@aws-sdk/lib-dynamodb';
import { DynamoCampaignStore } from '../../../lib/adapters/dynamodb/campaign-store.js';
import { DynamoDecisionStore } from '../../../lib/adapters/dynamodb/decision-store.js';
import { fixedClock, ulidGenerator } from '../../../lib/adapters/system.js';
import { loadPolicyFile } from '../../../lib/config/policy-file.js';
import {
  createGovernance,
  type Governance,
  type GovernanceDeps,
} from '../../../lib/domain/governance/index.js';
import type { Policy } from '../../../lib/domain/policy/schema.js';
import type { Clock } from '../../../lib/ports/clock.js';
import { createTestTables, type TestTables } from '../../support/dynamo.js';

/** A settable clock, so a test can move time past an expiry. */
export interface MovableClock extends Clock {
  set(at: string): void;
}

export function movableClock(start: string): MovableClock {
  let now = new Date(start);
  return { now: () => new Date(now.getTime()), set: (at) => (now = new Date(at)) };
}

export interface Harness {
  readonly tables: TestTables;
  readonly decisions: DynamoDecisionStore;
  readonly campaigns: DynamoCampaignStore;
  readonly clock: MovableClock;
  readonly policy: Policy;
  /** What `gov` runs on, for tests that bind the use cases to other dependencies. */
  readonly deps: GovernanceDeps;
  readonly gov: Governance;
}

export const START = '2026-03-02T09:00:00.000Z';

/** Governance on fresh DynamoDB Local tables with the default policy and a movable clock. */
export async function harness(policy: Policy = loadPolicyFile(), start = START): Promise<Harness> {
  const tables = await createTestTables();
  const decisions = new DynamoDecisionStore(tables.doc, tables.names.decisions);
  const campaigns = new DynamoCampaignStore(tables.doc, tables.names.decisions);
  const clock = movableClock(start);
  const deps: GovernanceDeps = { decisions, campaigns, policy, clock, ids: ulidGenerator };
  return { tables, decisions, campaigns, clock, policy, deps, gov: createGovernance(deps) };
}

export { fixedClock };

/** Every item of the suite's tables, for "a refusal wrote nothing but the denied attempt" checks. */
export async function snapshot(tables: TestTables): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (const name of [tables.names.decisions, tables.names.executions, tables.names.findings]) {
    for await (const page of paginateScan(
      { client: tables.doc },
      { TableName: name, ConsistentRead: true },
    )) {
      for (const item of page.Items ?? []) items.push({ table: name, ...item });
    }
  }
  return items.sort((a, b) => `${a.table}${a.pk}${a.sk}`.localeCompare(`${b.table}${b.pk}${b.sk}`));
}

/** The items in `after` that were not in `before` (whole-item comparison), and whether any item of `before` changed or vanished. */
export function diff(before: Record<string, unknown>[], after: Record<string, unknown>[]) {
  const key = (i: Record<string, unknown>) => JSON.stringify(i);
  const beforeKeys = new Set(before.map(key));
  const afterKeys = new Set(after.map(key));
  return {
    added: after.filter((i) => !beforeKeys.has(key(i))),
    removedOrChanged: before.filter((i) => !afterKeys.has(key(i))),
  };
}
