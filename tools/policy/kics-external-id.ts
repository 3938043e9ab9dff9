import { hasConditionKey, principals, statementFindings } from "./policy";
import type { StaticRule } from "./rule";

export const KICS_CROSS_ACCOUNT_WITHOUT_EXTERNAL_ID: StaticRule = {
  id: "KICS cross-account AssumeRole without ExternalId or MFA",
  title: "A trust policy for another account requires sts:ExternalId or MFA",
  explanation:
    "Without an external ID or MFA, anything in the trusted account that may call AssumeRole can be tricked into acting for someone else (the confused deputy).",
  appliesTo: ["aws_iam_role"],
  check: async (stack) =>
    statementFindings(
      stack,
      "trust",
      (s) => principals(s).length > 0 && !hasConditionKey(s, "sts:ExternalId") && !hasConditionKey(s, "aws:MultiFactorAuthPresent"),
      "cross-account trust without sts:ExternalId or aws:MultiFactorAuthPresent",
    ),
};
