import { hasConditionKey, principals, statementFindings } from "./policy";
import type { StaticRule } from "./rule";

export const CKV_AWS_61: StaticRule = {
  id: "CKV_AWS_61",
  title: "IAM role trust policy does not trust a whole account (:root) without narrowing to named principals",
  explanation:
    "Trusting an account root hands the decision of who may assume the role to that account's own identity policies; aws:PrincipalArn keeps it here.",
  appliesTo: ["aws_iam_role"],
  check: async (stack) =>
    statementFindings(
      stack,
      "trust",
      (s) => principals(s).some((arn) => arn.endsWith(":root")) && !hasConditionKey(s, "aws:PrincipalArn"),
      "trusts an account root with no aws:PrincipalArn condition",
    ),
};
