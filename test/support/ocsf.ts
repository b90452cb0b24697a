import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { OCSF_VERSION } from '../../lib/cli/ocsf.js';

const dir = new URL(`../fixtures/ocsf/${OCSF_VERSION}/`, import.meta.url);
// The OCSF regexes are written for PCRE-like engines, not JavaScript's `u` mode.
const ajv = new Ajv2020({ allErrors: true, strict: false, unicodeRegExp: false });

const load = (name: string): ValidateFunction =>
  ajv.compile(JSON.parse(readFileSync(new URL(`${name}.schema.json`, dir), 'utf8')));

/** Validators of the vendored OCSF classes, by class_uid. */
export const OCSF_VALIDATORS: Readonly<Record<number, ValidateFunction>> = {
  2003: load('compliance_finding'),
  2004: load('detection_finding'),
};

/** The schema errors of one record against its own class (unknown class: one error). */
export function ocsfErrors(record: Record<string, unknown>): string[] {
  const validate = OCSF_VALIDATORS[record.class_uid as number];
  if (!validate) return [`no vendored schema for class_uid ${String(record.class_uid)}`];
  return validate(record) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
