import { ASFF_BEST_PRACTICES, defineFindingType, NHI1, NHI7 } from './metadata.js';

/** `unused-access-key`: An active access key not used for `thresholds.unusedKeyDays` days (or never, and old). */
export const unusedAccessKeyType = defineFindingType({
  type: 'unused-access-key',
  raisedBy: ['scanner'],
  severity: 'medium',
  frameworks: { owaspNhi: [NHI1, NHI7], nistCsf: ['PR.AA-01', 'PR.AA-05'] },
  iso27001: ['A.5.17'],
  judgedFrom: 'credential-report',
  asffType: `${ASFF_BEST_PRACTICES}/Unused Access Key`,
  ocsfClass: 'compliance',
});
