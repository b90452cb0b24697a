import { ASFF_BEST_PRACTICES, defineFindingType, NHI1 } from './metadata.js';

/** `orphaned-identity`: An NHI with no owner tag and no decision naming an owner. */
export const orphanedIdentityType = defineFindingType({
  type: 'orphaned-identity',
  raisedBy: ['scanner'],
  severity: 'low',
  frameworks: { owaspNhi: [NHI1], nistCsf: ['PR.AA-01', 'GV.RR-02'] },
  iso27001: ['A.5.16'],
  asffType: `${ASFF_BEST_PRACTICES}/Identity Without Owner`,
  ocsfClass: 'compliance',
});
