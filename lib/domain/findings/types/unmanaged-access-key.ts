import { ASFF_BEST_PRACTICES, defineFindingType, NHI2, NHI7 } from './metadata.js';

/** `unmanaged-access-key`: A managed user holds an access key its secret does not hold. */
export const unmanagedAccessKeyType = defineFindingType({
  type: 'unmanaged-access-key',
  raisedBy: ['rotation'],
  severity: 'high',
  frameworks: { owaspNhi: [NHI2, NHI7], nistCsf: ['PR.AA-01', 'PR.AA-05'] },
  iso27001: [],
  asffType: `${ASFF_BEST_PRACTICES}/Unmanaged Access Key`,
  // A key outside the secret is neither rotated nor vaulted: where is its secret half kept?
  ocsfClass: 'compliance',
});
