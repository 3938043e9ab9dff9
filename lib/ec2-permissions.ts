import { CANONICAL_OWNER_IDS } from "./ami";
import { ec2ResourceArn } from "./arn";
import { PROJECT_TAG, type Partition } from "./config/schema";
import type { LaunchNetwork } from "./network";
import { conditions, policyDocument, type PolicyDocument, type PolicyStatement } from "./policy-document";
import type { DeploymentTarget } from "./targets";

/** What the scoped policy is scoped to. */
export interface Ec2ScopeProps {
  readonly partition: Partition;
  readonly accountId: string;
  /** Regions the role may act in (aws:RequestedRegion). */
  readonly regions: readonly string[];
  /** Instance types the role may launch, start, or change an instance to (ec2:InstanceType). */
  readonly instanceTypes: readonly string[];
  /** Value of the `Project` tag the role must set on launch and find before changing anything. */
  readonly project: string;
  /** The images the role may launch: by their owner (ec2:Owner), or exactly one image (ec2:ImageID). */
  readonly image: { readonly owner: string } | { readonly imageId: string };
  /** Whether launches may give the instance a public IP (ec2:AssociatePublicIpAddress). */
  readonly publicIp: boolean;
  /** Largest volume the role may create or grow a volume to, in GiB (ec2:VolumeSize). */
  readonly maxVolumeSizeGiB: number;
  /**
   * The only subnet and security group the role may launch with: the IDs the
   * IAM stack looks up (and hands to the EC2 stack), so the two cannot differ.
   */
  readonly network: LaunchNetwork;
}

/** The only volume type the stack creates; io1/io2 would allow paid provisioned IOPS. */
export const VOLUME_TYPE = "gp3";
/** gp3's included baseline: more is billed (ec2:VolumeIops, ec2:VolumeThroughput). */
export const GP3_BASELINE = { iops: 3000, throughputMiBs: 125 } as const;
/**
 * Largest root volume when none is configured: Canonical's images have 8 GiB
 * roots; the bound leaves room for a larger image without allowing a 64 TiB one.
 */
export const DEFAULT_MAX_VOLUME_GIB = 30;

/**
 * Read calls the provider makes for the EC2 stack (the subnet, security
 * group and zone lookups are the IAM stack's, made with the destination
 * provider, so the role needs none of them). Listed rather than
 * `ec2:Describe*`, which includes DescribeInstanceAttribute: that one returns
 * user data (often secrets) of any instance, so it gets its own statement
 * bound to project instances.
 */
export const READ_ACTIONS = [
  "ec2:DescribeImages",
  "ec2:DescribeInstances",
  "ec2:DescribeInstanceTypes",
  "ec2:DescribeInstanceCreditSpecifications",
  "ec2:DescribeVpcs",
  "ec2:DescribeVolumes",
  "ec2:DescribeVolumesModifications",
  "ec2:DescribeTags",
] as const;

/**
 * API calls Terraform's aws_instance makes after launch on the project's
 * instance, allowed only on instances that carry the project tag:
 * - StopInstances: changing instance_type stops, modifies, starts.
 * - MonitorInstances / UnmonitorInstances: the monitoring flag.
 * - TerminateInstances: destroy.
 * - GetInstanceUefiData: read after launch.
 * StartInstances, ModifyInstanceAttribute and ModifyInstanceMetadataOptions
 * have statements of their own, with bounds. ModifyInstanceCreditSpecification
 * is not allowed: unlimited credits are billed, and the stack sets none.
 */
export const INSTANCE_LIFECYCLE_ACTIONS = [
  "ec2:StopInstances",
  "ec2:MonitorInstances",
  "ec2:UnmonitorInstances",
  "ec2:TerminateInstances",
  "ec2:GetInstanceUefiData",
] as const;

/**
 * Instance attributes ModifyInstanceAttribute may not set, each checked with
 * `Null ec2:Attribute/<name>`: user data runs as root at the next start, a
 * kernel or ramdisk replaces what boots, and the security groups are the
 * instance's network boundary.
 */
export const FORBIDDEN_INSTANCE_ATTRIBUTES = ["UserData", "Kernel", "Ramdisk", "GroupId"] as const;

/**
 * The `scoped-ec2` permissions: enough for Terraform to create, read, update
 * and delete the project's instance, and nothing else. Each statement is
 * bound to the configured regions.
 *
 * - Reads: the Describe calls the provider makes (READ_ACTIONS), on `*`: EC2
 *   has no resource-level permissions for them. DescribeInstanceAttribute
 *   only on project instances.
 * - RunInstances is authorized per resource it touches: the instance must be
 *   of an allowed type, require IMDSv2 and carry the project tag in the
 *   request; volumes must be encrypted gp3 within the size, IOPS and
 *   throughput bounds; the image must be Canonical's (or the configured
 *   one); the network interface must not get a public IP (unless
 *   configured); the subnet and the security group must be the ones the IAM
 *   stack looked up, not any other in the account (one open to 0.0.0.0/0,
 *   say). No key pair may be used.
 * - After launch: start only as an allowed type; modify only to an allowed
 *   type and never the attributes in FORBIDDEN_INSTANCE_ATTRIBUTES; metadata
 *   options only with IMDSv2 required; grow volumes only within the bounds.
 *   Where AWS lists both a resource key and a request key (`ec2:VolumeSize`
 *   and `ec2:Attribute/Size`), both are bounded, so the bound holds whether
 *   AWS fills the resource key with the current or the requested value.
 * - Tags may be written on launch (ec2:CreateAction) or later on project
 *   instances; the project tag itself can neither be removed nor changed.
 */
export function buildScopedEc2Policy(props: Ec2ScopeProps): PolicyDocument {
  const { partition, accountId, project } = props;
  const inRegions = (resourceType: string) => props.regions.map((region) => ec2ResourceArn(partition, region, accountId, resourceType));
  const regionCondition = ["StringEquals", "aws:RequestedRegion", props.regions] as const;
  const projectResource = ["StringEquals", `aws:ResourceTag/${PROJECT_TAG}`, project] as const;
  const allowedType = ["StringEquals", "ec2:InstanceType", props.instanceTypes] as const;
  const volumeBounds = [
    ["StringEquals", "ec2:VolumeType", VOLUME_TYPE],
    ["NumericLessThanEquals", "ec2:VolumeSize", String(props.maxVolumeSizeGiB)],
    ["NumericLessThanEqualsIfExists", "ec2:VolumeIops", String(GP3_BASELINE.iops)],
    ["NumericLessThanEqualsIfExists", "ec2:VolumeThroughput", String(GP3_BASELINE.throughputMiBs)],
  ] as const;
  /**
   * ModifyVolume's request keys, bounded like the resource keys above: AWS
   * does not document whether `ec2:VolumeSize` and its kin carry the
   * volume's current values or the requested ones, so both are bounded.
   * IfExists: a request names only what it changes.
   */
  const requestedVolumeBounds = [
    ["StringEqualsIfExists", "ec2:Attribute/VolumeType", VOLUME_TYPE],
    ["NumericLessThanEqualsIfExists", "ec2:Attribute/Size", String(props.maxVolumeSizeGiB)],
    ["NumericLessThanEqualsIfExists", "ec2:Attribute/Iops", String(GP3_BASELINE.iops)],
    ["NumericLessThanEqualsIfExists", "ec2:Attribute/Throughput", String(GP3_BASELINE.throughputMiBs)],
  ] as const;
  const image =
    "owner" in props.image
      ? (["StringEquals", "ec2:Owner", props.image.owner] as const)
      : (["StringEquals", "ec2:ImageID", props.image.imageId] as const);
  const statements: PolicyStatement[] = [
    {
      Sid: "ReadEc2",
      Effect: "Allow",
      Action: [...READ_ACTIONS],
      Resource: "*",
      Condition: conditions([regionCondition]),
    },
    {
      Sid: "ReadProjectInstanceAttributes",
      Effect: "Allow",
      Action: "ec2:DescribeInstanceAttribute",
      Resource: inRegions("instance"),
      Condition: conditions([regionCondition, projectResource]),
    },
    {
      Sid: "LaunchProjectInstances",
      Effect: "Allow",
      Action: "ec2:RunInstances",
      Resource: inRegions("instance"),
      Condition: conditions([
        regionCondition,
        allowedType,
        ["StringEquals", "ec2:MetadataHttpTokens", "required"],
        ["StringEquals", `aws:RequestTag/${PROJECT_TAG}`, project],
      ]),
    },
    {
      Sid: "LaunchWithBoundedEncryptedVolumes",
      Effect: "Allow",
      Action: "ec2:RunInstances",
      Resource: inRegions("volume"),
      Condition: conditions([regionCondition, ["Bool", "ec2:Encrypted", "true"], ...volumeBounds]),
    },
    {
      Sid: "LaunchFromAllowedImages",
      Effect: "Allow",
      Action: "ec2:RunInstances",
      Resource: props.regions.map((region) => ec2ResourceArn(partition, region, "", "image")),
      Condition: conditions([regionCondition, image]),
    },
    {
      Sid: props.publicIp ? "LaunchNetworkInterfaces" : "LaunchWithoutPublicIp",
      Effect: "Allow",
      Action: "ec2:RunInstances",
      Resource: inRegions("network-interface"),
      Condition: conditions([regionCondition, ["Bool", "ec2:AssociatePublicIpAddress", props.publicIp ? undefined : "false"]]),
    },
    {
      Sid: "LaunchIntoTheLookedUpNetwork",
      Effect: "Allow",
      Action: "ec2:RunInstances",
      Resource: props.regions.flatMap((region) => [
        ec2ResourceArn(partition, region, accountId, "subnet", props.network.subnetId),
        ec2ResourceArn(partition, region, accountId, "security-group", props.network.securityGroupId),
      ]),
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
      Sid: "StartProjectInstancesOfAllowedTypes",
      Effect: "Allow",
      Action: "ec2:StartInstances",
      Resource: inRegions("instance"),
      Condition: conditions([regionCondition, projectResource, allowedType]),
    },
    {
      Sid: "ModifyProjectInstancesWithinBounds",
      Effect: "Allow",
      Action: "ec2:ModifyInstanceAttribute",
      Resource: inRegions("instance"),
      Condition: {
        ...conditions([regionCondition, projectResource, ["StringEqualsIfExists", "ec2:Attribute/InstanceType", props.instanceTypes]]),
        Null: Object.fromEntries(FORBIDDEN_INSTANCE_ATTRIBUTES.map((name) => [`ec2:Attribute/${name}`, "true"])),
      },
    },
    // Metadata options, IMDSv2 kept under either reading of ec2:MetadataHttpTokens (the instance's current
    // setting, or the requested one): a request that sets HttpTokens must set "required" (ec2:Attribute/HttpTokens,
    // a request key); one that leaves it alone may go on only while the key, if present, says "required".
    {
      Sid: "SetImdsV2Required",
      Effect: "Allow",
      Action: "ec2:ModifyInstanceMetadataOptions",
      Resource: inRegions("instance"),
      Condition: conditions([regionCondition, projectResource, ["StringEquals", "ec2:Attribute/HttpTokens", "required"]]),
    },
    {
      Sid: "KeepImdsV2",
      Effect: "Allow",
      Action: "ec2:ModifyInstanceMetadataOptions",
      Resource: inRegions("instance"),
      Condition: {
        ...conditions([regionCondition, projectResource, ["StringEqualsIfExists", "ec2:MetadataHttpTokens", "required"]]),
        Null: { "ec2:Attribute/HttpTokens": "true" },
      },
    },
    {
      Sid: "ResizeProjectVolumesWithinBounds",
      Effect: "Allow",
      Action: "ec2:ModifyVolume",
      Resource: inRegions("volume"),
      Condition: conditions([regionCondition, projectResource, ...volumeBounds, ...requestedVolumeBounds]),
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

/** The scoped policy for one destination: its account, its region, its instance type, its image and its network. */
export function scopedEc2PolicyFor(target: DeploymentTarget, network: LaunchNetwork): PolicyDocument {
  return buildScopedEc2Policy({
    partition: target.partition,
    accountId: target.destination.accountId,
    regions: [target.destination.region],
    instanceTypes: [target.instance.instanceType],
    project: target.project,
    image: target.instance.ami ? { imageId: target.instance.ami } : { owner: CANONICAL_OWNER_IDS[target.partition] },
    publicIp: target.instance.associatePublicIpAddress,
    maxVolumeSizeGiB: target.instance.rootVolumeSizeGiB ?? DEFAULT_MAX_VOLUME_GIB,
    network,
  });
}
