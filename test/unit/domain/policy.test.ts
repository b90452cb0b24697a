import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY_PATH, loadPolicyFile } from '../../../lib/config/policy-file.js';
import { ValidationError } from '../../../lib/domain/errors.js';
import { parsePolicy } from '../../../lib/domain/policy/parse.js';

const defaultText = readFileSync(DEFAULT_POLICY_PATH, 'utf8');

function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues.map((i) => i.path);
  }
  throw new Error('expected a ValidationError');
}

describe('policy file', () => {
  it('loads the default policy shipped in the repository', () => {
    const policy = loadPolicyFile();
    expect(policy.document.managedPath).toBe('/nhi/');
    expect(policy.version).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('has a version that follows the content, not the formatting', () => {
    const a = parsePolicy(defaultText, 'a.yaml');
    const reformatted = parsePolicy(JSON.stringify(a.document, null, 4), 'b.json');
    const changed = parsePolicy(defaultText.replace('maxDurationDays: 90', 'maxDurationDays: 30'), 'c.yaml');
    expect(reformatted.version).toBe(a.version);
    expect(changed.version).not.toBe(a.version);
  });

  it('lists every problem of a bad file with its path', () => {
    const bad = defaultText
      .replace('managedPath: /nhi/', 'managedPath: nhi')
      .replace('rotate: { tier: routine }', 'rotate: { tier: nonexistent }')
      .replace('maxDurationMinutes: 240', 'maxDurationMinutes: -5');
    expect(issuesOf(() => parsePolicy(bad, 'bad.yaml')).sort()).toEqual(
      ['breakGlass.maxDurationMinutes', 'kinds.rotate.tier', 'managedPath'].sort(),
    );
  });

  it('names the line of a syntax error', () => {
    expect(() => parsePolicy('schemaVersion: 1\nname: [unclosed\n', 'broken.yaml')).toThrow(
      /broken\.yaml is not valid YAML\/JSON: line \d+/,
    );
  });

  it('says which file is missing', () => {
    expect(() => loadPolicyFile('/nonexistent/policy.yaml')).toThrow(
      'cannot read policy file /nonexistent/policy.yaml: no such file',
    );
  });
});
