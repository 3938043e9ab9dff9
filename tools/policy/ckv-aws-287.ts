import { allowedOnEveryResource, PERMISSION_POLICY_TYPES } from "./policy";
import type { StaticRule } from "./rule";

/** checkov's credentials-exposure actions: each returns or creates credentials. */
const CREDENTIALS = [
  "ec2:GetPasswordData",
  "ecr:GetAuthorizationToken",
  "iam:CreateAccessKey",
  "iam:CreateLoginProfile",
  "iam:CreateServiceSpecificCredential",
  "iam:ResetServiceSpecificCredential",
  "iam:UpdateAccessKey",
  "lightsail:GetInstanceAccessDetails",
  "rds-db:Connect",
  "redshift:GetClusterCredentials",
  "sso:GetRoleCredentials",
  "sts:AssumeRole",
  "sts:AssumeRoleWithSAML",
  "sts:AssumeRoleWithWebIdentity",
  "sts:GetFederationToken",
  "sts:GetSessionToken",
];

export const CKV_AWS_287: StaticRule = {
  id: "CKV_AWS_287",
  title: 'No IAM policy allows credentials exposure on "*"',
  explanation: "Actions that hand out credentials (access keys, passwords, sessions) on every resource leak access beyond the policy's intent.",
  appliesTo: PERMISSION_POLICY_TYPES,
  check: async (stack) => allowedOnEveryResource(stack, CREDENTIALS),
};
