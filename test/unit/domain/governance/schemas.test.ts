import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_DETAIL_SCHEMAS } from '../../../../lib/domain/events.js';
import { renderSchemas } from '../../../../scripts/generate-schemas.js';

const root = join(import.meta.dirname, '../../../..');

describe('generated JSON Schemas', () => {
  it('are committed and up to date with the zod schemas (run `npm run schemas` to refresh)', () => {
    const files = renderSchemas();
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining(['docs/schemas/request.schema.json', 'docs/schemas/finding.schema.json']),
    );
    expect(Object.keys(files)).toHaveLength(2 + Object.keys(EVENT_DETAIL_SCHEMAS).length);
    for (const [path, text] of Object.entries(files)) {
      expect(readFileSync(join(root, path), 'utf8'), `${path} is out of date`).toBe(text);
    }
  });

  it('describe every request kind, with the exception expiry and break-glass duration required', () => {
    const schema = JSON.parse(renderSchemas()['docs/schemas/request.schema.json'] as string);
    const byKind = Object.fromEntries(
      (schema.oneOf as { properties: { kind: { const: string } }; required: string[] }[]).map((s) => [
        s.properties.kind.const,
        s.required,
      ]),
    );
    expect(Object.keys(byKind).sort()).toEqual([
      'break-glass',
      'create-identity',
      'delete-identity',
      'exception',
      'grant',
      'revoke',
      'rotate',
    ]);
    expect(byKind.exception).toEqual(
      expect.arrayContaining(['expiresAt', 'riskAcceptance', 'justification']),
    );
    expect(byKind['break-glass']).toEqual(expect.arrayContaining(['durationMinutes', 'justification']));
  });
});
