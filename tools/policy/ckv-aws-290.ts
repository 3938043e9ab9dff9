import { unconstrainedOnEveryResource } from "./access-level";
import { PERMISSION_POLICY_TYPES } from "./policy";
import type { StaticRule } from "./rule";

export const CKV_AWS_290: StaticRule = {
  id: "CKV_AWS_290",
  title: 'No IAM policy allows write access on "*" without constraints',
  explanation: "Write actions on every resource with no condition can change anything in the account the service reaches.",
  appliesTo: PERMISSION_POLICY_TYPES,
  check: (stack) => unconstrainedOnEveryResource(stack, ["Write", "Permissions management", "Tagging"]),
};
