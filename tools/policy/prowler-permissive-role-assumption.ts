import { allowedOnEveryResource, PERMISSION_POLICY_TYPES } from "./policy";
import type { StaticRule } from "./rule";

export const PROWLER_PERMISSIVE_ROLE_ASSUMPTION: StaticRule = {
  id: "Prowler iam_no_custom_policy_permissive_role_assumption",
  title: 'No custom IAM policy allows sts:AssumeRole on "*"',
  explanation: "The source-side policy must name the one role it lets its holders assume, not every role that trusts the account.",
  appliesTo: PERMISSION_POLICY_TYPES,
  check: async (stack) => allowedOnEveryResource(stack, ["sts:AssumeRole"]),
};
