import { asArray, resources, type Json, type StaticRule } from "./rule";

export const CKV_AWS_8: StaticRule = {
  id: "CKV_AWS_8",
  title: "Instance block devices are encrypted",
  explanation: "Unencrypted volumes and their snapshots can be read by anyone they are shared with.",
  appliesTo: ["aws_instance"],
  check: async (stack) =>
    resources(stack, "aws_instance").flatMap(([address, instance]) =>
      [...asArray<Json>(instance.root_block_device as Json | Json[]), ...asArray<Json>(instance.ebs_block_device as Json | Json[])]
        .concat(instance.root_block_device === undefined ? [{}] : [])
        .filter((device) => device.encrypted !== true)
        .map(() => ({ address, message: "a block device is not encrypted" })),
    ),
};
