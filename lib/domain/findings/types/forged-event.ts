import { defineFindingType, NHI5 } from './metadata.js';

/** `forged-event`: An executor got an event its decision does not back; nothing was changed. */
export const forgedEventType = defineFindingType({
  type: 'forged-event',
  raisedBy: ['provisioning', 'rotation'],
  severity: 'critical',
  frameworks: { owaspNhi: [NHI5], nistCsf: ['PR.AA-05', 'DE.CM-09'] },
  iso27001: [],
  asffType: 'TTPs/Defense Evasion/Forged Provisioning Event',
  // An executor got an event its decision does not back (DESIGN invariant 3): an act, so a detection.
  ocsfClass: 'detection',
});
