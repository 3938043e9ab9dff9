import { ec2ResourceArn } from "./arn";
import { PROJECT_TAG, type Partition } from "./config";
import { conditions, policyDocument, type PolicyDocument, type PolicyStatement } from "./policy-document";
import type { DeploymentTarget } from "./targets";

/** What the scoped policy is scoped to. */
export interface Ec2ScopeProps {
  readonly partition: Partition;
  readonly accountId: string;
  /** Regions the role may act in (aws:RequestedRegion). */
  readonly regions: readonly string[];
  /** Instance types the role may launch (ec2:InstanceType). */
  readonly instanceTypes: readonly string[];
  /** Value of the `Project` tag the role must set on launch and find before changing anything. */
  readonly project: string;
}

/**
 * API calls Terraform's aws_instance makes after launch, each allowed only on
 * instances that carry the project tag:
 * - StopInstances / StartInstances: changing instance_type stops, modifies, starts.
 * - ModifyInstanceAttribute: instance_type, disable_api_termination, user_data, source_dest_check.
 * - ModifyInstanceMetadataOptions: metadata_options (IMDSv2).
 * - MonitorInstances / UnmonitorInstances: the monitoring flag.
 * - ModifyInstanceCreditSpecification: credit_specification on burstable types.
 * - TerminateInstances: destroy.
 */
export const INSTANCE_LIFECYCLE_ACTIONS = [
  "ec2:StartInstances",
  "ec2:StopInstances",
  "ec2:ModifyInstanceAttribute",
  "ec2:ModifyInstanceMetadataOptions",
  "ec2:MonitorInstances",
  "ec2:UnmonitorInstances",
  "ec2:ModifyInstanceCreditSpecification",
  "ec2:TerminateInstances",
] as const;

/**
 * The `scoped-ec2` permissions: enough for Terraform to create, read, update
 * and delete the project's instance, and nothing else.
 *
 * - Reads (`ec2:Describe*`: DescribeInstances, DescribeInstanceAttribute,
 *   DescribeVolumes, DescribeImages for the AMI lookup, DescribeInstanceTypes,
 *   DescribeInstanceCreditSpecifications) are allowed on everything: EC2 has
 *   no resource-level permissions for most Describe calls.
 * - RunInstances is split by resource, as EC2 authorises it per resource: the
 *   instance must be of an allowed type, require IMDSv2 and carry the project
 *   tag in the request; volumes must be encrypted; the rest (image, subnet,
 *   network interface, security group, key pair) is only region-bound.
 * - Tags may be written on launch (ec2:CreateAction) or later on project
 *   instances; the project tag itself can neither be removed nor changed.
 * - Every statement is bound to the configured regions.
 */
export function buildScopedEc2Policy(props: Ec2ScopeProps): PolicyDocument {
  const { partition, accountId, project } = props;
  const inRegions = (resourceType: string) => props.regions.map((region) => ec2ResourceArn(partition, region, accountId, resourceType));
  const regionCondition = ["StringEquals", "aws:RequestedRegion", props.regions] as const;
  const projectResource = ["StringEquals", `aws:ResourceTag/${PROJECT_TAG}`, project] as const;
  const statements: PolicyStatement[] = [
    {
      Sid: "ReadEc2",
      Effect: "Allow",
      Action: "ec2:Describe*",
      Resource: "*",
      Condition: conditions([regionCondition]),
    },
    {
      Sid: "LaunchProjectInstances",
      Effect: "Allow",
      Action: "ec2:RunInstances",
      Resource: inRegions("instance"),
      Condition: conditions([
        regionCondition,
        ["StringEquals", "ec2:InstanceType", props.instanceTypes],
        ["StringEquals", "ec2:MetadataHttpTokens", "required"],
        ["StringEquals", `aws:RequestTag/${PROJECT_TAG}`, project],
      ]),
    },
    {
      Sid: "LaunchWithEncryptedVolumes",
      Effect: "Allow",
      Action: "ec2:RunInstances",
      Resource: inRegions("volume"),
      Condition: conditions([regionCondition, ["Bool", "ec2:Encrypted", "true"]]),
    },
    {
      Sid: "LaunchIntoNetworkWithImage",
      Effect: "Allow",
      Action: "ec2:RunInstances",
      Resource: [
        ...props.regions.map((region) => ec2ResourceArn(partition, region, "", "image")),
        ...inRegions("subnet"),
        ...inRegions("network-interface"),
        ...inRegions("security-group"),
        ...inRegions("key-pair"),
      ],
      Condition: conditions([regionCondition]),
    },
    {
      Sid: "TagOnLaunch",
      Effect: "Allow",
      Action: "ec2:CreateTags",
      Resource: [...inRegions("instance"), ...inRegions("volume"), ...inRegions("network-interface")],
      Condition: conditions([regionCondition, ["StringEquals", "ec2:CreateAction", "RunInstances"]]),
    },
    {
      Sid: "ManageProjectInstances",
      Effect: "Allow",
      Action: [...INSTANCE_LIFECYCLE_ACTIONS],
      Resource: inRegions("instance"),
      Condition: conditions([regionCondition, projectResource]),
    },
    {
      Sid: "ResizeProjectVolumes",
      Effect: "Allow",
      Action: "ec2:ModifyVolume",
      Resource: inRegions("volume"),
      Condition: conditions([regionCondition, projectResource]),
    },
    {
      Sid: "RetagProjectResources",
      Effect: "Allow",
      Action: "ec2:CreateTags",
      Resource: [...inRegions("instance"), ...inRegions("volume")],
      Condition: conditions([regionCondition, projectResource, ["StringEqualsIfExists", `aws:RequestTag/${PROJECT_TAG}`, project]]),
    },
    {
      Sid: "UntagProjectResourcesButNotProjectTag",
      Effect: "Allow",
      Action: "ec2:DeleteTags",
      Resource: [...inRegions("instance"), ...inRegions("volume")],
      Condition: conditions([regionCondition, projectResource, ["ForAllValues:StringNotEquals", "aws:TagKeys", [PROJECT_TAG]]]),
    },
  ];
  return policyDocument(...statements);
}

/** The scoped policy for one destination: its account, its region, its instance type. */
export function scopedEc2PolicyFor(target: DeploymentTarget): PolicyDocument {
  return buildScopedEc2Policy({
    partition: target.partition,
    accountId: target.destination.accountId,
    regions: [target.destination.region],
    instanceTypes: [target.instance.instanceType],
    project: target.project,
  });
}
