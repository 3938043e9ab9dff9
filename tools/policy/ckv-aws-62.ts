import { POLICY_TYPES, statementFindings } from "./policy";
import { asArray, type StaticRule } from "./rule";

export const CKV_AWS_62: StaticRule = {
  id: "CKV_AWS_62",
  title: 'No IAM policy grants full administrative "*" on "*"',
  explanation: "Administrator rights through a policy this project writes would make every other bound meaningless.",
  appliesTo: POLICY_TYPES,
  check: async (stack) =>
    statementFindings(stack, "all", (s) => asArray(s.Action).includes("*") && asArray(s.Resource).includes("*"), 'allows "*" on "*"'),
};
