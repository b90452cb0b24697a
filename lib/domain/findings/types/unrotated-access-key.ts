import { ASFF_BEST_PRACTICES, defineFindingType, NHI7 } from './metadata.js';

/** `unrotated-access-key`: An active access key last rotated more than `thresholds.keyRotationDays` days ago. */
export const unrotatedAccessKeyType = defineFindingType({
  type: 'unrotated-access-key',
  raisedBy: ['scanner'],
  severity: 'high',
  frameworks: { owaspNhi: [NHI7], nistCsf: ['PR.AA-01'] },
  iso27001: ['A.5.17'],
  judgedFrom: 'credential-report',
  asffType: `${ASFF_BEST_PRACTICES}/Unrotated Access Key`,
  ocsfClass: 'compliance',
});
