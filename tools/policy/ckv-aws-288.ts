import { allowedOnEveryResource, PERMISSION_POLICY_TYPES } from "./policy";
import type { StaticRule } from "./rule";

/** checkov's data-exfiltration actions: each reads stored data or secrets. */
const EXFILTRATION = [
  "s3:GetObject",
  "ssm:GetParameter",
  "ssm:GetParameters",
  "ssm:GetParametersByPath",
  "secretsmanager:GetSecretValue",
  "kms:Decrypt",
  "rds:CopyDBSnapshot",
  "rds:CreateDBSnapshot",
];

export const CKV_AWS_288: StaticRule = {
  id: "CKV_AWS_288",
  title: 'No IAM policy allows data exfiltration on "*"',
  explanation: "Reading every object, parameter or secret in the account is how a small credential leak becomes a data breach.",
  appliesTo: PERMISSION_POLICY_TYPES,
  check: async (stack) => allowedOnEveryResource(stack, EXFILTRATION),
};
