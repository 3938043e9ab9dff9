import { DataAwsAmi } from "@cdktf/provider-aws/lib/data-aws-ami";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { Construct } from "constructs";
import type { Partition } from "./config/schema";
import { architectureOf } from "./instance-types";

/**
 * Canonical's image-publisher account in each partition (from Canonical's
 * "Find Ubuntu images on AWS" page). Public publisher IDs, not user accounts:
 * filtering on the owner is what stops a look-alike community AMI being picked.
 */
export const CANONICAL_OWNER_IDS: Readonly<Record<Partition, string>> = {
  aws: "099720109477",
  "aws-cn": "837727238323",
  "aws-us-gov": "513442679011",
};

export interface UbuntuAmiProps {
  readonly provider: AwsProvider;
  readonly partition: Partition;
  /** The image must boot on this type's architecture. */
  readonly instanceType: string;
}

/** The latest Ubuntu 24.04 LTS server image from Canonical, as the tutorial looks it up. */
export function latestUbuntuAmi(scope: Construct, id: string, props: UbuntuAmiProps): DataAwsAmi {
  const arch = architectureOf(props.instanceType);
  return new DataAwsAmi(scope, id, {
    provider: props.provider,
    mostRecent: true,
    owners: [CANONICAL_OWNER_IDS[props.partition]],
    filter: [
      { name: "name", values: [`ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-${arch === "arm64" ? "arm64" : "amd64"}-server-*`] },
      { name: "architecture", values: [arch] },
      { name: "virtualization-type", values: ["hvm"] },
    ],
  });
}
