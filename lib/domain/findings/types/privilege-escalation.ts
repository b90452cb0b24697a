import { defineFindingType, NHI5 } from './metadata.js';

/** `privilege-escalation`: An NHI whose effective permissions open a path of the escalation catalogue. */
export const privilegeEscalationType = defineFindingType({
  type: 'privilege-escalation',
  raisedBy: ['scanner'],
  severity: 'high',
  frameworks: { owaspNhi: [NHI5], nistCsf: ['PR.AA-05'] },
  iso27001: [],
  judgedFrom: 'policy-documents',
  asffType: 'TTPs/Privilege Escalation/IAM Privilege Escalation Path',
  ocsfClass: 'compliance',
});
