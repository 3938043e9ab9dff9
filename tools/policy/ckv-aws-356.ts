import { asArray, resources, type Json, type StaticRule } from "./rule";

export const CKV_AWS_356: StaticRule = {
  id: "CKV_AWS_356",
  title: 'No aws_iam_policy_document allows "*" as the resource of a write or permissions-management action',
  explanation: "CKV_AWS_355's rule for policies built with the aws_iam_policy_document data source; this project writes its documents as JSON.",
  appliesTo: ["data.aws_iam_policy_document"],
  check: async (stack) =>
    resources(stack, "data.aws_iam_policy_document").flatMap(([address, document]) =>
      asArray<Json>(document.statement as Json | Json[])
        .filter((s) => (s.effect ?? "Allow") === "Allow" && asArray(s.resources as string | string[]).includes("*"))
        .map(() => ({ address, message: 'a statement allows "*" as its resource' })),
    ),
};
