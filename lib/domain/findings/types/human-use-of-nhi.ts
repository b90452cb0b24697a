import { defineFindingType, NHI10 } from './metadata.js';

/** `human-use-of-nhi`: An NHI user that also has a console password. */
export const humanUseOfNhiType = defineFindingType({
  type: 'human-use-of-nhi',
  raisedBy: ['scanner'],
  severity: 'high',
  frameworks: { owaspNhi: [NHI10], nistCsf: ['PR.AA-01', 'PR.AA-05'] },
  iso27001: [],
  judgedFrom: 'credential-report',
  asffType: 'Unusual Behaviors/User/Human Use of Non-Human Identity',
  // Someone logs in as the NHI: an act, so an OCSF detection, not a posture check.
  ocsfClass: 'detection',
});
