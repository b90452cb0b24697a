import { daysSince, olderThan, type ScannerRule, who } from './rule.js';

/** `stale-role`: created more than N days ago and not used in the last N days (or never). */
export const staleRole: ScannerRule<'stale-role'> = {
  type: 'stale-role',
  run(input) {
    const days = input.policy.thresholds.staleRoleDays;
    return input.identities.flatMap((i) => {
      if (i.type !== 'role' || i.category !== 'nhi') return [];
      if (!olderThan(i.createdAt, input.asOf, days)) return [];
      const lastUsed = i.role.lastUsedAt;
      if (lastUsed && !olderThan(lastUsed, input.asOf, days)) return [];
      return [
        {
          type: 'stale-role',
          ...who(i),
          subject: '',
          title: lastUsed
            ? `role ${i.name} not used for ${daysSince(lastUsed, input.asOf)} days`
            : `role ${i.name} never used since it was created ${daysSince(i.createdAt, input.asOf)} days ago`,
          evidence: {
            createdAt: i.createdAt,
            lastUsedAt: lastUsed ?? null,
            lastUsedRegion: i.role.lastUsedRegion ?? null,
            thresholdDays: days,
          },
        },
      ];
    });
  },
};
