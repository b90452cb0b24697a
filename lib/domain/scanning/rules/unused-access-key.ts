import { activeNhiKeys, daysSince, olderThan, type ScannerRule, who } from './rule.js';

/**
 * `unused-access-key`: an active key not used in N days, or never used and created (first rotated)
 * more than N days ago.
 */
export const unusedAccessKey: ScannerRule<'unused-access-key'> = {
  type: 'unused-access-key',
  run(input) {
    const days = input.policy.thresholds.unusedKeyDays;
    return activeNhiKeys(input).flatMap(({ identity: i, key, subject, evidence }) => {
      const unused = key.lastUsedAt
        ? olderThan(key.lastUsedAt, input.asOf, days)
        : key.lastRotatedAt !== undefined && olderThan(key.lastRotatedAt, input.asOf, days);
      if (!unused) return [];
      return [
        {
          type: 'unused-access-key',
          ...who(i),
          subject,
          title: key.lastUsedAt
            ? `access key ${key.slot} of ${i.name} not used for ${daysSince(key.lastUsedAt, input.asOf)} days`
            : `access key ${key.slot} of ${i.name} never used, created ${daysSince(key.lastRotatedAt as string, input.asOf)} days ago`,
          evidence: { ...evidence, thresholdDays: days },
        },
      ];
    });
  },
};
