import * as z from 'zod';
import type { Severity } from '../../primitives.js';

/** Which part of nhi-gov raised a finding; a scan resolves only the findings its own sweep can see again. */
export const FindingSource = z.enum(['scanner', 'provisioning', 'rotation', 'governance']);
export type FindingSource = z.infer<typeof FindingSource>;

export const FrameworkMapping = z.strictObject({
  /** OWASP Non-Human Identities Top 10 (2025), e.g. `NHI7:2025 Long-Lived Secrets`. */
  owaspNhi: z.array(z.string()),
  /** NIST CSF 2.0 subcategories, e.g. `PR.AA-05`. */
  nistCsf: z.array(z.string()),
});
export type FrameworkMapping = z.infer<typeof FrameworkMapping>;

export const NHI1 = 'NHI1:2025 Improper Offboarding';
export const NHI2 = 'NHI2:2025 Secret Leakage';
export const NHI5 = 'NHI5:2025 Overprivileged NHI';
export const NHI7 = 'NHI7:2025 Long-Lived Secrets';
export const NHI10 = 'NHI10:2025 Human Use of NHI';

/** Prefix of every ASFF type nhi-gov uses for a posture check (namespace/category). */
export const ASFF_BEST_PRACTICES = 'Software and Configuration Checks/AWS Security Best Practices';
export const ASFF_STANDARDS = 'Software and Configuration Checks/Industry and Regulatory Standards';

/**
 * Everything nhi-gov says about one finding type, in one place: the registry
 * (`lib/domain/findings/types/index.ts`) derives every per-type list from these entries.
 */
export interface FindingTypeMetadata<T extends string = string, R extends FindingSource = FindingSource> {
  readonly type: T;
  /** The parts of nhi-gov that raise it; `scanner` means a rule in `lib/domain/scanning/rules/<type>.ts`. */
  readonly raisedBy: readonly R[];
  /** Default severity; the policy file's `severities` may override it for scanner findings. */
  readonly severity: Severity;
  /** OWASP NHI Top 10 (2025) and NIST CSF 2.0: what auditors ask for, carried on every finding. */
  readonly frameworks: FrameworkMapping;
  /** ISO/IEC 27001:2022 Annex A controls whose evidence includes findings of this type (evidence index). */
  readonly iso27001: readonly string[];
  /**
   * What a scan must have read to judge the condition, beyond the GAAD export: `credential-report`
   * (key and password data), `policy-documents` (managed policy documents). A scan without it neither
   * raises nor resolves findings of the type.
   */
  readonly judgedFrom?: 'credential-report' | 'policy-documents';
  /** The AWS Security Finding Format type (namespace/category/classifier) sent to Security Hub. */
  readonly asffType: string;
  /**
   * The OCSF class: `detection` (2004) for something someone did, `compliance` (2003) for a posture
   * check.
   */
  readonly ocsfClass: 'compliance' | 'detection';
}

/** Declares one finding type's metadata, keeping its name and sources as literal types. */
export function defineFindingType<const T extends string, const R extends FindingSource>(
  metadata: FindingTypeMetadata<T, R>,
): FindingTypeMetadata<T, R> {
  return metadata;
}
