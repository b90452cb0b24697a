import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { freshSynthSingle, nagViolations, synthOrganization, synthSingle } from './support/synth.js';

/** Every acknowledgement recorded in a construct tree: rule id and reason. */
function acknowledgements(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
          path: c.node.path,
          id,
          reason,
        })),
      ),
  );
}

const single = synthSingle();
const org = synthOrganization();
const stacks = {
  single: single.stack,
  hub: org.hub.stack,
  member: org.member.stack,
  ...Object.fromEntries(org.stacks.assets.map((s) => [s.node.id, s])),
};

describe('cdk-nag (AwsSolutions and Serverless)', () => {
  for (const [name, stack] of Object.entries(stacks)) {
    it(`has zero unacknowledged findings on the ${name} stack`, () => {
      const violations = nagViolations(stack).map(
        (v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
      );
      expect(violations).toEqual([]);
    });

    it(`names a finding and a real reason in every acknowledgement of the ${name} stack`, () => {
      const acks = acknowledgements(stack);
      expect(acks.length).toBeGreaterThan(0);
      for (const ack of acks) {
        expect(ack.id, ack.path).toMatch(/(AwsSolutions|Serverless)-[A-Za-z0-9]+/);
        // A reason says why, not just "suppressed": at least a sentence.
        expect(ack.reason.length, `${ack.path} ${ack.id}`).toBeGreaterThanOrEqual(60);
      }
    });
  }

  it('really runs: a wildcard grant without acknowledgement is reported', async () => {
    const { PolicyStatement } = await import('aws-cdk-lib/aws-iam');
    const { stack } = freshSynthSingle();
    stack.scanners?.scan.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::some-bucket/*'] }),
    );
    const ids = nagViolations(stack).map((v) => v.ruleName);
    expect(ids).toContain('AwsSolutions-IAM5[Resource::arn:aws:s3:::some-bucket/*]');
  });
});
