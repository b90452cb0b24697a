import { ASFF_STANDARDS, defineFindingType, NHI1, NHI5 } from './metadata.js';

/** `expired-grant`: An approved grant or break-glass past its expiry that governance has not closed yet. */
export const expiredGrantType = defineFindingType({
  type: 'expired-grant',
  raisedBy: ['scanner'],
  severity: 'high',
  frameworks: { owaspNhi: [NHI1, NHI5], nistCsf: ['PR.AA-05'] },
  iso27001: [],
  asffType: `${ASFF_STANDARDS}/Expired Grant`,
  ocsfClass: 'compliance',
});
