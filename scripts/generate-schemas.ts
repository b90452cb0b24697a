// Writes the JSON Schemas generated from the zod schemas: docs/schemas/request.schema.json (what
// `POST /requests`, `nhi-gov request --file` and AccessRequested take), docs/schemas/finding.schema.json
// (the one shape of a finding in scan and report output) and one
// docs/schemas/events/<DetailType>.schema.json per bus event detail. Run with `npm run schemas`;
// test/unit/domain/governance/schemas.test.ts fails when the committed files are out of date.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { EVENT_DETAIL_SCHEMAS } from '../lib/domain/events.js';
import { FindingProjection } from '../lib/domain/finding-projection.js';
import { DecisionRequest } from '../lib/domain/request.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

function schemaText(schema: z.ZodType, id: string, title: string, io: 'input' | 'output' = 'input'): string {
  // `input`: what a producer may send (fields with defaults may be omitted); `output`: what nhi-gov prints.
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });
  return `${JSON.stringify({ $id: id, title, ...json }, null, 2)}\n`;
}

/** Every generated schema file, by path relative to the repository root. */
export function renderSchemas(): Record<string, string> {
  const files: Record<string, string> = {
    'docs/schemas/request.schema.json': schemaText(
      DecisionRequest,
      'urn:nhi-gov:schema:request',
      'nhi-gov decision request',
    ),
    'docs/schemas/finding.schema.json': schemaText(
      FindingProjection,
      'urn:nhi-gov:schema:finding',
      'nhi-gov finding (scan and report output)',
      'output',
    ),
  };
  for (const [detailType, schema] of Object.entries(EVENT_DETAIL_SCHEMAS)) {
    files[`docs/schemas/events/${detailType}.schema.json`] = schemaText(
      schema,
      `urn:nhi-gov:schema:event:${detailType}`,
      `nhi-gov ${detailType} event detail`,
    );
  }
  return files;
}

/** Writes the schema files under `root`; returns their relative paths. */
export function writeSchemas(root: string = ROOT): string[] {
  const files = renderSchemas();
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return Object.keys(files);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const path of writeSchemas()) process.stdout.write(`wrote ${path}\n`);
}
