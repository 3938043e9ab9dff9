import { attachedPolicyArns, ATTACHMENT_TYPES } from "./managed-policies";
import type { StaticRule } from "./rule";

export const CKV2_AWS_56: StaticRule = {
  id: "CKV2_AWS_56",
  title: "IAMFullAccess is not attached",
  explanation: "The AWS-managed IAMFullAccess policy lets its holder grant itself anything.",
  appliesTo: ATTACHMENT_TYPES,
  check: async (stack) =>
    attachedPolicyArns(stack)
      .filter(({ arn }) => /:policy\/IAMFullAccess$/.test(arn))
      .map(({ address }) => ({ address, message: "attaches IAMFullAccess" })),
};
