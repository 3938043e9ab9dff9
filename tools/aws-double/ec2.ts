import { createHash } from "node:crypto";
import type { ContextValues, ResourceRequest } from "./authorizer";
import { AwsError, ec2Query, wildcardMatch, type QueryParams, type XmlValue } from "./protocol";
import { newId, requestTagContext, resourceTagContext, type CallContext, type Handler, type Service } from "./service";

/**
 * AWS double (test double): EC2. Per account and region: a default VPC with
 * one default subnet per availability zone that maps a public IP on launch,
 * as AWS creates them; its default security group; instances and their
 * volumes. Canonical's Ubuntu images (and a look-alike community image) are
 * public in every region. RunInstances is authorized per resource it touches,
 * with the condition keys AWS sets for each.
 */

/** Canonical's image-publisher account (public; the stacks filter on it). */
const CANONICAL = "099720109477";
/** A community publisher whose look-alike image is newer: picking it would mean the owner filter failed. */
const LOOK_ALIKE_OWNER = "123456789012";
const ZONES = ["a", "b", "c"];

interface InstanceTypeInfo {
  readonly arch: "x86_64" | "arm64";
  readonly vcpus: number;
  readonly memoryMiB: number;
  readonly burstable: boolean;
  readonly defaultCredits?: "standard" | "unlimited";
  /** Previous-generation types that boot only paravirtual images. @default false */
  readonly paravirtualOnly?: boolean;
}

/** The instance types the double offers (in every zone); others do not exist here. */
const INSTANCE_TYPES: Record<string, InstanceTypeInfo> = {
  "t2.micro": { arch: "x86_64", vcpus: 1, memoryMiB: 1024, burstable: true, defaultCredits: "standard" },
  "t3.nano": { arch: "x86_64", vcpus: 2, memoryMiB: 512, burstable: true, defaultCredits: "unlimited" },
  "t3.micro": { arch: "x86_64", vcpus: 2, memoryMiB: 1024, burstable: true, defaultCredits: "unlimited" },
  "t3.small": { arch: "x86_64", vcpus: 2, memoryMiB: 2048, burstable: true, defaultCredits: "unlimited" },
  "t3.medium": { arch: "x86_64", vcpus: 2, memoryMiB: 4096, burstable: true, defaultCredits: "unlimited" },
  "t4g.micro": { arch: "arm64", vcpus: 2, memoryMiB: 1024, burstable: true, defaultCredits: "unlimited" },
  "t4g.small": { arch: "arm64", vcpus: 2, memoryMiB: 2048, burstable: true, defaultCredits: "unlimited" },
  "m5.large": { arch: "x86_64", vcpus: 2, memoryMiB: 8192, burstable: false },
  "m7g.large": { arch: "arm64", vcpus: 2, memoryMiB: 8192, burstable: false },
  "c5.large": { arch: "x86_64", vcpus: 2, memoryMiB: 4096, burstable: false },
  "p5.48xlarge": { arch: "x86_64", vcpus: 192, memoryMiB: 2097152, burstable: false },
  "t1.micro": { arch: "x86_64", vcpus: 1, memoryMiB: 627, burstable: true, defaultCredits: "standard", paravirtualOnly: true },
  "m1.small": { arch: "x86_64", vcpus: 1, memoryMiB: 1740, burstable: false, paravirtualOnly: true },
};

interface Image {
  readonly id: string;
  readonly name: string;
  readonly owner: string;
  readonly arch: "x86_64" | "arm64";
  readonly created: string;
}

interface Network {
  readonly vpcId: string;
  readonly cidr: string;
  readonly subnets: readonly { readonly id: string; readonly az: string; readonly cidr: string; readonly index: number }[];
  readonly securityGroupId: string;
  readonly ownerId: string;
}

interface Volume {
  readonly id: string;
  size: number;
  type: string;
  iops: number;
  throughput: number;
  readonly encrypted: boolean;
  readonly kmsKeyId?: string;
  readonly az: string;
  readonly created: Date;
  attachment?: { readonly instanceId: string; readonly device: string; readonly deleteOnTermination: boolean; readonly attached: Date };
  tags: Record<string, string>;
}

interface Instance {
  readonly id: string;
  readonly reservationId: string;
  readonly imageId: string;
  instanceType: string;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly az: string;
  readonly privateIp: string;
  publicIp?: string;
  readonly eniId: string;
  readonly securityGroups: string[];
  state: "pending" | "running" | "stopping" | "stopped" | "shutting-down" | "terminated";
  readonly launched: Date;
  tags: Record<string, string>;
  metadata: { httpTokens: string; httpEndpoint: string; hopLimit: number; instanceMetadataTags: string; httpProtocolIpv6: string };
  monitoring: boolean;
  readonly rootVolumeId: string;
  disableApiTermination: boolean;
  disableApiStop: boolean;
  userData: string;
  ebsOptimized: boolean;
  credits?: string;
  shutdownBehavior: string;
  sourceDestCheck: boolean;
  readonly keyName?: string;
}

interface Place {
  readonly network: Network;
  readonly instances: Map<string, Instance>;
  readonly volumes: Map<string, Volume>;
  /** RunInstances' client tokens: the request each came with, and the instance it launched. */
  readonly launches: Map<string, { readonly request: string; readonly instanceId: string }>;
}

const STATE_CODES: Record<Instance["state"], number> = { pending: 0, running: 16, "shutting-down": 32, terminated: 48, stopping: 64, stopped: 80 };

const digest = (...parts: string[]) => createHash("sha256").update(parts.join("/")).digest("hex");

function imagesOf(region: string): Image[] {
  const image = (owner: string, arch: "x86_64" | "arm64", date: string): Image => ({
    id: `ami-${digest(region, owner, arch, date).slice(0, 17)}`,
    name: `ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-${arch === "arm64" ? "arm64" : "amd64"}-server-${date}`,
    owner,
    arch,
    created: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T00:00:00.000Z`,
  });
  return [
    ...(["x86_64", "arm64"] as const).flatMap((arch) => [image(CANONICAL, arch, "20250115"), image(CANONICAL, arch, "20250610")]),
    image(LOOK_ALIKE_OWNER, "x86_64", "20261101"),
  ];
}

/** A filter set from `Filter.N.Name` / `Filter.N.Value.M`. */
function filtersOf(params: QueryParams): { name: string; values: string[] }[] {
  return params.list("Filter").map((filter) => ({ name: filter.get("Name") ?? "", values: filter.strings("Value") }));
}

/** Whether an item's fields pass every filter (any value of a filter, wildcards allowed). */
function passes(
  fields: Readonly<Record<string, string | readonly string[] | undefined>>,
  filters: readonly { name: string; values: string[] }[],
): boolean {
  return filters.every(({ name, values }) => {
    const field = fields[name];
    if (field === undefined) throw new AwsError("InvalidParameterValue", `The filter '${name}' is invalid (the AWS double does not support it).`);
    const actual = typeof field === "string" ? [field] : field;
    return values.some((pattern) => actual.some((value) => wildcardMatch(pattern, value)));
  });
}

const tagFields = (tags: Readonly<Record<string, string>>) => ({
  ...Object.fromEntries(Object.entries(tags).map(([key, value]) => [`tag:${key}`, value])),
  "tag-key": Object.keys(tags),
});
const tagSet = (tags: Readonly<Record<string, string>>) => Object.entries(tags).map(([key, value]) => ({ key, value }));

/** Tags from `Tag.N.Key/Value`, as EC2 takes them. */
const ec2Tags = (params: QueryParams, prefix = "Tag") =>
  Object.fromEntries(params.list(prefix).map((tag) => [tag.get("Key") ?? "", tag.get("Value") ?? ""]));

/** EC2's input rules for what the stacks send, from the EC2 API Reference and User Guide ("Tag your resources"). */
export const EC2_RULES = {
  /** A resource ID: its prefix, a hyphen and 8 (older) or 17 hexadecimal digits. */
  idShape: /^[a-z]+-(?:[0-9a-f]{8}|[0-9a-f]{17})$/,
  maxTags: 50,
  tagKeyLength: 128,
  tagValueLength: 256,
} as const;

/** The error code AWS answers an ill-formed ID of each kind with. */
const MALFORMED = {
  ami: "InvalidAMIID.Malformed",
  subnet: "InvalidSubnetID.Malformed",
  sg: "InvalidGroupId.Malformed",
  i: "InvalidInstanceID.Malformed",
  vol: "InvalidVolumeID.Malformed",
} as const;

/** `id` if it is a well-formed ID of `prefix`'s kind; otherwise EC2's `...Malformed` error. */
export function wellFormedId(prefix: keyof typeof MALFORMED, id: string): string {
  if (!id.startsWith(`${prefix}-`) || !EC2_RULES.idShape.test(id))
    throw new AwsError(MALFORMED[prefix], `Invalid id: "${id}" (expecting "${prefix}-...")`);
  return id;
}

/** EC2's tag rules for one resource's tags after the call: at most 50, keys of 1-128 and values of up to 256 characters, no `aws:` prefix. */
export function ec2TagProblem(tags: Readonly<Record<string, string>>): AwsError | undefined {
  const entries = Object.entries(tags);
  if (entries.length > EC2_RULES.maxTags)
    return new AwsError("TagLimitExceeded", `The maximum number of tags (${EC2_RULES.maxTags}) for a resource has been reached.`);
  for (const [key, value] of entries) {
    if (key.toLowerCase().startsWith("aws:"))
      return new AwsError("InvalidParameterValue", `Tag keys starting with 'aws:' are reserved for internal use: ${key}`);
    if (key.length < 1 || key.length > EC2_RULES.tagKeyLength)
      return new AwsError("InvalidParameterValue", `Tag key must be 1-${EC2_RULES.tagKeyLength} characters long: '${key}'`);
    if (value.length > EC2_RULES.tagValueLength)
      return new AwsError("InvalidParameterValue", `Tag value exceeds the maximum length of ${EC2_RULES.tagValueLength} characters: '${value}'`);
  }
  return undefined;
}

/**
 * What EC2's resource condition keys carry on a modify call: the values as requested, or the
 * resource's current ones (AWS does not say; the project's policy must hold under both).
 */
export type ResourceKeyReading = "requested" | "current";

export class Ec2Service implements Service {
  readonly signingName = "ec2";
  readonly protocol = ec2Query;
  readonly handlers: Readonly<Record<string, Handler>>;
  private readonly places = new Map<string, Place>();

  constructor(
    readonly partition: string,
    readonly resourceKeys: ResourceKeyReading = "requested",
  ) {
    this.handlers = this.buildHandlers();
  }

  private place(accountId: string, region: string): Place {
    const key = `${accountId}/${region}`;
    let place = this.places.get(key);
    if (!place) {
      const id = (prefix: string, ...parts: string[]) => `${prefix}-${digest(accountId, region, ...parts).slice(0, 17)}`;
      place = {
        network: {
          vpcId: id("vpc", "vpc"),
          cidr: "172.31.0.0/16",
          subnets: ZONES.map((zone, index) => ({ id: id("subnet", zone), az: `${region}${zone}`, cidr: `172.31.${index * 16}.0/20`, index })),
          securityGroupId: id("sg", "default"),
          ownerId: accountId,
        },
        instances: new Map(),
        volumes: new Map(),
        launches: new Map(),
      };
      this.places.set(key, place);
    }
    return place;
  }

  arn(region: string, accountId: string, type: string, id: string): string {
    return `arn:${this.partition}:ec2:${region}:${accountId}:${type}/${id}`;
  }

  /** Instances not terminated, and volumes, per account. */
  inventory(): Record<string, string[]> {
    const result: Record<string, string[]> = {};
    for (const [key, place] of this.places) {
      const [accountId, region] = key.split("/");
      result[accountId] = [
        ...(result[accountId] ?? []),
        ...[...place.instances.values()].filter((i) => i.state !== "terminated").map((i) => this.arn(region, accountId, "instance", i.id)),
        ...[...place.volumes.values()].map((v) => this.arn(region, accountId, "volume", v.id)),
      ];
    }
    return result;
  }

  /** Every instance the double holds, terminated ones included, for tests that look at what was launched. */
  instances(): (Readonly<Instance> & { readonly accountId: string; readonly region: string; readonly rootVolume?: Readonly<Volume> })[] {
    return [...this.places].flatMap(([key, place]) => {
      const [accountId, region] = key.split("/");
      return [...place.instances.values()].map((instance) => ({
        ...instance,
        accountId,
        region,
        rootVolume: place.volumes.get(instance.rootVolumeId),
      }));
    });
  }

  private buildHandlers(): Record<string, Handler> {
    const here = (c: CallContext) => this.place(c.caller.accountId, c.region);
    const arnOf = (c: CallContext, type: string, id: string) => this.arn(c.region, c.caller.accountId, type, id);
    const describe = (action: string) => (c: CallContext) => c.authorize(`ec2:${action}`, [{ resource: "*" }]);
    const instanceOf = (c: CallContext, id: string) => {
      const instance = here(c).instances.get(wellFormedId("i", id));
      if (!instance) throw new AwsError("InvalidInstanceID.NotFound", `The instance ID '${id}' does not exist`);
      return instance;
    };
    const volumeOf = (c: CallContext, id: string) => {
      const volume = here(c).volumes.get(wellFormedId("vol", id));
      if (!volume) throw new AwsError("InvalidVolume.NotFound", `The volume '${id}' does not exist.`);
      return volume;
    };
    const instanceContext = (c: CallContext, instance: Instance): ContextValues => ({
      ...resourceTagContext(instance.tags),
      "ec2:InstanceType": instance.instanceType,
      "ec2:AvailabilityZone": instance.az,
      "ec2:MetadataHttpTokens": instance.metadata.httpTokens,
      "ec2:RootDeviceType": "ebs",
      "ec2:Tenancy": "default",
      "ec2:Region": c.region,
      "ec2:ResourceTag/Name": instance.tags.Name ?? "",
    });
    const onInstances = (c: CallContext, action: string, ids: string[], extra: ContextValues = {}) =>
      c.authorize(
        `ec2:${action}`,
        ids.map((id) => ({ resource: arnOf(c, "instance", id), context: { ...instanceContext(c, instanceOf(c, id)), ...extra } })),
      );
    const stateChange = (instance: Instance, previous: Instance["state"]) => ({
      instanceId: instance.id,
      currentState: { code: STATE_CODES[instance.state], name: instance.state },
      previousState: { code: STATE_CODES[previous], name: previous },
    });
    /** Stop and start: the state the instances move to; the next DescribeInstances finds them arrived. */
    const transition = (action: string, to: Instance["state"]) => async (c: CallContext) => {
      const ids = c.params.strings("InstanceId");
      await onInstances(c, action, ids);
      return {
        instancesSet: ids.map((id) => {
          const instance = instanceOf(c, id);
          const previous = instance.state;
          instance.state = to;
          return stateChange(instance, previous);
        }),
      };
    };
    const typeInfo = (name: string) => {
      const info = INSTANCE_TYPES[name];
      if (!info) throw new AwsError("InvalidInstanceType", `The following supplied instance types do not exist: [${name}]`);
      return info;
    };

    return {
      DescribeImages: async (c) => {
        await describe("DescribeImages")(c);
        const owners = c.params.strings("Owner");
        const ids = c.params.strings("ImageId");
        const filters = filtersOf(c.params);
        const images = imagesOf(c.region).filter(
          (image) =>
            (owners.length === 0 || owners.includes(image.owner) || (owners.includes("self") && image.owner === c.caller.accountId)) &&
            (ids.length === 0 || ids.includes(image.id)) &&
            passes(
              {
                name: image.name,
                architecture: image.arch,
                "virtualization-type": "hvm",
                "root-device-type": "ebs",
                state: "available",
                "image-id": image.id,
                "owner-id": image.owner,
                "is-public": "true",
                "image-type": "machine",
              },
              filters,
            ),
        );
        return {
          imagesSet: images.map((image) => ({
            imageId: image.id,
            imageLocation: `${image.owner}/${image.name}`,
            imageState: "available",
            imageOwnerId: image.owner,
            creationDate: image.created,
            isPublic: true,
            architecture: image.arch,
            imageType: "machine",
            name: image.name,
            description: "Canonical, Ubuntu, 24.04, amd64 noble image",
            rootDeviceType: "ebs",
            rootDeviceName: "/dev/sda1",
            blockDeviceMapping: [
              {
                deviceName: "/dev/sda1",
                ebs: { snapshotId: `snap-${image.id.slice(4)}`, volumeSize: 8, deleteOnTermination: true, volumeType: "gp3", encrypted: false },
              },
            ],
            virtualizationType: "hvm",
            hypervisor: "xen",
            enaSupport: true,
            sriovNetSupport: "simple",
            platformDetails: "Linux/UNIX",
            usageOperation: "RunInstances",
            bootMode: "uefi-preferred",
            imdsSupport: "v2.0",
          })),
        };
      },
      DescribeAvailabilityZones: async (c) => {
        await describe("DescribeAvailabilityZones")(c);
        return {
          availabilityZoneInfo: ZONES.map((zone, index) => ({
            zoneName: `${c.region}${zone}`,
            zoneId: `${c.region.replace(/-/g, "").slice(0, 4)}-az${index + 1}`,
            zoneState: "available",
            regionName: c.region,
            zoneType: "availability-zone",
            optInStatus: "opt-in-not-required",
            groupName: c.region,
            networkBorderGroup: c.region,
          })),
        };
      },
      DescribeVpcs: async (c) => {
        await describe("DescribeVpcs")(c);
        const { network } = here(c);
        const ids = c.params.strings("VpcId");
        if (ids.some((id) => id !== network.vpcId)) throw new AwsError("InvalidVpcID.NotFound", `The vpc ID '${ids.join(", ")}' does not exist`);
        const fields = {
          "vpc-id": network.vpcId,
          isDefault: "true",
          "is-default": "true",
          state: "available",
          "cidr-block": network.cidr,
          "owner-id": network.ownerId,
        };
        const vpcs = passes(fields, filtersOf(c.params))
          ? [
              {
                vpcId: network.vpcId,
                ownerId: network.ownerId,
                state: "available",
                cidrBlock: network.cidr,
                cidrBlockAssociationSet: [
                  { associationId: `vpc-cidr-assoc-${network.vpcId.slice(4)}`, cidrBlock: network.cidr, cidrBlockState: { state: "associated" } },
                ],
                dhcpOptionsId: "dopt-0default",
                instanceTenancy: "default",
                isDefault: true,
              },
            ]
          : [];
        return { vpcSet: vpcs };
      },
      DescribeSubnets: async (c) => {
        await describe("DescribeSubnets")(c);
        const { network } = here(c);
        const ids = c.params.strings("SubnetId");
        const unknown = ids.filter((id) => !network.subnets.some((s) => s.id === id));
        if (unknown.length) throw new AwsError("InvalidSubnetID.NotFound", `The subnet ID '${unknown.join(", ")}' does not exist`);
        const filters = filtersOf(c.params);
        const subnets = network.subnets.filter(
          (s) =>
            (ids.length === 0 || ids.includes(s.id)) &&
            passes(
              {
                "subnet-id": s.id,
                "vpc-id": network.vpcId,
                vpcId: network.vpcId,
                "availability-zone": s.az,
                availabilityZone: s.az,
                "default-for-az": "true",
                defaultForAz: "true",
                state: "available",
                "cidr-block": s.cidr,
                "owner-id": network.ownerId,
              },
              filters,
            ),
        );
        return {
          subnetSet: subnets.map((s) => ({
            subnetId: s.id,
            subnetArn: arnOf(c, "subnet", s.id),
            state: "available",
            ownerId: network.ownerId,
            vpcId: network.vpcId,
            cidrBlock: s.cidr,
            availableIpAddressCount: 4091,
            availabilityZone: s.az,
            availabilityZoneId: `${c.region.replace(/-/g, "").slice(0, 4)}-az${s.index + 1}`,
            defaultForAz: true,
            // As AWS creates default subnets: every instance launched here gets a public IP unless told otherwise.
            mapPublicIpOnLaunch: true,
            mapCustomerOwnedIpOnLaunch: false,
            assignIpv6AddressOnCreation: false,
            enableDns64: false,
            ipv6Native: false,
            privateDnsNameOptionsOnLaunch: { hostnameType: "ip-name", enableResourceNameDnsARecord: false, enableResourceNameDnsAAAARecord: false },
          })),
        };
      },
      DescribeSecurityGroups: async (c) => {
        await describe("DescribeSecurityGroups")(c);
        const { network } = here(c);
        const ids = c.params.strings("GroupId");
        if (ids.some((id) => id !== network.securityGroupId))
          throw new AwsError("InvalidGroup.NotFound", `The security group '${ids.join(", ")}' does not exist`);
        const fields = {
          "group-id": network.securityGroupId,
          "group-name": "default",
          "vpc-id": network.vpcId,
          "owner-id": network.ownerId,
          description: "default VPC security group",
        };
        const groups =
          passes(fields, filtersOf(c.params)) && c.params.strings("GroupName").every((n) => n === "default")
            ? [
                {
                  ownerId: network.ownerId,
                  groupId: network.securityGroupId,
                  groupName: "default",
                  groupDescription: "default VPC security group",
                  vpcId: network.vpcId,
                  securityGroupArn: arnOf(c, "security-group", network.securityGroupId),
                  ipPermissions: [{ ipProtocol: "-1", groups: [{ groupId: network.securityGroupId, userId: network.ownerId }], ipRanges: [] }],
                  ipPermissionsEgress: [{ ipProtocol: "-1", ipRanges: [{ cidrIp: "0.0.0.0/0" }] }],
                },
              ]
            : [];
        return { securityGroupInfo: groups };
      },
      DescribeInstanceTypes: async (c) => {
        await describe("DescribeInstanceTypes")(c);
        const names = c.params.strings("InstanceType");
        return {
          instanceTypeSet: (names.length ? names : Object.keys(INSTANCE_TYPES)).map((name) => {
            const info = typeInfo(name);
            return {
              instanceType: name,
              currentGeneration: !info.paravirtualOnly,
              freeTierEligible: name === "t3.micro" || name === "t2.micro",
              supportedUsageClasses: ["on-demand", "spot"],
              supportedRootDeviceTypes: ["ebs"],
              supportedVirtualizationTypes: info.paravirtualOnly ? ["paravirtual"] : ["hvm"],
              bareMetal: false,
              hypervisor: info.paravirtualOnly ? "xen" : "nitro",
              processorInfo: { supportedArchitectures: [info.arch], sustainedClockSpeedInGhz: 2.5 },
              vCpuInfo: { defaultVCpus: info.vcpus, defaultCores: Math.max(1, info.vcpus / 2), defaultThreadsPerCore: info.vcpus > 1 ? 2 : 1 },
              memoryInfo: { sizeInMiB: info.memoryMiB },
              instanceStorageSupported: false,
              ebsInfo: {
                ebsOptimizedSupport: "default",
                encryptionSupport: "supported",
                nvmeSupport: info.paravirtualOnly ? "unsupported" : "required",
              },
              networkInfo: {
                networkPerformance: "Up to 5 Gigabit",
                maximumNetworkInterfaces: 2,
                ipv4AddressesPerInterface: 2,
                ipv6Supported: true,
                enaSupport: info.paravirtualOnly ? "unsupported" : "required",
              },
              placementGroupInfo: { supportedStrategies: ["partition", "spread"] },
              hibernationSupported: true,
              burstablePerformanceSupported: info.burstable,
              dedicatedHostsSupported: false,
              autoRecoverySupported: true,
              supportedBootModes: ["legacy-bios", "uefi"],
            };
          }),
        };
      },
      DescribeInstanceTypeOfferings: async (c) => {
        await describe("DescribeInstanceTypeOfferings")(c);
        const locationType = c.params.get("LocationType") ?? "region";
        const locations = locationType === "availability-zone" ? ZONES.map((zone) => `${c.region}${zone}`) : [c.region];
        const filters = filtersOf(c.params);
        const offerings = Object.keys(INSTANCE_TYPES).flatMap((instanceType) =>
          locations
            .filter((location) => passes({ "instance-type": instanceType, location }, filters))
            .map((location) => ({ instanceType, locationType, location })),
        );
        return { instanceTypeOfferingSet: offerings };
      },
      RunInstances: (c) => this.runInstances(c),
      DescribeInstances: async (c) => {
        await describe("DescribeInstances")(c);
        const ids = c.params.strings("InstanceId");
        ids.forEach((id) => instanceOf(c, id));
        const filters = filtersOf(c.params);
        const place = here(c);
        const instances = [...place.instances.values()].filter(
          (i) =>
            (ids.length === 0 || ids.includes(i.id)) &&
            passes(
              {
                "instance-id": i.id,
                "instance-state-name": i.state,
                "instance-type": i.instanceType,
                "subnet-id": i.subnetId,
                "vpc-id": i.vpcId,
                "image-id": i.imageId,
                "availability-zone": i.az,
                ...tagFields(i.tags),
              },
              filters,
            ),
        );
        // A launched instance is running by the time anyone looks again; a terminating one is gone.
        for (const i of instances) if (i.state === "pending") i.state = "running";
        for (const i of instances) if (i.state === "shutting-down") i.state = "terminated";
        for (const i of instances) if (i.state === "stopping") i.state = "stopped";
        return {
          reservationSet: instances.map((i) => ({
            reservationId: i.reservationId,
            ownerId: c.caller.accountId,
            groupSet: [],
            instancesSet: [this.instanceXml(c, i)],
          })),
        };
      },
      DescribeInstanceAttribute: async (c) => {
        const instance = instanceOf(c, c.params.required("InstanceId"));
        await onInstances(c, "DescribeInstanceAttribute", [instance.id]);
        const attribute = c.params.required("Attribute");
        const values: Record<string, XmlValue> = {
          instanceType: { value: instance.instanceType },
          userData: instance.userData ? { value: instance.userData } : {},
          disableApiTermination: { value: instance.disableApiTermination },
          disableApiStop: { value: instance.disableApiStop },
          instanceInitiatedShutdownBehavior: { value: instance.shutdownBehavior },
          rootDeviceName: { value: "/dev/sda1" },
          sourceDestCheck: { value: instance.sourceDestCheck },
          ebsOptimized: { value: instance.ebsOptimized },
          enaSupport: { value: true },
          groupSet: instance.securityGroups.map((groupId) => ({ groupId })),
        };
        if (!(attribute in values))
          throw new AwsError("InvalidParameterValue", `Value (${attribute}) for parameter attribute is invalid (not supported by the AWS double).`);
        return { instanceId: instance.id, [attribute]: values[attribute] };
      },
      ModifyInstanceAttribute: async (c) => {
        const instance = instanceOf(c, c.params.required("InstanceId"));
        const changes: [string, string][] = (
          [
            "InstanceType",
            "DisableApiTermination",
            "DisableApiStop",
            "UserData",
            "SourceDestCheck",
            "InstanceInitiatedShutdownBehavior",
            "EbsOptimized",
          ] as const
        ).flatMap((name): [string, string][] => {
          const value = c.params.get(`${name}.Value`);
          return value === undefined ? [] : [[name, value]];
        });
        if (c.params.get("Attribute")) changes.push([c.params.required("Attribute"), c.params.get("Value") ?? ""]);
        await onInstances(c, "ModifyInstanceAttribute", [instance.id], {
          ...Object.fromEntries(changes.map(([name, value]) => [`ec2:Attribute/${name}`, value])),
          ...(changes.length ? { "ec2:Attribute": changes.map(([name]) => name) } : {}),
        });
        for (const [name, value] of changes) {
          if (name === "InstanceType") {
            if (instance.state !== "stopped")
              throw new AwsError("IncorrectInstanceState", `The instance '${instance.id}' is not in the 'stopped' state.`);
            typeInfo(value);
            instance.instanceType = value;
          }
          if (name === "DisableApiTermination") instance.disableApiTermination = value === "true";
          if (name === "DisableApiStop") instance.disableApiStop = value === "true";
          if (name === "UserData") instance.userData = value;
          if (name === "SourceDestCheck") instance.sourceDestCheck = value === "true";
          if (name === "InstanceInitiatedShutdownBehavior") instance.shutdownBehavior = value;
          if (name === "EbsOptimized") instance.ebsOptimized = value === "true";
        }
        return { return: true };
      },
      ModifyInstanceMetadataOptions: async (c) => {
        const instance = instanceOf(c, c.params.required("InstanceId"));
        const requested = c.params.get("HttpTokens");
        const tokens = requested ?? instance.metadata.httpTokens;
        const attributes = Object.fromEntries(
          ["HttpTokens", "HttpEndpoint", "HttpPutResponseHopLimit", "InstanceMetadataTags"].flatMap((name) => {
            const value = c.params.get(name);
            return value === undefined ? [] : [[`ec2:Attribute/${name}`, value]];
          }),
        );
        await onInstances(c, "ModifyInstanceMetadataOptions", [instance.id], {
          ...attributes,
          "ec2:MetadataHttpTokens": this.resourceKeys === "current" ? instance.metadata.httpTokens : tokens,
        });
        instance.metadata = {
          httpTokens: tokens,
          httpEndpoint: c.params.get("HttpEndpoint") ?? instance.metadata.httpEndpoint,
          hopLimit: c.params.int("HttpPutResponseHopLimit") ?? instance.metadata.hopLimit,
          instanceMetadataTags: c.params.get("InstanceMetadataTags") ?? instance.metadata.instanceMetadataTags,
          httpProtocolIpv6: c.params.get("HttpProtocolIpv6") ?? instance.metadata.httpProtocolIpv6,
        };
        return { instanceId: instance.id, instanceMetadataOptions: this.metadataXml(instance, "pending") };
      },
      GetInstanceUefiData: async (c) => {
        // The provider's aws_ami data source asks with an image ID; AWS refuses it as malformed, and the provider reads on.
        const id = c.params.required("InstanceId");
        if (!id.startsWith("i-")) throw new AwsError("InvalidInstanceID.Malformed", `Invalid id: "${id}" (expecting "i-...")`);
        const instance = instanceOf(c, id);
        await onInstances(c, "GetInstanceUefiData", [instance.id]);
        return { instanceId: instance.id, uefiData: "" };
      },
      DescribeInstanceCreditSpecifications: async (c) => {
        await describe("DescribeInstanceCreditSpecifications")(c);
        const ids = c.params.strings("InstanceId");
        return {
          instanceCreditSpecificationSet: ids
            .map((id) => instanceOf(c, id))
            .filter((i) => i.credits)
            .map((i) => ({ instanceId: i.id, cpuCredits: i.credits })),
        };
      },
      ModifyInstanceCreditSpecification: async (c) => {
        const specs = c.params.list("InstanceCreditSpecification");
        await onInstances(
          c,
          "ModifyInstanceCreditSpecification",
          specs.map((s) => s.required("InstanceId")),
        );
        for (const spec of specs) instanceOf(c, spec.required("InstanceId")).credits = spec.get("CpuCredits");
        return {
          successfulInstanceCreditSpecificationSet: specs.map((s) => ({ instanceId: s.get("InstanceId") })),
          unsuccessfulInstanceCreditSpecificationSet: [],
        };
      },
      MonitorInstances: async (c) => {
        const ids = c.params.strings("InstanceId");
        await onInstances(c, "MonitorInstances", ids);
        return { instancesSet: ids.map((id) => ((instanceOf(c, id).monitoring = true), { instanceId: id, monitoring: { state: "pending" } })) };
      },
      UnmonitorInstances: async (c) => {
        const ids = c.params.strings("InstanceId");
        await onInstances(c, "UnmonitorInstances", ids);
        return { instancesSet: ids.map((id) => ((instanceOf(c, id).monitoring = false), { instanceId: id, monitoring: { state: "disabling" } })) };
      },
      StopInstances: transition("StopInstances", "stopping"),
      StartInstances: transition("StartInstances", "pending"),
      TerminateInstances: async (c) => {
        const ids = c.params.strings("InstanceId");
        await onInstances(c, "TerminateInstances", ids);
        const place = here(c);
        return {
          instancesSet: ids.map((id) => {
            const instance = instanceOf(c, id);
            if (instance.disableApiTermination)
              throw new AwsError(
                "OperationNotPermitted",
                `The instance '${id}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.`,
              );
            const previous = instance.state;
            if (previous !== "terminated") instance.state = "shutting-down";
            instance.publicIp = undefined;
            for (const volume of place.volumes.values()) {
              if (volume.attachment?.instanceId !== id) continue;
              if (volume.attachment.deleteOnTermination) place.volumes.delete(volume.id);
              else volume.attachment = undefined;
            }
            return stateChange(instance, previous);
          }),
        };
      },
      DescribeVolumes: async (c) => {
        await describe("DescribeVolumes")(c);
        const ids = c.params.strings("VolumeId");
        ids.forEach((id) => volumeOf(c, id));
        const filters = filtersOf(c.params);
        const volumes = [...here(c).volumes.values()].filter(
          (v) =>
            (ids.length === 0 || ids.includes(v.id)) &&
            passes(
              {
                "volume-id": v.id,
                "attachment.instance-id": v.attachment?.instanceId ?? [],
                "attachment.device": v.attachment?.device ?? [],
                "volume-type": v.type,
                status: v.attachment ? "in-use" : "available",
                ...tagFields(v.tags),
              },
              filters,
            ),
        );
        return { volumeSet: volumes.map((v) => this.volumeXml(v)) };
      },
      ModifyVolume: async (c) => {
        const volume = volumeOf(c, c.params.required("VolumeId"));
        const size = c.params.int("Size");
        const type = c.params.get("VolumeType");
        const iops = c.params.int("Iops");
        const throughput = c.params.int("Throughput");
        // The request keys name what the call changes; the resource keys describe the volume as it would be
        // after the change, or as it is (resourceKeys).
        const after = this.resourceKeys === "requested";
        const requested = { Size: size, VolumeType: type, Iops: iops, Throughput: throughput };
        await c.authorize("ec2:ModifyVolume", [
          {
            resource: arnOf(c, "volume", volume.id),
            context: {
              ...resourceTagContext(volume.tags),
              ...Object.fromEntries(
                Object.entries(requested).flatMap(([name, value]) => (value === undefined ? [] : [[`ec2:Attribute/${name}`, String(value)]])),
              ),
              "ec2:VolumeSize": String((after ? size : undefined) ?? volume.size),
              "ec2:VolumeType": (after ? type : undefined) ?? volume.type,
              "ec2:VolumeIops": String((after ? iops : undefined) ?? volume.iops),
              "ec2:VolumeThroughput": String((after ? throughput : undefined) ?? volume.throughput),
              "ec2:Encrypted": String(volume.encrypted),
            },
          },
        ]);
        if (size !== undefined && size < volume.size) throw new AwsError("InvalidParameterValue", `New size cannot be smaller than existing size`);
        const original = { size: volume.size, type: volume.type, iops: volume.iops, throughput: volume.throughput };
        volume.size = size ?? volume.size;
        volume.type = type ?? volume.type;
        volume.iops = iops ?? volume.iops;
        volume.throughput = throughput ?? volume.throughput;
        return { volumeModification: this.modificationXml(volume, original, c.now) };
      },
      DescribeVolumesModifications: async (c) => {
        await describe("DescribeVolumesModifications")(c);
        const ids = c.params.strings("VolumeId");
        return {
          volumeModificationSet: ids.map((id) => {
            const volume = volumeOf(c, id);
            return this.modificationXml(volume, volume, c.now);
          }),
        };
      },
      CreateTags: async (c) => {
        const ids = c.params.strings("ResourceId");
        const tags = ec2Tags(c.params);
        const resources = ids.map((id) => this.taggable(c, id));
        for (const resource of resources) {
          const problem = ec2TagProblem({ ...resource.tags, ...tags });
          if (problem) throw problem;
        }
        await c.authorize(
          "ec2:CreateTags",
          resources.map(({ arn, tags: existing }) => ({ resource: arn, context: { ...resourceTagContext(existing), ...requestTagContext(tags) } })),
        );
        for (const resource of resources) resource.set({ ...resource.tags, ...tags });
        return { return: true };
      },
      DeleteTags: async (c) => {
        const ids = c.params.strings("ResourceId");
        const removed = c.params.list("Tag").map((tag) => ({ key: tag.get("Key") ?? "", value: tag.get("Value") }));
        const resources = ids.map((id) => this.taggable(c, id));
        await c.authorize(
          "ec2:DeleteTags",
          resources.map(({ arn, tags: existing }) => ({
            resource: arn,
            context: { ...resourceTagContext(existing), "aws:TagKeys": removed.map((t) => t.key) },
          })),
        );
        for (const resource of resources) {
          resource.set(
            Object.fromEntries(
              Object.entries(resource.tags).filter(
                ([key, value]) => !removed.some((t) => t.key === key && (t.value === undefined || t.value === value)),
              ),
            ),
          );
        }
        return { return: true };
      },
      DescribeTags: async (c) => {
        await describe("DescribeTags")(c);
        const filters = filtersOf(c.params);
        const place = here(c);
        const entries = [
          ...[...place.instances.values()].flatMap((i) =>
            Object.entries(i.tags).map(([key, value]) => ({ resourceId: i.id, resourceType: "instance", key, value })),
          ),
          ...[...place.volumes.values()].flatMap((v) =>
            Object.entries(v.tags).map(([key, value]) => ({ resourceId: v.id, resourceType: "volume", key, value })),
          ),
        ].filter((t) => passes({ "resource-id": t.resourceId, "resource-type": t.resourceType, key: t.key, value: t.value }, filters));
        return { tagSet: entries };
      },
    };
  }

  /** A tagged resource of this account and region: its ARN, tags and how to change them. */
  private taggable(c: CallContext, id: string): { arn: string; tags: Record<string, string>; set(tags: Record<string, string>): void } {
    const place = this.place(c.caller.accountId, c.region);
    const kind = id.startsWith("i-") ? "i" : id.startsWith("vol-") ? "vol" : undefined;
    if (kind) wellFormedId(kind, id);
    const instance = place.instances.get(id);
    if (instance)
      return { arn: this.arn(c.region, c.caller.accountId, "instance", id), tags: instance.tags, set: (tags) => void (instance.tags = tags) };
    const volume = place.volumes.get(id);
    if (volume) return { arn: this.arn(c.region, c.caller.accountId, "volume", id), tags: volume.tags, set: (tags) => void (volume.tags = tags) };
    throw new AwsError("InvalidID", `The ID '${id}' is not valid (or not a resource the AWS double tags)`);
  }

  /**
   * RunInstances is idempotent by its ClientToken, as the provider relies on when the SDK retries a launch whose
   * answer was lost: the same token with the same request answers the instance it launched; with another request,
   * IdempotentParameterMismatch.
   */
  private async runInstances(c: CallContext): Promise<XmlValue> {
    const place = this.place(c.caller.accountId, c.region);
    const token = c.params.get("ClientToken");
    const request = JSON.stringify(c.params.entries().filter(([name]) => name !== "ClientToken"));
    const earlier = token === undefined ? undefined : place.launches.get(token);
    if (earlier && earlier.request !== request)
      throw new AwsError("IdempotentParameterMismatch", `Client token ${token} was used with a different request.`);
    const instance = earlier && place.instances.get(earlier.instanceId);
    if (instance)
      return { reservationId: instance.reservationId, ownerId: c.caller.accountId, groupSet: [], instancesSet: [this.instanceXml(c, instance)] };
    const launched = await this.launch(c, place);
    if (token !== undefined) place.launches.set(token, { request, instanceId: launched.id });
    return { reservationId: launched.reservationId, ownerId: c.caller.accountId, groupSet: [], instancesSet: [this.instanceXml(c, launched)] };
  }

  private async launch(c: CallContext, place: Place): Promise<Instance> {
    const p = c.params;
    const { network } = place;
    const imageId = wellFormedId("ami", p.required("ImageId"));
    const image = imagesOf(c.region).find((i) => i.id === imageId);
    if (!image) throw new AwsError("InvalidAMIID.NotFound", `The image id '[${imageId}]' does not exist`);
    const instanceType = p.get("InstanceType") ?? "m1.small";
    const info = INSTANCE_TYPES[instanceType];
    if (!info) throw new AwsError("InvalidParameterValue", `Invalid value '${instanceType}' for InstanceType.`);
    if (info.arch !== image.arch)
      throw new AwsError(
        "InvalidParameterValue",
        `The architecture '${info.arch}' of the specified instance type does not match the architecture '${image.arch}' of the specified AMI.`,
      );
    // Every image here is HVM, as Canonical's are.
    if (info.paravirtualOnly)
      throw new AwsError(
        "InvalidParameterCombination",
        "Non-Windows instances with a virtualization type of 'hvm' are currently not supported for this instance type.",
      );

    const nic = p.list("NetworkInterface").find((n) => n.get("DeviceIndex") === "0");
    const subnetId = nic?.get("SubnetId") ?? p.get("SubnetId");
    if (subnetId !== undefined) wellFormedId("subnet", subnetId);
    const subnet = subnetId ? network.subnets.find((s) => s.id === subnetId) : network.subnets[0];
    if (!subnet) throw new AwsError("InvalidSubnetID.NotFound", `The subnet ID '${subnetId}' does not exist`);
    const groups = [...(nic?.strings("SecurityGroupId") ?? []), ...p.strings("SecurityGroupId")].map((group) => wellFormedId("sg", group));
    if (groups.some((g) => g !== network.securityGroupId))
      throw new AwsError("InvalidGroup.NotFound", `The security group '${groups.join(", ")}' does not exist in VPC '${network.vpcId}'`);
    const securityGroups = groups.length ? groups : [network.securityGroupId];
    // AWS's rule: an explicit AssociatePublicIpAddress wins; without it, the subnet's MapPublicIpOnLaunch decides (true in default subnets).
    const associatePublicIp = nic?.get("AssociatePublicIpAddress");
    const publicIp = associatePublicIp === undefined ? true : associatePublicIp === "true";

    const rootMapping = p
      .list("BlockDeviceMapping")
      .find((m) => (m.get("DeviceName") ?? "/dev/sda1") === "/dev/sda1")
      ?.struct("Ebs");
    const volumeType = rootMapping?.get("VolumeType") ?? "gp3";
    const volumeSize = rootMapping?.int("VolumeSize") ?? 8;
    const encrypted = rootMapping?.bool("Encrypted") ?? false;
    const iops = rootMapping?.int("Iops") ?? (volumeType === "gp3" || volumeType === "io1" || volumeType === "io2" ? 3000 : 100);
    const throughput = rootMapping?.int("Throughput") ?? (volumeType === "gp3" ? 125 : 0);
    const tagSpecs = p.list("TagSpecification").map((spec) => ({ type: spec.get("ResourceType") ?? "", tags: ec2Tags(spec) }));
    for (const { tags } of tagSpecs) {
      const problem = ec2TagProblem(tags);
      if (problem) throw problem;
    }
    const tagsFor = (type: string) => Object.assign({}, ...tagSpecs.filter((s) => s.type === type).map((s) => s.tags)) as Record<string, string>;
    const metadataOptions = p.struct("MetadataOptions");
    const metadata = {
      httpTokens: metadataOptions.get("HttpTokens") ?? "optional",
      httpEndpoint: metadataOptions.get("HttpEndpoint") ?? "enabled",
      hopLimit: metadataOptions.int("HttpPutResponseHopLimit") ?? 1,
      instanceMetadataTags: metadataOptions.get("InstanceMetadataTags") ?? "disabled",
      httpProtocolIpv6: metadataOptions.get("HttpProtocolIpv6") ?? "disabled",
    };
    const keyName = p.get("KeyName");

    const arn = (type: string, id: string) => this.arn(c.region, c.caller.accountId, type, id);
    const vpcArn = arn("vpc", network.vpcId);
    const resources: ResourceRequest[] = [
      {
        resource: `arn:${this.partition}:ec2:${c.region}::image/${image.id}`,
        context: { "ec2:Owner": image.owner, "ec2:ImageID": image.id, "ec2:ImageType": "machine", "ec2:Public": "true", "ec2:RootDeviceType": "ebs" },
      },
      {
        resource: arn("instance", "*"),
        context: {
          ...requestTagContext(tagsFor("instance")),
          "ec2:InstanceType": instanceType,
          "ec2:MetadataHttpTokens": metadata.httpTokens,
          "ec2:MetadataHttpEndpoint": metadata.httpEndpoint,
          "ec2:MetadataHttpPutResponseHopLimit": String(metadata.hopLimit),
          "ec2:InstanceMetadataTags": metadata.instanceMetadataTags,
          "ec2:RootDeviceType": "ebs",
          "ec2:Tenancy": "default",
          "ec2:AvailabilityZone": subnet.az,
          "ec2:EbsOptimized": String(p.bool("EbsOptimized") ?? false),
          "ec2:IsLaunchTemplateResource": "false",
        },
      },
      {
        resource: arn("volume", "*"),
        context: {
          ...requestTagContext(tagsFor("volume")),
          "ec2:Encrypted": String(encrypted),
          "ec2:VolumeSize": String(volumeSize),
          "ec2:VolumeType": volumeType,
          "ec2:VolumeIops": String(iops),
          "ec2:VolumeThroughput": String(throughput),
          "ec2:AvailabilityZone": subnet.az,
        },
      },
      {
        resource: arn("network-interface", "*"),
        context: {
          ...requestTagContext(tagsFor("network-interface")),
          "ec2:AssociatePublicIpAddress": String(publicIp),
          "ec2:Subnet": arn("subnet", subnet.id),
          "ec2:Vpc": vpcArn,
          "ec2:AvailabilityZone": subnet.az,
        },
      },
      { resource: arn("subnet", subnet.id), context: { "ec2:Vpc": vpcArn, "ec2:AvailabilityZone": subnet.az, "ec2:SubnetID": subnet.id } },
      ...securityGroups.map((group) => ({ resource: arn("security-group", group), context: { "ec2:Vpc": vpcArn, "ec2:SecurityGroupID": group } })),
      ...(keyName ? [{ resource: arn("key-pair", keyName), context: { "ec2:KeyPairName": keyName } }] : []),
    ];
    await c.authorize("ec2:RunInstances", resources);
    const tagged = tagSpecs.filter((s) => Object.keys(s.tags).length > 0);
    if (tagged.length) {
      await c.authorize(
        "ec2:CreateTags",
        tagged.map((s) => ({ resource: arn(s.type, "*"), context: { ...requestTagContext(s.tags), "ec2:CreateAction": "RunInstances" } })),
      );
    }

    const instanceId = newId("i-0", 16);
    const volumeId = newId("vol-0", 16);
    const volume: Volume = {
      id: volumeId,
      size: volumeSize,
      type: volumeType,
      iops,
      throughput,
      encrypted,
      kmsKeyId: encrypted
        ? (rootMapping?.get("KmsKeyId") ??
          `arn:${this.partition}:kms:${c.region}:${c.caller.accountId}:key/${digest(c.caller.accountId, "ebs").slice(0, 8)}-aws-ebs`)
        : undefined,
      az: subnet.az,
      created: c.now,
      attachment: { instanceId, device: "/dev/sda1", deleteOnTermination: rootMapping?.bool("DeleteOnTermination") ?? true, attached: c.now },
      tags: tagsFor("volume"),
    };
    const taken = place.instances.size + 10;
    const instance: Instance = {
      id: instanceId,
      reservationId: newId("r-0", 16),
      imageId,
      instanceType,
      subnetId: subnet.id,
      vpcId: network.vpcId,
      az: subnet.az,
      privateIp: `172.31.${subnet.index * 16 + Math.floor(taken / 250)}.${(taken % 250) + 4}`,
      publicIp: publicIp ? `3.${(taken >> 8) & 255}.${taken & 255}.${(digest(instanceId).charCodeAt(0) % 200) + 10}` : undefined,
      eniId: newId("eni-0", 16),
      securityGroups,
      state: "pending",
      launched: c.now,
      tags: tagsFor("instance"),
      metadata,
      monitoring: p.bool("Monitoring.Enabled") ?? false,
      rootVolumeId: volumeId,
      disableApiTermination: p.bool("DisableApiTermination") ?? false,
      disableApiStop: p.bool("DisableApiStop") ?? false,
      userData: p.get("UserData") ?? "",
      ebsOptimized: p.bool("EbsOptimized") ?? false,
      credits: info.burstable ? (p.get("CreditSpecification.CpuCredits") ?? info.defaultCredits) : undefined,
      shutdownBehavior: p.get("InstanceInitiatedShutdownBehavior") ?? "stop",
      sourceDestCheck: true,
      keyName,
    };
    place.volumes.set(volumeId, volume);
    place.instances.set(instanceId, instance);
    return instance;
  }

  private metadataXml(i: Instance, state: string): XmlValue {
    return {
      state,
      httpTokens: i.metadata.httpTokens,
      httpPutResponseHopLimit: i.metadata.hopLimit,
      httpEndpoint: i.metadata.httpEndpoint,
      httpProtocolIpv6: i.metadata.httpProtocolIpv6,
      instanceMetadataTags: i.metadata.instanceMetadataTags,
    };
  }

  private volumeXml(v: Volume): XmlValue {
    return {
      volumeId: v.id,
      size: v.size,
      snapshotId: "",
      availabilityZone: v.az,
      status: v.attachment ? "in-use" : "available",
      createTime: v.created,
      attachmentSet: v.attachment
        ? [
            {
              volumeId: v.id,
              instanceId: v.attachment.instanceId,
              device: v.attachment.device,
              status: "attached",
              attachTime: v.attachment.attached,
              deleteOnTermination: v.attachment.deleteOnTermination,
            },
          ]
        : [],
      volumeType: v.type,
      iops: v.iops,
      throughput: v.throughput || undefined,
      encrypted: v.encrypted,
      kmsKeyId: v.kmsKeyId,
      tagSet: tagSet(v.tags),
      multiAttachEnabled: false,
    };
  }

  private modificationXml(volume: Volume, original: { size: number; type: string; iops: number; throughput: number }, now: Date): XmlValue {
    return {
      volumeId: volume.id,
      modificationState: "completed",
      targetSize: volume.size,
      targetVolumeType: volume.type,
      targetIops: volume.iops,
      targetThroughput: volume.throughput,
      originalSize: original.size,
      originalVolumeType: original.type,
      originalIops: original.iops,
      originalThroughput: original.throughput,
      progress: 100,
      startTime: now,
      endTime: now,
    };
  }

  private instanceXml(c: CallContext, i: Instance): XmlValue {
    const place = this.place(c.caller.accountId, c.region);
    const volume = place.volumes.get(i.rootVolumeId);
    const dns = `ip-${i.privateIp.replace(/\./g, "-")}.${c.region}.compute.internal`;
    const live = i.state !== "terminated";
    return {
      instanceId: i.id,
      imageId: i.imageId,
      instanceState: { code: STATE_CODES[i.state], name: i.state },
      privateDnsName: live ? dns : "",
      dnsName: i.publicIp ? `ec2-${i.publicIp.replace(/\./g, "-")}.compute-1.amazonaws.com` : "",
      keyName: i.keyName,
      amiLaunchIndex: 0,
      productCodes: [],
      instanceType: i.instanceType,
      launchTime: i.launched,
      placement: { availabilityZone: i.az, groupName: "", tenancy: "default" },
      monitoring: { state: i.monitoring ? "enabled" : "disabled" },
      subnetId: live ? i.subnetId : undefined,
      vpcId: live ? i.vpcId : undefined,
      privateIpAddress: live ? i.privateIp : undefined,
      ipAddress: i.publicIp,
      sourceDestCheck: i.sourceDestCheck,
      groupSet: i.securityGroups.map((groupId) => ({ groupId, groupName: "default" })),
      architecture: INSTANCE_TYPES[i.instanceType]?.arch ?? "x86_64",
      rootDeviceType: "ebs",
      rootDeviceName: "/dev/sda1",
      blockDeviceMapping:
        volume?.attachment && live
          ? [
              {
                deviceName: "/dev/sda1",
                ebs: {
                  volumeId: volume.id,
                  status: "attached",
                  attachTime: volume.attachment.attached,
                  deleteOnTermination: volume.attachment.deleteOnTermination,
                },
              },
            ]
          : [],
      virtualizationType: "hvm",
      clientToken: "",
      tagSet: tagSet(i.tags),
      hypervisor: "xen",
      networkInterfaceSet: live
        ? [
            {
              networkInterfaceId: i.eniId,
              subnetId: i.subnetId,
              vpcId: i.vpcId,
              description: "",
              ownerId: c.caller.accountId,
              status: "in-use",
              macAddress: "0a:00:00:00:00:01",
              privateIpAddress: i.privateIp,
              privateDnsName: dns,
              sourceDestCheck: i.sourceDestCheck,
              groupSet: i.securityGroups.map((groupId) => ({ groupId, groupName: "default" })),
              attachment: {
                attachmentId: `eni-attach-${i.eniId.slice(4)}`,
                deviceIndex: 0,
                networkCardIndex: 0,
                status: "attached",
                attachTime: i.launched,
                deleteOnTermination: true,
              },
              association: i.publicIp ? { publicIp: i.publicIp, publicDnsName: "", ipOwnerId: "amazon" } : undefined,
              privateIpAddressesSet: [
                {
                  privateIpAddress: i.privateIp,
                  privateDnsName: dns,
                  primary: true,
                  association: i.publicIp ? { publicIp: i.publicIp, publicDnsName: "", ipOwnerId: "amazon" } : undefined,
                },
              ],
              ipv6AddressesSet: [],
              interfaceType: "interface",
            },
          ]
        : [],
      ebsOptimized: i.ebsOptimized,
      enaSupport: true,
      cpuOptions: {
        coreCount: Math.max(1, (INSTANCE_TYPES[i.instanceType]?.vcpus ?? 2) / 2),
        threadsPerCore: (INSTANCE_TYPES[i.instanceType]?.vcpus ?? 2) > 1 ? 2 : 1,
      },
      capacityReservationSpecification: { capacityReservationPreference: "open" },
      hibernationOptions: { configured: false },
      metadataOptions: this.metadataXml(i, "applied"),
      enclaveOptions: { enabled: false },
      bootMode: "uefi-preferred",
      currentInstanceBootMode: "uefi",
      platformDetails: "Linux/UNIX",
      usageOperation: "RunInstances",
      privateDnsNameOptions: { hostnameType: "ip-name", enableResourceNameDnsARecord: false, enableResourceNameDnsAAAARecord: false },
      maintenanceOptions: { autoRecovery: "default" },
    };
  }
}
