import { ASFF_STANDARDS, defineFindingType, NHI5 } from './metadata.js';

/** `policy-changed-since-approval`: A granted policy document is no longer the one its decision approved. */
export const policyChangedSinceApprovalType = defineFindingType({
  type: 'policy-changed-since-approval',
  raisedBy: ['scanner', 'provisioning'],
  severity: 'high',
  frameworks: { owaspNhi: [NHI5], nistCsf: ['PR.AA-05', 'DE.CM-09'] },
  iso27001: [],
  judgedFrom: 'policy-documents',
  asffType: `${ASFF_STANDARDS}/Policy Changed Since Approval`,
  // The scanner sees the drift; the executor also files it when it refuses to attach a changed document.
  ocsfClass: 'compliance',
});
