import { ASFF_STANDARDS, defineFindingType, NHI5 } from './metadata.js';

/** `break-glass-review-overdue`: Emergency access whose review was due and never happened. */
export const breakGlassReviewOverdueType = defineFindingType({
  type: 'break-glass-review-overdue',
  raisedBy: ['scanner'],
  severity: 'high',
  frameworks: { owaspNhi: [NHI5], nistCsf: ['PR.AA-05', 'GV.RR-02'] },
  iso27001: [],
  asffType: `${ASFF_STANDARDS}/Overdue Break-Glass Review`,
  ocsfClass: 'compliance',
});
