import { createHash } from 'node:crypto';
import {
  CfnStackSet,
  CliCredentialsStackSynthesizer,
  FileAssetPackaging,
  Lazy,
  RemovalPolicy,
  Stack,
  Validations,
} from 'aws-cdk-lib';
import { AnyPrincipal, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { Organization } from '../config.js';
import { inOrganization } from './cross-account.js';

/** Key prefix of the member stack's file assets (the functions' bundles) in the asset buckets. */
export const MEMBER_ASSET_PREFIX = 'member/';
/** The StackSet's name in the organization. */
export const MEMBER_STACK_SET_NAME = 'nhi-gov-members';

/**
 * The member stack's file assets live in one bucket per StackSet region, in the hub account, named
 * from the hub account and the region: the member template refers to it with `${AWS::Region}`, which
 * CloudFormation resolves in each member's region. No member account appears in the name.
 */
export const memberAssetBucketName = (org: Organization, region: string) =>
  `nhi-gov-member-assets-${org.hubAccount}-${region}`;

/**
 * The member stack's synthesizer: its assets go to the organization-readable asset bucket of the
 * region it is deployed in (published by `cdk publish-assets NhiGovMember`, with the caller's own
 * credentials in the hub account), and the template needs no CDK bootstrap in the member accounts.
 */
export function memberSynthesizer(org: Organization): CliCredentialsStackSynthesizer {
  return new CliCredentialsStackSynthesizer({
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub placeholder, resolved per member region
    fileAssetsBucketName: memberAssetBucketName(org, '${AWS::Region}'),
    bucketPrefix: MEMBER_ASSET_PREFIX,
  });
}

/**
 * An asset bucket for the member stack in one region: every account of the organization may read the
 * member assets (CloudFormation and Lambda in a member account fetch the function bundles from it at
 * deploy time); nobody outside the organization can.
 */
export class MemberAssetBucket extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: { readonly org: Organization }) {
    super(scope, id);
    const { region } = Stack.of(this);
    this.bucket = new Bucket(this, 'Bucket', {
      bucketName: memberAssetBucketName(props.org, region),
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // A policy whose only principal condition is a fixed aws:PrincipalOrgID is not public to S3's
    // Block Public Access, so BLOCK_ALL stays on.
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'OrganizationReadsMemberAssets',
        principals: [new AnyPrincipal()],
        actions: ['s3:GetObject'],
        resources: [this.bucket.arnForObjects(`${MEMBER_ASSET_PREFIX}*`)],
        conditions: { StringEquals: inOrganization(props.org) },
      }),
    );
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        "Holds only the build output of the suite (the member functions' bundles), written by the deploy; reads come from CloudFormation/Lambda in member accounts, recorded by CloudTrail. A second bucket per region for access logs would add nothing an auditor asks for.",
    });
  }
}

export interface MemberStackSetProps {
  readonly org: Organization;
  /** The member stack, synthesized as its own template; the StackSet deploys that template. */
  readonly member: Stack;
}

/** What CDK's NestedStack calls to render a stack's template before synthesis (not in the public typings). */
interface RendersTemplate {
  _toCloudFormation(): unknown;
}

/**
 * The member StackSet: service-managed permissions, automatic deployment to every account of the
 * chosen OUs (also the accounts that join them later: no hub redeploy), in the chosen regions.
 *
 * It lives in the hub stack, in the security account acting as the organization's StackSets delegated
 * administrator (`CallAs: DELEGATED_ADMIN`, the default) or, with `stackSetCallAs: SELF`, in the
 * management account. docs/organization.md says why.
 */
export class MemberStackSet extends Construct {
  readonly stackSet: CfnStackSet;
  private templateUrl?: string;

  constructor(scope: Construct, id: string, props: MemberStackSetProps) {
    super(scope, id);
    const { org, member } = props;
    const regions = org.regions ?? [org.hubRegion];
    this.stackSet = new CfnStackSet(this, 'StackSet', {
      stackSetName: MEMBER_STACK_SET_NAME,
      description: 'nhi-gov member stack: executors, scanner, execution trail and findings of one account',
      permissionModel: 'SERVICE_MANAGED',
      // An account that joins a target OU gets the member stack; one that leaves keeps its trail.
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: true },
      callAs: org.stackSetCallAs,
      capabilities: ['CAPABILITY_NAMED_IAM'],
      managedExecution: { Active: true },
      operationPreferences: {
        regionConcurrencyType: 'PARALLEL',
        maxConcurrentPercentage: 25,
        failureTolerancePercentage: 10,
      },
      stackInstancesGroup: [
        {
          regions,
          deploymentTargets: {
            organizationalUnitIds: [...org.organizationalUnits],
            ...(org.accounts ? { accounts: [...org.accounts], accountFilterType: 'INTERSECTION' } : {}),
          },
        },
      ],
      // The member template is a file asset of the hub stack (as CDK does for nested stacks), added
      // when the hub template is rendered, so the hash covers the member template as synthesized.
      templateUrl: Lazy.string({ produce: () => this.memberTemplateUrl(member) }),
    });
  }

  private memberTemplateUrl(member: Stack): string {
    if (this.templateUrl) return this.templateUrl;
    const body = JSON.stringify((member as unknown as RendersTemplate)._toCloudFormation());
    const location = Stack.of(this).synthesizer.addFileAsset({
      packaging: FileAssetPackaging.FILE,
      sourceHash: createHash('sha256').update(body).digest('hex'),
      fileName: member.templateFile,
      displayName: 'nhi-gov member template (StackSet)',
    });
    this.templateUrl = location.httpUrl;
    return this.templateUrl;
  }
}
