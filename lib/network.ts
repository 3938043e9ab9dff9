import { DataAwsEc2InstanceTypeOfferings } from "@cdktf/provider-aws/lib/data-aws-ec2-instance-type-offerings";
import { DataAwsSecurityGroup } from "@cdktf/provider-aws/lib/data-aws-security-group";
import { DataAwsSubnet } from "@cdktf/provider-aws/lib/data-aws-subnet";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Fn } from "cdktf";
import type { Construct } from "constructs";

export interface LaunchNetworkProps {
  readonly provider: AwsProvider;
  /** The subnet is chosen in a zone that offers this type. */
  readonly instanceType: string;
  /** @default - the default VPC's default subnet in the first zone (by name) that offers `instanceType` */
  readonly subnetId?: string;
}

/** The subnet and security group an instance launches with. */
export interface LaunchNetwork {
  readonly subnetId: string;
  /** The subnet VPC's default security group: no ingress from outside the group. */
  readonly securityGroupId: string;
}

/**
 * Looks up where the instance launches, so that both are named explicitly.
 * The AWS provider sends `AssociatePublicIpAddress` only when the instance
 * has a subnet (hashicorp/terraform-provider-aws#1484); without one, a
 * default subnet maps a public IP on launch and every later plan replaces
 * the instance. Naming the subnet makes "no public IP" true and plans stable.
 * Data sources: `subnet`, `security-group`, and `instance-zones` when no
 * subnet is configured.
 */
export function launchNetwork(scope: Construct, props: LaunchNetworkProps): LaunchNetwork {
  const { provider } = props;
  const subnet = props.subnetId
    ? new DataAwsSubnet(scope, "subnet", { provider, id: props.subnetId })
    : new DataAwsSubnet(scope, "subnet", {
        provider,
        defaultForAz: true,
        // Not every zone offers every type: pick a zone where the instance can launch.
        availabilityZone: Fn.element(
          Fn.sort(
            new DataAwsEc2InstanceTypeOfferings(scope, "instance-zones", {
              provider,
              locationType: "availability-zone",
              filter: [{ name: "instance-type", values: [props.instanceType] }],
            }).locations,
          ),
          0,
        ),
      });
  const securityGroup = new DataAwsSecurityGroup(scope, "security-group", { provider, vpcId: subnet.vpcId, name: "default" });
  return { subnetId: subnet.id, securityGroupId: securityGroup.id };
}
