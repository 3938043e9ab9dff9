import { attachedPolicyArns, ATTACHMENT_TYPES } from "./managed-policies";
import type { StaticRule } from "./rule";

export const CKV_AWS_274: StaticRule = {
  id: "CKV_AWS_274",
  title: "AdministratorAccess is not attached",
  explanation: "The AWS-managed AdministratorAccess policy allows everything; no principal here needs it.",
  appliesTo: ATTACHMENT_TYPES,
  check: async (stack) =>
    attachedPolicyArns(stack)
      .filter(({ arn }) => /:policy\/AdministratorAccess$/.test(arn))
      .map(({ address }) => ({ address, message: "attaches AdministratorAccess" })),
};
