import * as z from 'zod';
import { EscalationPath } from './path.js';
import { cloudformationUpdateStack } from './paths/cloudformation-update-stack.js';
import { codebuildStartBuildExisting } from './paths/codebuild-start-build-existing.js';
import { glueUpdateDevEndpoint } from './paths/glue-update-dev-endpoint.js';
import { iamAddUserToGroup } from './paths/iam-add-user-to-group.js';
import { iamAttachGroupPolicy } from './paths/iam-attach-group-policy.js';
import { iamAttachRolePolicyAssume } from './paths/iam-attach-role-policy-assume.js';
import { iamAttachRolePolicySelf } from './paths/iam-attach-role-policy-self.js';
import { iamAttachUserPolicyAccessKey } from './paths/iam-attach-user-policy-access-key.js';
import { iamAttachUserPolicySelf } from './paths/iam-attach-user-policy-self.js';
import { iamCreateAccessKeyOtherUser } from './paths/iam-create-access-key-other-user.js';
import { iamCreateLoginProfileOtherUser } from './paths/iam-create-login-profile-other-user.js';
import { iamCreatePolicyVersion } from './paths/iam-create-policy-version.js';
import { iamDeleteRolePermissionsBoundarySelf } from './paths/iam-delete-role-permissions-boundary-self.js';
import { iamDeleteUserPermissionsBoundarySelf } from './paths/iam-delete-user-permissions-boundary-self.js';
import { iamPutGroupPolicy } from './paths/iam-put-group-policy.js';
import { iamPutRolePermissionsBoundarySelf } from './paths/iam-put-role-permissions-boundary-self.js';
import { iamPutRolePolicyAssume } from './paths/iam-put-role-policy-assume.js';
import { iamPutRolePolicySelf } from './paths/iam-put-role-policy-self.js';
import { iamPutUserPermissionsBoundarySelf } from './paths/iam-put-user-permissions-boundary-self.js';
import { iamPutUserPolicyAccessKey } from './paths/iam-put-user-policy-access-key.js';
import { iamPutUserPolicySelf } from './paths/iam-put-user-policy-self.js';
import { iamSetDefaultPolicyVersion } from './paths/iam-set-default-policy-version.js';
import { iamUpdateAssumeRolePolicy } from './paths/iam-update-assume-role-policy.js';
import { iamUpdateLoginProfileOtherUser } from './paths/iam-update-login-profile-other-user.js';
import { lambdaUpdateFunctionCode } from './paths/lambda-update-function-code.js';
import { passroleCloudformationCreateStack } from './paths/passrole-cloudformation-create-stack.js';
import { passroleCodebuildProject } from './paths/passrole-codebuild-project.js';
import { passroleDatapipeline } from './paths/passrole-datapipeline.js';
import { passroleEc2RequestSpotInstances } from './paths/passrole-ec2-request-spot-instances.js';
import { passroleEc2RunInstances } from './paths/passrole-ec2-run-instances.js';
import { passroleEcsCreateService } from './paths/passrole-ecs-create-service.js';
import { passroleEcsRunTask } from './paths/passrole-ecs-run-task.js';
import { passroleGlueDevEndpoint } from './paths/passrole-glue-dev-endpoint.js';
import { passroleGlueJob } from './paths/passrole-glue-job.js';
import { passroleLambdaAddPermission } from './paths/passrole-lambda-add-permission.js';
import { passroleLambdaCreateInvoke } from './paths/passrole-lambda-create-invoke.js';
import { passroleLambdaEventSourceMapping } from './paths/passrole-lambda-event-source-mapping.js';
import { passroleSagemakerNotebook } from './paths/passrole-sagemaker-notebook.js';
import { passroleSagemakerTrainingJob } from './paths/passrole-sagemaker-training-job.js';
import { sagemakerPresignedNotebookUrl } from './paths/sagemaker-presigned-notebook-url.js';
import { stsAssumeRoleAny } from './paths/sts-assume-role-any.js';

/** The catalogue's version: recorded on every decision and finding it informed. Bump on any change to an entry. */
export const CATALOGUE_VERSION = '1.0.0';

/**
 * Every known escalation path, one file per entry under paths/ (adding a path is adding a file, listing
 * it here and its test is generated). Validated once at load: a malformed entry fails at import, not
 * in the middle of an analysis.
 */
export const CATALOGUE: readonly EscalationPath[] = z
  .array(EscalationPath)
  .refine((paths) => new Set(paths.map((p) => p.id)).size === paths.length, 'path ids must be unique')
  .parse([
    cloudformationUpdateStack,
    codebuildStartBuildExisting,
    glueUpdateDevEndpoint,
    iamAddUserToGroup,
    iamAttachGroupPolicy,
    iamAttachRolePolicyAssume,
    iamAttachRolePolicySelf,
    iamAttachUserPolicyAccessKey,
    iamAttachUserPolicySelf,
    iamCreateAccessKeyOtherUser,
    iamCreateLoginProfileOtherUser,
    iamCreatePolicyVersion,
    iamDeleteRolePermissionsBoundarySelf,
    iamDeleteUserPermissionsBoundarySelf,
    iamPutGroupPolicy,
    iamPutRolePermissionsBoundarySelf,
    iamPutRolePolicyAssume,
    iamPutRolePolicySelf,
    iamPutUserPermissionsBoundarySelf,
    iamPutUserPolicyAccessKey,
    iamPutUserPolicySelf,
    iamSetDefaultPolicyVersion,
    iamUpdateAssumeRolePolicy,
    iamUpdateLoginProfileOtherUser,
    lambdaUpdateFunctionCode,
    passroleCloudformationCreateStack,
    passroleCodebuildProject,
    passroleDatapipeline,
    passroleEc2RequestSpotInstances,
    passroleEc2RunInstances,
    passroleEcsCreateService,
    passroleEcsRunTask,
    passroleGlueDevEndpoint,
    passroleGlueJob,
    passroleLambdaAddPermission,
    passroleLambdaCreateInvoke,
    passroleLambdaEventSourceMapping,
    passroleSagemakerNotebook,
    passroleSagemakerTrainingJob,
    sagemakerPresignedNotebookUrl,
    stsAssumeRoleAny,
  ]);

/** The identities the catalogue's example policies are written for (their own ARN is `self`). */
export const EXAMPLE_SUBJECTS = {
  role: { type: 'role', arn: 'arn:aws:iam::111122223333:role/nhi/app-runner' },
  user: { type: 'user', arn: 'arn:aws:iam::111122223333:user/nhi/ci-bot' },
} as const;
