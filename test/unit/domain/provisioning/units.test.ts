import { describe, expect, it } from 'vitest';
import { APPLIERS } from '../../../../lib/domain/provisioning/apply/index.js';
import { PLANNERS, PROVISIONED_KINDS } from '../../../../lib/domain/provisioning/plan.js';
import { unitFiles } from '../../../support/unit-files.js';

describe('provisioning units, one per file', () => {
  it('has one planner file per request kind the provision function executes, and no other', async () => {
    // Act
    const declared = await unitFiles('lib/domain/provisioning/plan', ['index.ts', 'shared.ts']);

    // Assert
    expect(declared.map((d) => d.name)).toEqual([...PROVISIONED_KINDS].sort());
    for (const { file, name, exports } of declared) {
      expect(exports, file).toHaveLength(1);
      expect(PLANNERS[name as keyof typeof PLANNERS], file).toBe(exports[0]);
    }
  });

  it('has one applier file per change action, each the one the executor dispatches to', async () => {
    // Act: create-identity.ts is the create shared by create-role and create-user.
    const declared = await unitFiles('lib/domain/provisioning/apply', [
      'index.ts',
      'applier.ts',
      'create-identity.ts',
    ]);

    // Assert
    expect(declared.map((d) => d.name)).toEqual(Object.keys(APPLIERS).sort());
    for (const { file, name, exports } of declared) {
      expect(exports, file).toHaveLength(1);
      expect(APPLIERS[name as keyof typeof APPLIERS], file).toBe(exports[0]);
    }
  });
});
