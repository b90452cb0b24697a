import { ASFF_STANDARDS, defineFindingType, NHI5 } from './metadata.js';

/** `expired-exception`: An approved exception past its expiry that governance has not closed yet. */
export const expiredExceptionType = defineFindingType({
  type: 'expired-exception',
  raisedBy: ['scanner'],
  severity: 'high',
  frameworks: { owaspNhi: [NHI5], nistCsf: ['GV.RM-01', 'PR.AA-05'] },
  iso27001: [],
  asffType: `${ASFF_STANDARDS}/Expired Exception`,
  ocsfClass: 'compliance',
});
