import { ASFF_STANDARDS, defineFindingType, NHI5 } from './metadata.js';

/** `certification-overdue`: A managed NHI not reviewed for `certification.intervalDays` days. */
export const certificationOverdueType = defineFindingType({
  type: 'certification-overdue',
  raisedBy: ['scanner'],
  severity: 'medium',
  frameworks: { owaspNhi: [NHI5], nistCsf: ['PR.AA-05', 'GV.OV-02'] },
  iso27001: [],
  asffType: `${ASFF_STANDARDS}/Overdue Certification`,
  ocsfClass: 'compliance',
});
