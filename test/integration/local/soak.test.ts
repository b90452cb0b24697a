import { describe, expect, inject, it } from 'vitest';
import { localDynamoClient } from '../../../lib/adapters/dynamodb/client.js';
import { localTableNames } from '../../../lib/config/tables.js';
import { runSoak } from '../../../local/soak/soak.js';

describe('the soak: decisions through the local pipeline with faults injected everywhere', () => {
  it('loses, strands and duplicates nothing, and the sandbox ends in the approved state', async () => {
    // Arrange
    const endpoint = inject('dynamoEndpoint');
    const client = localDynamoClient(endpoint);
    const executorClient = localDynamoClient(endpoint);
    const names = localTableNames(`soak${Date.now().toString(36)}`);
    try {
      // Act
      const report = await runSoak({
        decisions: Number(process.env.SOAK_DECISIONS ?? 300),
        seed: 7,
        client,
        executorClient,
        names,
      });
      // Assert
      console.log(JSON.stringify(report, null, 1).slice(0, 6000));
      expect(report.violations).toEqual([]);
      expect(report.faultsTotal).toBeGreaterThan(0);
    } finally {
      client.destroy();
      executorClient.destroy();
    }
  });
});
