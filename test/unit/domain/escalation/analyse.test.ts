import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analysePermissions, type Subject } from '../../../../lib/domain/escalation/analyse.js';
import { CATALOGUE } from '../../../../lib/domain/escalation/catalogue.js';
import { documentHash } from '../../../../lib/domain/escalation/record.js';
import { readDocument } from '../../../../lib/domain/escalation/statements.js';

const ROLE: Subject = { type: 'role', arn: 'arn:aws:iam::111122223333:role/nhi/app-runner' };
const USER: Subject = { type: 'user', arn: 'arn:aws:iam::111122223333:user/nhi/ci-bot' };
const doc = (...Statement: Record<string, unknown>[]) => ({ Version: '2012-10-17', Statement });
const openIds = (subject: Subject, ...documents: unknown[]) =>
  analysePermissions(
    subject,
    { policies: documents.map((document, i) => ({ source: `inline-policy:p${i}`, document })) },
    CATALOGUE,
  ).open.map((p) => p.id);

describe('analysePermissions', () => {
  it('matches the identity itself by its ARN with its path, and only it', () => {
    expect(
      openIds(ROLE, doc({ Effect: 'Allow', Action: 'iam:PutRolePolicy', Resource: ROLE.arn })),
    ).toContain('iam-put-role-policy-self');
    expect(
      openIds(
        ROLE,
        doc({
          Effect: 'Allow',
          Action: 'iam:PutRolePolicy',
          Resource: 'arn:aws:iam::111122223333:role/app-runner',
        }),
      ),
    ).not.toContain('iam-put-role-policy-self');
  });

  it('resolves the aws:username variable to the user itself and treats other policy variables as undecidable', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: IAM policy variables, not templates.
    const own = 'arn:aws:iam::111122223333:user/nhi/${aws:username}';
    // biome-ignore lint/suspicious/noTemplateCurlyInString: IAM policy variables, not templates.
    const tagged = 'arn:aws:iam::111122223333:user/${aws:PrincipalTag/team}*';
    expect(openIds(USER, doc({ Effect: 'Allow', Action: 'iam:AttachUserPolicy', Resource: own }))).toContain(
      'iam-attach-user-policy-self',
    );
    const result = analysePermissions(
      USER,
      {
        policies: [
          {
            source: 'x',
            document: doc({ Effect: 'Allow', Action: 'iam:CreateAccessKey', Resource: tagged }),
          },
        ],
      },
      CATALOGUE,
    );
    expect(result.open.find((p) => p.id === 'iam-create-access-key-other-user')?.certainty).toBe(
      'conditional',
    );
  });

  it('reads NotAction and NotResource as IAM does', () => {
    // Everything but IAM on everything: the compute paths are open, the IAM ones are not.
    const ids = openIds(ROLE, doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }));
    expect(ids).toContain('lambda-update-function-code');
    expect(ids).not.toContain('passrole-lambda-create-invoke');
    // PassRole on everything except one role still reaches "any role".
    expect(
      openIds(
        ROLE,
        doc(
          { Effect: 'Allow', Action: 'iam:PassRole', NotResource: 'arn:aws:iam::111122223333:role/admin' },
          { Effect: 'Allow', Action: 'ec2:RunInstances', Resource: '*' },
        ),
      ),
    ).toContain('passrole-ec2-run-instances');
  });

  it('counts a path allowed only under a Condition as open, and says it is conditional', () => {
    const result = analysePermissions(
      ROLE,
      {
        policies: [
          {
            source: 'inline-policy:p',
            document: doc({
              Effect: 'Allow',
              Action: 'sts:AssumeRole',
              Resource: '*',
              Condition: { StringEquals: { 'aws:ResourceTag/team': 'payments' } },
            }),
          },
        ],
      },
      CATALOGUE,
    );
    expect(result.open).toEqual([
      expect.objectContaining({ id: 'sts-assume-role-any', certainty: 'conditional' }),
    ]);
  });

  it('reports what it cannot read, never throws, and keeps the statements it can read', () => {
    const odd = [
      null,
      'not a document',
      { Statement: 'x' },
      doc({ Effect: 'Allow', Action: 42, Resource: '*' }),
      doc({ Effect: 'Maybe', Action: 'iam:*', Resource: '*' }),
      doc({ Effect: 'Allow', Action: 'iam:*' }),
      doc({ Effect: 'Allow', Principal: '*', Action: 'iam:*', Resource: '*' }),
    ];
    for (const d of odd) {
      const result = analysePermissions(
        ROLE,
        { policies: [{ source: 'inline-policy:odd', document: d }] },
        CATALOGUE,
      );
      expect(result.problems.length, JSON.stringify(d)).toBeGreaterThan(0);
      expect(result.open).toEqual([]);
    }
    expect(
      readDocument({
        source: 's',
        document: doc({ Effect: 'Allow', Action: 'iam:*', Resource: '*' }, { Effect: 'Allow' }),
      }).statements,
    ).toHaveLength(1);
  });

  it('never opens more paths when an unconditional Deny of one of the actions is added', () => {
    const actions = [...new Set(CATALOGUE.flatMap((p) => p.requires.map((r) => r.action)))];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...actions, 'iam:*', 'lambda:*', '*'), { minLength: 1, maxLength: 6 }),
        fc.constantFrom(...actions),
        fc.constantFrom<Subject>(ROLE, USER),
        (allowed, denied, subject) => {
          const allow = doc({ Effect: 'Allow', Action: allowed, Resource: '*' });
          const before = new Set(openIds(subject, allow));
          const after = openIds(
            subject,
            allow,
            doc({ Effect: 'Deny', Action: denied.toUpperCase(), Resource: '*' }),
          );
          for (const id of after) expect(before.has(id)).toBe(true);
          for (const id of after)
            expect(CATALOGUE.find((p) => p.id === id)?.requires.map((r) => r.action)).not.toContain(denied);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('hashes documents canonically: key order and whitespace do not matter, values do', () => {
    const a = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
    };
    const b = JSON.parse(
      '{ "Statement": [ { "Resource": "*", "Action": "s3:GetObject", "Effect": "Allow" } ], "Version": "2012-10-17" }',
    );
    expect(documentHash(a)).toBe(documentHash(b));
    expect(documentHash(a)).not.toBe(
      documentHash({ ...a, Statement: [{ ...a.Statement[0], Action: 's3:*' }] }),
    );
  });
});
