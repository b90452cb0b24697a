import { FAILURE_DESTINATION, LAMBDA_BASICS } from './lambda-basics.js';
import type { FunctionPermissions } from './types.js';

/**
 * security-hub-export (functions/security-hub-export/handler.ts): a recorded scan's findings to the
 * account's default Security Hub product. Deployed only with context nhi-gov:securityHub. Reads the
 * findings table (findings and the scan log), writes nothing of the suite's.
 */
export const SECURITY_HUB_EXPORT_PERMISSIONS: FunctionPermissions = {
  functionId: 'securityHubExport',
  statements: [
    ...LAMBDA_BASICS,
    FAILURE_DESTINATION,
    {
      sid: 'ImportFindingsToSecurityHub',
      effect: 'Allow',
      actions: ['securityhub:BatchImportFindings'],
      resources: ['securityhub:default-product'],
      why: 'The scan’s findings, imported to the account’s default product only.',
    },
    {
      sid: 'ReadFindings',
      effect: 'Allow',
      actions: ['dynamodb:GetItem', 'dynamodb:Query'],
      resources: ['table:findings', 'table:findings/index/*'],
      why: 'The scan log (is this the account’s newest scan?) and the account’s findings by status, through the by-account index; read-only.',
    },
  ],
};
