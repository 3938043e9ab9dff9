import { resources, type StaticRule } from "./rule";

export const CKV_AWS_126: StaticRule = {
  id: "CKV_AWS_126",
  title: "Instance has detailed monitoring",
  explanation: "One-minute metrics show a problem in time to act on it.",
  // A choice the config offers (instance.detailedMonitoring): shown at the gate, never blocking.
  enforcement: "warn",
  appliesTo: ["aws_instance"],
  check: async (stack) =>
    resources(stack, "aws_instance")
      .filter(([, instance]) => instance.monitoring !== true)
      .map(([address]) => ({ address, message: "monitoring is not true" })),
};
