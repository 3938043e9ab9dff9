import { principals, statementFindings } from "./policy";
import type { StaticRule } from "./rule";

export const CKV_AWS_60: StaticRule = {
  id: "CKV_AWS_60",
  title: "IAM role trust policy does not let any principal (*) assume it",
  explanation: "A trust of `*` lets every AWS account in the world try to assume the role; only conditions would stand in the way.",
  appliesTo: ["aws_iam_role"],
  check: async (stack) => statementFindings(stack, "trust", (s) => principals(s).includes("*"), "trusts Principal *"),
};
