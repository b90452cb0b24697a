import { ASFF_STANDARDS, defineFindingType } from './metadata.js';

/** `provisioning-failed`: An approved decision whose execution failed. */
export const provisioningFailedType = defineFindingType({
  type: 'provisioning-failed',
  raisedBy: ['provisioning', 'rotation'],
  severity: 'high',
  frameworks: { owaspNhi: [], nistCsf: ['PR.AA-05', 'DE.CM-09'] },
  iso27001: [],
  asffType: `${ASFF_STANDARDS}/Provisioning Failed`,
  ocsfClass: 'compliance',
});
