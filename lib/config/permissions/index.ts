import type { FunctionId } from '../functions.js';
import { EVIDENCE_PERMISSIONS } from './evidence.js';
import { GOVERNANCE_API_PERMISSIONS } from './governance-api.js';
import { GOVERNANCE_CALLBACK_PERMISSIONS } from './governance-callback.js';
import { GOVERNANCE_EVENTS_PERMISSIONS } from './governance-events.js';
import { GOVERNANCE_TASK_PERMISSIONS } from './governance-task.js';
import { PROVISION_PERMISSIONS } from './provision.js';
import { ROTATE_PERMISSIONS } from './rotate.js';
import { SCAN_PERMISSIONS } from './scan.js';
import { SECURITY_HUB_EXPORT_PERMISSIONS } from './security-hub-export.js';
import type { FunctionPermissions } from './types.js';

/**
 * Every function's permissions, declared once (docs/architecture.md, "Permissions"): infra builds the
 * role's statements from it, the template test compares the role with it both ways, and the SDK calls
 * the handlers make in the tests must fall within it.
 */
export const FUNCTION_PERMISSIONS: Readonly<Record<FunctionId, FunctionPermissions>> = {
  governanceApi: GOVERNANCE_API_PERMISSIONS,
  governanceTask: GOVERNANCE_TASK_PERMISSIONS,
  governanceEvents: GOVERNANCE_EVENTS_PERMISSIONS,
  governanceCallback: GOVERNANCE_CALLBACK_PERMISSIONS,
  provision: PROVISION_PERMISSIONS,
  rotate: ROTATE_PERMISSIONS,
  scan: SCAN_PERMISSIONS,
  evidence: EVIDENCE_PERMISSIONS,
  securityHubExport: SECURITY_HUB_EXPORT_PERMISSIONS,
};
