import { ASFF_BEST_PRACTICES, defineFindingType, NHI1 } from './metadata.js';

/** `stale-role`: A role created long ago and not used for `thresholds.staleRoleDays` days (or never). */
export const staleRoleType = defineFindingType({
  type: 'stale-role',
  raisedBy: ['scanner'],
  severity: 'medium',
  frameworks: { owaspNhi: [NHI1], nistCsf: ['PR.AA-01', 'PR.AA-05'] },
  iso27001: ['A.5.16'],
  asffType: `${ASFF_BEST_PRACTICES}/Unused IAM Role`,
  ocsfClass: 'compliance',
});
