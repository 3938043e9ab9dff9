import { unconstrainedOnEveryResource } from "./access-level";
import { PERMISSION_POLICY_TYPES } from "./policy";
import type { StaticRule } from "./rule";

export const CKV_AWS_289: StaticRule = {
  id: "CKV_AWS_289",
  title: 'No IAM policy allows permissions management on "*" without constraints',
  explanation: "Permissions-management actions (policies, grants, resource policies) on every resource let the holder rewrite who may do what.",
  appliesTo: PERMISSION_POLICY_TYPES,
  check: (stack) => unconstrainedOnEveryResource(stack, ["Permissions management"]),
};
