import { PERMISSION_POLICY_TYPES, statementFindings } from "./policy";
import { asArray, type StaticRule } from "./rule";

export const CKV2_AWS_40: StaticRule = {
  id: "CKV2_AWS_40",
  title: "No IAM policy allows full IAM privileges",
  explanation: "iam:* on every resource is administrator access by another name: its holder can grant itself anything.",
  appliesTo: PERMISSION_POLICY_TYPES,
  check: async (stack) =>
    statementFindings(
      stack,
      "permissions",
      (s) => asArray(s.Resource).includes("*") && asArray(s.Action).some((a) => a === "*" || a.toLowerCase() === "iam:*"),
      'allows iam:* on "*"',
    ),
};
