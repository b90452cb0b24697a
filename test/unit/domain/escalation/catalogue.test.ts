import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analysePermissions } from '../../../../lib/domain/escalation/analyse.js';
import {
  CATALOGUE,
  CATALOGUE_VERSION,
  EXAMPLE_SUBJECTS,
} from '../../../../lib/domain/escalation/catalogue.js';
import { PathExamples } from '../../../../lib/domain/escalation/path.js';

const PATHS_DIR = join(import.meta.dirname, '../../../../lib/domain/escalation/paths');

/** Every path file's `examples` export, by path id (the file name). */
const EXAMPLES: Readonly<Record<string, PathExamples>> = Object.fromEntries(
  await Promise.all(
    readdirSync(PATHS_DIR)
      .filter((f) => f.endsWith('.ts'))
      .map(async (f) => {
        const mod = (await import(join(PATHS_DIR, f))) as { examples?: unknown };
        return [f.replace(/\.ts$/, ''), PathExamples.parse(mod.examples)] as const;
      }),
  ),
);

const open = (pathId: string, document: unknown, type: 'role' | 'user') =>
  analysePermissions(
    EXAMPLE_SUBJECTS[type],
    { policies: [{ source: 'inline-policy:example', document }] },
    CATALOGUE,
  )
    .open.map((p) => p.id)
    .includes(pathId);

describe('escalation catalogue', () => {
  it('has at least 25 paths, one file each, every file listed', () => {
    // Arrange
    const files = readdirSync(join(import.meta.dirname, '../../../../lib/domain/escalation/paths'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();

    // Act
    const ids = CATALOGUE.map((p) => p.id).sort();

    // Assert
    expect(ids.length).toBeGreaterThanOrEqual(25);
    expect(ids).toEqual(files);
    expect(CATALOGUE_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('is documented: docs/escalation.md lists every path', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../../../docs/escalation.md'), 'utf8');
    for (const p of CATALOGUE) expect(doc, p.id).toContain(`| \`${p.id}\` |`);
    expect(doc).toContain(`version ${CATALOGUE_VERSION}`);
  });

  it('covers every primitive family the issue names', () => {
    const actions = new Set(CATALOGUE.flatMap((p) => p.requires.map((r) => r.action)));
    for (const a of [
      'iam:CreatePolicyVersion',
      'iam:SetDefaultPolicyVersion',
      'iam:AttachUserPolicy',
      'iam:PutRolePolicy',
      'iam:CreateAccessKey',
      'iam:CreateLoginProfile',
      'iam:UpdateAssumeRolePolicy',
      'sts:AssumeRole',
      'lambda:CreateFunction',
      'ec2:RunInstances',
      'ecs:RunTask',
      'glue:CreateDevEndpoint',
      'cloudformation:CreateStack',
      'codebuild:CreateProject',
      'sagemaker:CreateNotebookInstance',
      'datapipeline:CreatePipeline',
      'iam:DeleteRolePermissionsBoundary',
    ])
      expect(actions, a).toContain(a);
  });

  it('has valid examples for every path, and none for a path it does not list', () => {
    expect(Object.keys(EXAMPLES).sort()).toEqual(CATALOGUE.map((p) => p.id).sort());
  });

  describe.each(CATALOGUE.map((p) => [p.id, p] as const))('%s', (_id, path) => {
    const type = path.appliesTo[0] as 'role' | 'user';
    const examples = EXAMPLES[path.id] as PathExamples;

    it('is opened by its completing policy', () => {
      expect(open(path.id, examples.completes, type)).toBe(true);
    });

    it(`is not opened by its near miss (${examples.nearMissBecause})`, () => {
      expect(open(path.id, examples.nearMiss, type)).toBe(false);
    });

    it('is opened by the completing policy with its actions spelled in another case', () => {
      // Arrange: IAM matches action names case-insensitively; an attacker may write them any way.
      const shouted = JSON.parse(
        JSON.stringify(examples.completes, (key, value) =>
          key === 'Action'
            ? Array.isArray(value)
              ? value.map((a: string) => a.toUpperCase())
              : String(value).toLowerCase()
            : value,
        ),
      );

      // Act / Assert
      expect(open(path.id, shouted, type)).toBe(true);
    });

    it('is closed by a permissions boundary that does not allow its first action', () => {
      // Arrange
      const first = path.requires[0]?.action as string;
      const boundary = {
        source: 'managed-policy:boundary',
        document: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', NotAction: first, Resource: '*' }],
        },
      };

      // Act
      const result = analysePermissions(
        EXAMPLE_SUBJECTS[type],
        { policies: [{ source: 'inline-policy:example', document: examples.completes }], boundary },
        CATALOGUE,
      );

      // Assert
      expect(result.open.map((p) => p.id)).not.toContain(path.id);
    });
  });
});
