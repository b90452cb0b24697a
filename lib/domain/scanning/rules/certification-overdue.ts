import { daysSince, olderThan, type ScannerRule, who } from './rule.js';

/**
 * `certification-overdue`: an NHI under the managed path whose last review is more than
 * `certification.intervalDays` before the scan. Its last review is the later of its latest approved
 * decision and its latest certification-campaign review; with neither, its creation date.
 */
export const certificationOverdue: ScannerRule<'certification-overdue'> = {
  type: 'certification-overdue',
  run(input) {
    const interval = input.policy.certification.intervalDays;
    return input.identities.flatMap((i) => {
      if (!i.managed || i.category !== 'nhi') return [];
      const approvedAt = input.states.get(i.key)?.lastApprovedAt;
      const certifiedAt = input.lastCertifiedAt?.get(i.key);
      // ISO timestamps sort as text: the later of the two, whichever exist.
      const lastReviewedAt = [approvedAt, certifiedAt]
        .filter((t): t is string => t !== undefined)
        .sort()
        .at(-1);
      const since = lastReviewedAt ?? i.createdAt;
      if (!olderThan(since, input.asOf, interval)) return [];
      return [
        {
          type: 'certification-overdue' as const,
          ...who(i),
          subject: '',
          title: `${i.name} not reviewed for ${daysSince(since, input.asOf)} days (every ${interval} days required)`,
          evidence: {
            lastReviewedAt: lastReviewedAt ?? null,
            lastApprovedDecisionAt: approvedAt ?? null,
            lastCampaignReviewAt: certifiedAt ?? null,
            createdAt: i.createdAt,
            intervalDays: interval,
          },
        },
      ];
    });
  },
};
