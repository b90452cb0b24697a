import { describe, expect, inject, it } from 'vitest';
import { localDynamoClient } from '../../../lib/adapters/dynamodb/client.js';
import { localTableNames } from '../../../lib/config/tables.js';
import { DEFAULT_FAULT_RATES, FAULT_KINDS, type FaultRates } from '../../../local/soak/faults.js';
import { runSoak } from '../../../local/soak/soak.js';

/**
 * The small soak of `npm test` (docs/reliability.md): the same code as `npm run soak`, fewer decisions
 * (the whole suite must stay under five minutes) at twice the default fault rates, so every kind of
 * fault still strikes. `npm run soak` runs 5,000 at the default rates.
 */
const DECISIONS = 100;
const RATES = Object.fromEntries(
  Object.entries(DEFAULT_FAULT_RATES).map(([k, rate]) => [k, rate * 2]),
) as unknown as FaultRates;

describe('the soak: decisions through the local pipeline with faults injected everywhere', () => {
  it('loses, strands and duplicates nothing, and the sandbox ends in the approved state', async () => {
    // Arrange
    const endpoint = inject('dynamoEndpoint');
    const client = localDynamoClient(endpoint);
    const executorClient = localDynamoClient(endpoint);
    const names = localTableNames(`soak-${Date.now().toString(36)}`);
    try {
      // Act
      const report = await runSoak({
        decisions: DECISIONS,
        seed: 7,
        rates: RATES,
        client,
        executorClient,
        names,
      });
      // Assert: every invariant held...
      expect(report.violations).toEqual([]);
      expect({ lost: report.lost, stuck: report.stuck, duplicated: report.duplicated }).toEqual({
        lost: 0,
        stuck: 0,
        duplicated: 0,
      });
      // ...under every kind of fault (Secrets Manager is not on the soak's paths: no rotation), ...
      for (const kind of FAULT_KINDS.filter((k) => k !== 'secrets-manager-5xx'))
        expect(report.faults[kind], kind).toBeGreaterThan(0);
      // ...with work done, forged events refused and the console changes found by the drift scan.
      expect(report.executionsFinal.succeeded).toBeGreaterThan(DECISIONS / 3);
      expect(report.forgedRefused).toBe(report.faults['forged-event-first']);
      expect(report.consoleChanges).toBeGreaterThan(0);
    } finally {
      client.destroy();
      executorClient.destroy();
    }
  });
});
