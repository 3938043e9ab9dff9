import { readFileSync, readlinkSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { CreateTagsCommand, DescribeImagesCommand, DescribeSubnetsCommand, EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import type { CallRecord } from "../../tools/aws-double/server";
import { PROJECT_ROOT, TUTORIAL_PROFILES, Workspace } from "../../tools/proof/e2e";
import { E2E_TIMEOUT_MS, expectSucceeded, unexpectedCalls } from "./support";

const example = JSON.parse(readFileSync(join(PROJECT_ROOT, "config/default.json"), "utf8")) as Record<string, unknown>;
const SESSION = "arn:aws:sts::222222222222:assumed-role/cdktf-assume-role-ec2/cdktf-assume-role";
let ws: Workspace;
let mark = 0;
/** The calls since the last `since()`. */
const since = (): CallRecord[] => {
  const calls = ws.double.calls.slice(mark);
  mark = ws.double.calls.length;
  return calls;
};
const actions = (calls: readonly CallRecord[]) => calls.map((c) => `${c.service}:${c.action}`);

beforeAll(async () => {
  ws = await Workspace.open("e2e/example", example, { profiles: [...TUTORIAL_PROFILES] });
});
afterAll(() => ws.close());

describe("the example config, end to end: the real workflow, Terraform and provider against the AWS double", () => {
  it(
    "diff before anything is deployed plans the IAM stack, defers the EC2 stack in one line, and exits 2",
    async () => {
      const result = await ws.run("diff");
      expect(result.code).toBe(2);
      expect(result.output).toContain(
        "destination-ec2: deferred: destination-iam is not deployed yet, so there is no role to plan with; planned once it is applied",
      );
      expect(result.output).toMatch(/destination-iam +222222222222 +us-east-2 +5 to add, 0 to change, 0 to destroy/);
      expect(result.output).toMatch(/destination-ec2 +222222222222 +us-east-2 +deferred: will create 1 once its role is applied/);
      expect(result.output).not.toContain("destination-ec2: diff started");
      expect(result.output).not.toContain("Unable to find remote state");
      since();
    },
    E2E_TIMEOUT_MS,
  );

  it(
    "deploys both stacks: the role in the destination, policy and group in the source, the instance through the assumed role, with no public IP",
    async () => {
      // WHEN
      const result = await ws.run("deploy", ["--auto-approve"]);
      // THEN
      expectSucceeded(result);
      // Said as Terraform finishes each stack, not when the call ends: the IAM line comes before the instance is created.
      const iamDone = result.output.search(/destination-iam: deployed in [\d.]+ s/);
      expect(iamDone).toBeGreaterThan(-1);
      expect(result.output.search(/destination-ec2 {2}aws_instance\.instance: Creating\.\.\./)).toBeGreaterThan(iamDone);
      expect(result.output).toMatch(/destination-ec2: deployed in [\d.]+ s/);
      const calls = since();
      // Along the graph, the EC2 stack ran once the IAM stack was applied: its first AssumeRole follows the last IAM write.
      const lastIamWrite = calls.map((c) => c.service === "iam" && /^(Create|Put|Attach)/.test(c.action)).lastIndexOf(true);
      expect(lastIamWrite).toBeGreaterThan(0);
      expect(calls.findIndex((c) => c.action === "AssumeRole")).toBeGreaterThan(lastIamWrite);
      expect(unexpectedCalls(calls)).toEqual([]);
      expect(ws.double.inventory().iam).toEqual({
        "111111111111": [
          "arn:aws:iam::111111111111:policy/cdktf-assume-role-ec2-assume-destination",
          "arn:aws:iam::111111111111:group/cdktf-assume-role-ec2-destination-assumers",
        ],
        "222222222222": ["arn:aws:iam::222222222222:role/cdktf-assume-role-ec2"],
      });
      const [instance] = ws.double.ec2.instances();
      expect(ws.double.ec2.instances()).toHaveLength(1);
      expect(instance).toMatchObject({
        accountId: "222222222222",
        region: "us-east-2",
        instanceType: "t3.micro",
        publicIp: undefined,
        state: "running",
      });
      expect(instance.metadata.httpTokens).toBe("required");
      expect(instance.rootVolume).toMatchObject({ encrypted: true, type: "gp3" });
      expect(instance.tags).toEqual({ Name: "cdktf-assume-role-destination", Project: "cdktf-assume-role", ManagedBy: "cdktf" });
      // Every EC2 call was made in the destination account: the IAM stack's network lookups by its administrator,
      // everything else, the launch included, by the assumed-role session.
      const ec2Calls = calls.filter((c) => c.service === "ec2");
      expect([...new Set(ec2Calls.map((c) => c.caller))].sort()).toEqual(["arn:aws:iam::222222222222:user/destination-admin", SESSION]);
      const adminActions = new Set(ec2Calls.filter((c) => c.caller !== SESSION).map((c) => c.action));
      expect([...adminActions].sort()).toEqual(["DescribeInstanceTypeOfferings", "DescribeSecurityGroups", "DescribeSubnets"]);
      const launch = calls.find((c) => c.action === "RunInstances");
      expect(launch?.params["NetworkInterface.1.AssociatePublicIpAddress"]).toBe("false");
    },
    E2E_TIMEOUT_MS,
  );

  it(
    "deploys again with nothing to change: one plan per stack, no init, nothing applied",
    async () => {
      const result = await ws.run("deploy", ["--auto-approve"]);
      expectSucceeded(result);
      expect(result.output.match(/No changes\. Your infrastructure matches the configuration\./g)).toHaveLength(2);
      expect(result.output).not.toMatch(/Initializing|Installing hashicorp\/aws|providers lock|Apply complete/);
      expect(result.output).toMatch(/deploy: 0 deployed, 2 unchanged, 0 deferred, 0 failed, 0 refused, 0 skipped in/);
      expect(actions(since()).filter((a) => /RunInstances|TerminateInstances|Create/.test(a))).toEqual([]);
      // Each stack links the mirror itself: no shared plugin cache for parallel inits to race on.
      for (const stack of ["destination-iam", "destination-ec2"]) {
        const provider = join(ws.dir, "cdktf.out", "stacks", stack, ".terraform/providers/registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64");
        expect(realpathSync(provider)).not.toContain("plugin-cache");
        expect(readlinkSync(provider)).not.toContain("plugin-cache");
      }
    },
    E2E_TIMEOUT_MS,
  );

  it(
    "updates in place within the role's bounds: a tag, another allowed instance type, a larger root volume; every call authorized",
    async () => {
      // GIVEN a changed tag, instance type and root volume size (the IAM stack deploys first and widens its bounds)
      const before = ws.double.ec2.instances()[0].id;
      ws.writeConfig({
        ...example,
        tags: { ManagedBy: "cdktf", CostCenter: "platform" },
        instance: { instanceType: "t3.small", rootVolumeSizeGiB: 12 },
      });
      // WHEN
      const result = await ws.run("deploy", ["--auto-approve"]);
      // THEN
      expectSucceeded(result);
      const calls = since();
      expect(unexpectedCalls(calls)).toEqual([]);
      expect(actions(calls)).toEqual(
        expect.arrayContaining(["ec2:CreateTags", "ec2:StopInstances", "ec2:ModifyInstanceAttribute", "ec2:StartInstances", "ec2:ModifyVolume"]),
      );
      expect(actions(calls)).not.toContain("ec2:RunInstances");
      const [instance] = ws.double.ec2.instances();
      expect({ id: instance.id, type: instance.instanceType, size: instance.rootVolume?.size, tag: instance.tags.CostCenter }).toEqual({
        id: before,
        type: "t3.small",
        size: 12,
        tag: "platform",
      });
    },
    E2E_TIMEOUT_MS,
  );

  it(
    "denies an update outside the role's bounds: a volume larger than the IAM stack allows",
    async () => {
      // GIVEN the EC2 stack alone asks for more than the deployed role permits
      ws.writeConfig({
        ...example,
        tags: { ManagedBy: "cdktf", CostCenter: "platform" },
        instance: { instanceType: "t3.small", rootVolumeSizeGiB: 500 },
      });
      // WHEN
      const result = await ws.run("deploy", ["destination-ec2", "--auto-approve"]);
      // THEN EC2 refuses it as AWS would, and the volume is as it was
      expect(result.code).toBe(1);
      const denied = since().filter((c) => c.error === "UnauthorizedOperation");
      expect(denied.map((c) => c.action)).toEqual(["ModifyVolume"]);
      expect(ws.double.ec2.instances()[0].rootVolume?.size).toBe(12);
      ws.writeConfig({
        ...example,
        tags: { ManagedBy: "cdktf", CostCenter: "platform" },
        instance: { instanceType: "t3.small", rootVolumeSizeGiB: 12 },
      });
    },
    E2E_TIMEOUT_MS,
  );

  it(
    "denies launching through the role into any subnet but the one the IAM stack looked up",
    async () => {
      // GIVEN a session of the role, as the EC2 stack's provider gets it, and another default subnet of the account
      const source = ws.double.profiles.source;
      const { Credentials: session } = await new STSClient({ region: "us-east-2", endpoint: ws.double.url, credentials: source }).send(
        new AssumeRoleCommand({
          RoleArn: "arn:aws:iam::222222222222:role/cdktf-assume-role-ec2",
          RoleSessionName: "e2e",
          ExternalId: "cdktf-assume-role-example",
        }),
      );
      const ec2 = new EC2Client({
        region: "us-east-2",
        endpoint: ws.double.url,
        credentials: { accessKeyId: session!.AccessKeyId!, secretAccessKey: session!.SecretAccessKey!, sessionToken: session!.SessionToken },
      });
      const [instance] = ws.double.ec2.instances();
      // The role may not list subnets (the IAM stack looks the network up): ask as the destination's administrator.
      const admin = new EC2Client({ region: "us-east-2", endpoint: ws.double.url, credentials: ws.double.profiles.destination });
      const { Subnets = [] } = await admin.send(new DescribeSubnetsCommand({}));
      const other = Subnets.find((s) => s.SubnetId !== instance.subnetId)?.SubnetId;
      const { Images = [] } = await ec2.send(new DescribeImagesCommand({ Owners: ["099720109477"] }));
      // WHEN it asks for an instance that meets every other bound (type, IMDSv2, tags, volume, no public IP) in that subnet
      const launch = ec2.send(
        new RunInstancesCommand({
          ImageId: Images[0].ImageId,
          InstanceType: "t3.small",
          MinCount: 1,
          MaxCount: 1,
          MetadataOptions: { HttpTokens: "required" },
          NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: other, AssociatePublicIpAddress: false, Groups: instance.securityGroups }],
          BlockDeviceMappings: [{ DeviceName: "/dev/sda1", Ebs: { Encrypted: true, VolumeType: "gp3", VolumeSize: 8 } }],
          TagSpecifications: ["instance", "volume"].map((type) => ({
            ResourceType: type as "instance" | "volume",
            Tags: [{ Key: "Project", Value: "cdktf-assume-role" }],
          })),
        }),
      );
      // THEN EC2 refuses it for the subnet, and nothing is launched
      await expect(launch).rejects.toThrow(`ec2:RunInstances on resource: arn:aws:ec2:us-east-2:222222222222:subnet/${other}`);
      expect(ws.double.ec2.instances()).toHaveLength(1);
      since();
    },
    E2E_TIMEOUT_MS,
  );

  it(
    "verify assumes the role with the source profile and prints the assumed identity",
    async () => {
      const result = await ws.run("verify", ["destination"]);
      expectSucceeded(result);
      expect(result.output).toContain("Account 222222222222");
      expect(result.output).toContain("arn:aws:sts::222222222222:assumed-role/cdktf-assume-role-ec2/cdktf-assume-role-verify");
      since();
    },
    E2E_TIMEOUT_MS,
  );

  it(
    "output prints both stacks' outputs",
    async () => {
      const result = await ws.run("output");
      expectSucceeded(result);
      expect(result.output).toContain("role_arn = arn:aws:iam::222222222222:role/cdktf-assume-role-ec2");
      expect(result.output).toMatch(/instance_id = i-/);
      since();
    },
    E2E_TIMEOUT_MS,
  );

  it(
    "keeps the IAM stack when its EC2 stack fails to destroy: the instance still needs the role",
    async () => {
      // GIVEN someone retagged the instance outside Terraform, so the role may no longer terminate it
      const admin = new EC2Client({ region: "us-east-2", endpoint: ws.double.url, credentials: ws.double.profiles.destination });
      const [instance] = ws.double.ec2.instances();
      const tag = (value: string) => admin.send(new CreateTagsCommand({ Resources: [instance.id], Tags: [{ Key: "Project", Value: value }] }));
      await tag("someone-else");
      // WHEN
      const result = await ws.run("destroy", ["--auto-approve"]);
      // THEN the IAM stack never starts, and the workflow says why
      expect(result.code).toBe(1);
      expect(result.output).toContain("destination-ec2: failed: terraform plan exited 1 (the lines labelled destination-ec2 above say why)");
      expect(result.output).not.toContain("destination-iam: destroy started");
      expect(result.output).toContain("destination-iam: skipped: destination-ec2 was not destroyed, and it needs the role");
      // The role may neither read nor terminate an instance without the project tag: its refresh is refused first.
      expect(
        since()
          .filter((c) => c.error === "UnauthorizedOperation")
          .map((c) => c.action),
      ).toEqual(["DescribeInstanceAttribute"]);
      expect(ws.double.inventory().iam["222222222222"]).toEqual(["arn:aws:iam::222222222222:role/cdktf-assume-role-ec2"]);
      expect(ws.double.ec2.instances()).toHaveLength(1);
      await tag("cdktf-assume-role");
      since();
    },
    E2E_TIMEOUT_MS,
  );

  it(
    "refuses to destroy the IAM stack alone while the instance exists, and destroys only the EC2 stack when asked",
    async () => {
      const refused = await ws.run("destroy", ["destination-iam", "--auto-approve"]);
      expect(refused.code).toBe(1);
      expect(refused.output).toContain("destination-iam: refused: destination-ec2 still holds 1 resource(s)");
      // Nothing but the credentials check before any Terraform runs.
      expect(actions(since()).filter((a) => a !== "sts:GetCallerIdentity")).toEqual([]);

      const ec2Only = await ws.run("destroy", ["destination-ec2", "--auto-approve"]);
      expectSucceeded(ec2Only);
      expect(ws.double.inventory().ec2["222222222222"]).toEqual([]);
      expect(ws.double.inventory().iam["222222222222"]).toEqual(["arn:aws:iam::222222222222:role/cdktf-assume-role-ec2"]);
      since();
    },
    E2E_TIMEOUT_MS,
  );

  it(
    "destroys the rest: the double holds nothing afterwards",
    async () => {
      const result = await ws.run("destroy", ["--auto-approve"]);
      expectSucceeded(result);
      expect(unexpectedCalls(since())).toEqual([]);
      expect(ws.double.inventory()).toEqual({
        sts: {},
        iam: { "111111111111": [], "222222222222": [] },
        ec2: { "222222222222": [] },
        s3: {},
      });
    },
    E2E_TIMEOUT_MS,
  );
});
