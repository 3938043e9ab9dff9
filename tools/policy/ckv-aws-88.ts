import { resources, type StaticRule } from "./rule";

export const CKV_AWS_88: StaticRule = {
  id: "CKV_AWS_88",
  title: "Instance has no public IP address",
  explanation: "A public IP puts the instance on the internet; this project's instances are private unless configured otherwise.",
  // A choice the config offers (instance.associatePublicIpAddress): shown at the gate, never blocking.
  enforcement: "warn",
  appliesTo: ["aws_instance"],
  check: async (stack) =>
    resources(stack, "aws_instance")
      .filter(([, instance]) => instance.associate_public_ip_address !== false)
      .map(([address]) => ({ address, message: "associate_public_ip_address is not false" })),
};
