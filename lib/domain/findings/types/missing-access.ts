import { ASFF_STANDARDS, defineFindingType } from './metadata.js';

/** `missing-access`: Drift: an approved identity or in-force grant that IAM does not show. */
export const missingAccessType = defineFindingType({
  type: 'missing-access',
  raisedBy: ['scanner'],
  severity: 'medium',
  frameworks: { owaspNhi: [], nistCsf: ['PR.AA-05', 'DE.CM-09'] },
  iso27001: [],
  asffType: `${ASFF_STANDARDS}/Missing Approved Access`,
  ocsfClass: 'compliance',
});
