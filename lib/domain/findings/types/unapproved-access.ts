import { ASFF_STANDARDS, defineFindingType, NHI5 } from './metadata.js';

/** `unapproved-access`: Drift: an identity or policy under the managed path with no approved decision behind it. */
export const unapprovedAccessType = defineFindingType({
  type: 'unapproved-access',
  raisedBy: ['scanner'],
  severity: 'high',
  frameworks: { owaspNhi: [NHI5], nistCsf: ['PR.AA-05', 'DE.CM-09'] },
  iso27001: ['A.5.16'],
  asffType: `${ASFF_STANDARDS}/Unapproved Access`,
  ocsfClass: 'compliance',
});
