import { activeNhiKeys, daysSince, olderThan, type ScannerRule, who } from './rule.js';

/** `unrotated-access-key`: an active key last rotated more than N days ago. */
export const unrotatedAccessKey: ScannerRule<'unrotated-access-key'> = {
  type: 'unrotated-access-key',
  run(input) {
    const days = input.policy.thresholds.keyRotationDays;
    return activeNhiKeys(input).flatMap(({ identity: i, key, subject, evidence }) => {
      if (!key.lastRotatedAt || !olderThan(key.lastRotatedAt, input.asOf, days)) return [];
      return [
        {
          type: 'unrotated-access-key',
          ...who(i),
          subject,
          title: `access key ${key.slot} of ${i.name} last rotated ${daysSince(key.lastRotatedAt, input.asOf)} days ago`,
          evidence: { ...evidence, thresholdDays: days },
        },
      ];
    });
  },
};
