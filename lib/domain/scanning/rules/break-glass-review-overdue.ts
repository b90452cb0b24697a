import { identityOf, type ScannerRule } from './rule.js';

/** `break-glass-review-overdue`: emergency access whose review was due before the scan and never happened. */
export const breakGlassReviewOverdue: ScannerRule<'break-glass-review-overdue'> = {
  type: 'break-glass-review-overdue',
  run(input) {
    return input.breakGlass.flatMap((d) => {
      if (d.request.kind !== 'break-glass' || !d.reviewDueAt || d.reviewedAt) return [];
      if (Date.parse(d.reviewDueAt) >= input.asOf.getTime()) return [];
      const identity = identityOf(input, d.identityKey);
      return [
        {
          type: 'break-glass-review-overdue' as const,
          identityKey: d.identityKey,
          ...(identity ? { identityArn: identity.arn } : {}),
          owner: identity?.owner ?? d.owner,
          subject: d.id,
          title: `break-glass ${d.id} on ${d.identityKey} was due for review at ${d.reviewDueAt}`,
          evidence: {
            decisionId: d.id,
            requester: d.requester,
            activatedAt: d.decidedAt ?? null,
            reviewDueAt: d.reviewDueAt,
            status: d.status,
          },
        },
      ];
    });
  },
};
