import { POLICY_TYPES, statementFindings } from "./policy";
import { asArray, type StaticRule } from "./rule";

export const CKV_AWS_63: StaticRule = {
  id: "CKV_AWS_63",
  title: 'No IAM policy statement allows every action ("*")',
  explanation: "Every action, even on one resource, includes deleting it and rewriting its policy.",
  appliesTo: POLICY_TYPES,
  check: async (stack) => statementFindings(stack, "all", (s) => asArray(s.Action).includes("*"), 'allows Action "*"'),
};
