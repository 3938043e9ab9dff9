import { allowedOnEveryResource, PERMISSION_POLICY_TYPES } from "./policy";
import type { StaticRule } from "./rule";

export const KICS_PASS_ROLE_ALL: StaticRule = {
  id: "KICS passRole allows all",
  title: 'No IAM policy allows iam:PassRole on "*"',
  explanation: "Passing any role to a service (an instance profile, a Lambda function) lets the holder run code with that role's rights.",
  appliesTo: PERMISSION_POLICY_TYPES,
  check: async (stack) => allowedOnEveryResource(stack, ["iam:PassRole"]),
};
