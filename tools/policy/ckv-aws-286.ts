import { allowedOnEveryResource, PERMISSION_POLICY_TYPES } from "./policy";
import type { StaticRule } from "./rule";

/** checkov's privilege-escalation actions: each can turn the holder's rights into more. */
const ESCALATION = [
  "iam:AddUserToGroup",
  "iam:AttachGroupPolicy",
  "iam:AttachRolePolicy",
  "iam:AttachUserPolicy",
  "iam:CreateAccessKey",
  "iam:CreateLoginProfile",
  "iam:CreatePolicyVersion",
  "iam:PassRole",
  "iam:PutGroupPolicy",
  "iam:PutRolePolicy",
  "iam:PutUserPolicy",
  "iam:SetDefaultPolicyVersion",
  "iam:UpdateAssumeRolePolicy",
  "iam:UpdateLoginProfile",
  "sts:AssumeRole",
  "lambda:CreateFunction",
  "lambda:UpdateFunctionCode",
  "glue:UpdateDevEndpoint",
  "cloudformation:CreateStack",
];

export const CKV_AWS_286: StaticRule = {
  id: "CKV_AWS_286",
  title: 'No IAM policy allows privilege escalation on "*"',
  explanation: "Actions such as iam:PassRole, iam:PutRolePolicy or sts:AssumeRole on every resource let the holder become someone with more rights.",
  appliesTo: PERMISSION_POLICY_TYPES,
  check: async (stack) => allowedOnEveryResource(stack, ESCALATION),
};
