import { resources, type Json, type StaticRule } from "./rule";

export const CKV_AWS_79: StaticRule = {
  id: "CKV_AWS_79",
  title: "Instance metadata service requires IMDSv2 tokens",
  explanation: "IMDSv1 answers any request from the instance, which is how SSRF bugs leak the instance role's credentials.",
  appliesTo: ["aws_instance"],
  check: async (stack) =>
    resources(stack, "aws_instance")
      .filter(([, instance]) => (instance.metadata_options as Json | undefined)?.http_tokens !== "required")
      .map(([address]) => ({ address, message: "metadata_options.http_tokens is not required" })),
};
