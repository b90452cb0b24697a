import { type App, Stack } from 'aws-cdk-lib';
import type { NhiGovConfig, Organization } from './config.js';
import { MemberAssetBucket, MemberStackSet, memberSynthesizer } from './constructs/member-stack-set.js';
import { NhiGovStack } from './nhi-gov-stack.js';

/** The stacks of organization mode: one hub, one member template, the member asset buckets. */
export interface OrganizationStacks {
  /** The governance hub in the security account (it also holds the member StackSet). */
  readonly hub: NhiGovStack;
  /** The StackSet's template: synthesized as its own stack, never deployed by `cdk deploy`. */
  readonly member: NhiGovStack;
  /** The member asset buckets of the StackSet regions other than the hub's (the hub holds its own). */
  readonly assets: readonly Stack[];
  readonly stackSet: MemberStackSet;
}

/** Stack ids of organization mode (docs/organization.md uses them in the commands it shows). */
export const ORGANIZATION_STACK_IDS = {
  hub: 'NhiGovHub',
  member: 'NhiGovMember',
  assets: (region: string) => `NhiGovMemberAssets-${region}`,
} as const;

/**
 * Every stack the app synthesizes for a configuration: `NhiGov` in single-account mode; in
 * organization mode the hub, the member template and one asset bucket stack per extra region. Neither
 * the number of stacks nor the hub's resources depend on the number of member accounts.
 */
export function buildStacks(app: App, config: NhiGovConfig): NhiGovStack | OrganizationStacks {
  if (config.mode === 'single' || !config.organization) {
    // Environment-agnostic: synth needs no credentials and makes no lookups.
    return new NhiGovStack(app, 'NhiGov', {
      config,
      description: 'nhi-gov: governance of non-human identities',
    });
  }
  return buildOrganization(app, config, config.organization);
}

function buildOrganization(app: App, config: NhiGovConfig, org: Organization): OrganizationStacks {
  // Environment-agnostic on purpose: the account and region come from AWS::AccountId and AWS::Region
  // in each account the StackSet deploys it to.
  const member = new NhiGovStack(app, ORGANIZATION_STACK_IDS.member, {
    config,
    part: 'member',
    synthesizer: memberSynthesizer(org),
    description:
      'nhi-gov member (StackSet): executors, scanner, execution trail and findings of this account',
  });
  const env = { account: org.hubAccount };
  const assets = (org.regions ?? [org.hubRegion])
    .filter((region) => region !== org.hubRegion)
    .map((region) => {
      const stack = new Stack(app, ORGANIZATION_STACK_IDS.assets(region), {
        env: { ...env, region },
        description: `nhi-gov member assets (function bundles) for the StackSet region ${region}`,
      });
      new MemberAssetBucket(stack, 'MemberAssets', { org });
      return stack;
    });
  const hub = new NhiGovStack(app, ORGANIZATION_STACK_IDS.hub, {
    config,
    part: 'hub',
    env: { ...env, region: org.hubRegion },
    description:
      'nhi-gov governance hub: decisions, approvals and the org-wide view for every member account',
  });
  new MemberAssetBucket(hub, 'MemberAssets', { org });
  const stackSet = new MemberStackSet(hub, 'Members', { org, member });
  // The StackSet deploys functions whose bundles must already be in every region's bucket.
  for (const stack of assets) hub.addStackDependency(stack, 'member asset buckets before the StackSet');
  return { hub, member, assets, stackSet };
}
