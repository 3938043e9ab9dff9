import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CreateTagsCommand, DescribeImagesCommand, DescribeSubnetsCommand, EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import type { CallRecord } from "../../tools/aws-double/server";
import { PROJECT_ROOT, TUTORIAL_PROFILES, Workspace } from "../../tools/proof/e2e";
import { runTerraform } from "../../tools/terraform/run";
import { E2E_TIMEOUT_MS, expectSucceeded, unexpectedCalls } from "./support";

const example = JSON.parse(readFileSync(join(PROJECT_ROOT, "config/default.json"), "utf8")) as Json;
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
/** The calls that changed something. */
const writes = (calls: readonly CallRecord[]) =>
  calls.filter((c) => c.status === 200 && /^(Create|Put|Attach|Run|Modify|Delete|Terminate|Detach|Start|Stop)/.test(c.action)).map((c) => c.action);
type Json = Record<string, unknown>;
/**
 * GOGC of each AWS provider process running in a stack folder of the workspace now, read from /proc: what the
 * provider Terraform started really got, not what the workflow meant to pass.
 */
const providerGogc = (): string[] =>
  readdirSync("/proc")
    .filter((pid) => /^\d+$/.test(pid))
    .flatMap((pid) => {
      try {
        if (!readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("terraform-provider-aws")) return [];
        if (!readlinkSync(`/proc/${pid}/cwd`).startsWith(ws.dir)) return [];
        const gogc = readFileSync(`/proc/${pid}/environ`, "utf8")
          .split("\0")
          .find((v) => v.startsWith("GOGC="));
        return [gogc ?? "GOGC unset"];
      } catch {
        return []; // the process ended while it was read
      }
    });
/** A tag written on the instance by the destination's administrator: a change made behind Terraform's back. */
const retagInstance = (key: string, value: string) =>
  new EC2Client({ region: "us-east-2", endpoint: ws.double.url, credentials: ws.double.profiles.destination }).send(
    new CreateTagsCommand({ Resources: [ws.double.ec2.instances()[0].id], Tags: [{ Key: key, Value: value }] }),
  );

beforeAll(async () => {
  // EC2 fills its resource keys with current values here (the three-destination run: requested ones): the bounds must hold either way.
  ws = await Workspace.open("e2e/example", example, { profiles: [...TUTORIAL_PROFILES], resourceKeys: "current" });
});
afterAll(() => ws.close());

/**
 * The example config's whole life, through the team workflow: plan, review,
 * the policy gate, apply exactly what was reviewed, deferred changes, stale
 * plans, drift, updates within and beyond the role's bounds, destroy.
 */
describe("the example config, end to end: the real workflow, Terraform and provider against the AWS double", () => {
  it(
    "refuses deploy, apply and destroy without a terminal and without --auto-approve, before anything runs",
    async () => {
      for (const command of ["deploy", "apply", "destroy"] as const) {
        const result = await ws.run(command);
        expect(result.code).toBe(1);
        expect(result.output).toContain(`npm run ${command} asks for approval of each stack's plan on a terminal, and there is none here.`);
        expect(result.output).toContain(`add --auto-approve (npm run ${command} -- --auto-approve); nothing was run.`);
      }
      expect(since()).toEqual([]);
    },
    E2E_TIMEOUT_MS,
  );

  it(
    "plan on a fresh destination: the IAM stack's plan is saved, the EC2 stack deferred with what it will create; exit 2; Markdown for CI",
    async () => {
      // GIVEN a CI job summary file
      const summary = join(ws.dir, "step-summary.md");
      writeFileSync(summary, "");
      // WHEN
      const result = await ws.run("plan", ["--json"], { env: { GITHUB_STEP_SUMMARY: summary } });
      // THEN
      expect(result.code).toBe(2);
      const report = JSON.parse(result.stdout) as { exitCode: number; stacks: { stack: string; status: string; changes: { add: string[] } }[] };
      expect(report.exitCode).toBe(2);
      expect(report.stacks.map((s) => [s.stack, s.status])).toEqual([
        ["destination-iam", "planned"],
        ["destination-ec2", "deferred"],
      ]);
      expect(report.stacks[0].changes.add).toEqual(expect.arrayContaining(["aws_iam_role.role", "aws_iam_role_policy.role-scoped-ec2"]));
      expect(report.stacks[1].changes.add).toEqual(["aws_instance.instance"]);
      expect(existsSync(join(ws.dir, "plans", "destination-iam.tfplan"))).toBe(true);
      expect(existsSync(join(ws.dir, "plans", "destination-ec2.tfplan"))).toBe(false);
      expect(result.output).not.toContain("destination-ec2: plan started");
      expect(result.output).not.toContain("Unable to find remote state");
      // The first init wrote the lock from the mirror: this platform's checksum alone, and Terraform says so.
      expect(result.output).toContain("destination-iam  Warning: Incomplete lock file information for providers");
      const lock = readFileSync(join(ws.dir, "cdktf.out", "stacks", "destination-iam", ".terraform.lock.hcl"), "utf8");
      expect(lock.match(/"(\w+):[^"]+"/g)?.map((hash) => hash.slice(1, 4))).toEqual(["h1:"]);
      const markdown = readFileSync(summary, "utf8");
      expect(markdown).toContain("### Terraform plan: 2 of 2 stacks have changes.");
      expect(markdown).toMatch(/\| `destination-ec2` \| 222222222222 \| us-east-2 \| deferred: will create 1 once its role is applied/);
      expect(markdown).toContain("+ aws_iam_role.role");
      // Planning changed nothing anywhere (the calls stay counted for the apply below).
      expect(writes(ws.double.calls.slice(mark))).toEqual([]);
    },
    E2E_TIMEOUT_MS,
  );

  it(
    "apply applies the saved IAM plan as it is, then plans, gates and applies the deferred EC2 stack: the role in the destination, policy and group in the source, the instance through the assumed role, with no public IP",
    async () => {
      // WHEN
      const result = await ws.run("apply", ["--auto-approve"]);
      // THEN
      expectSucceeded(result);
      // The IAM stack was not planned again: its apply ran the saved plan, so Terraform printed no plan for it.
      expect(result.output).not.toMatch(/destination-iam {2}Terraform will perform the following actions/);
      expect(result.output).toMatch(/destination-ec2 {2}Terraform will perform the following actions/);
      // The EC2 stack started once the IAM stack was applied, and each is said done as Terraform finishes it.
      const iamDone = result.output.search(/destination-iam: applied in [\d.]+ s/);
      expect(iamDone).toBeGreaterThan(-1);
      expect(result.output.indexOf("destination-ec2: apply started")).toBeGreaterThan(iamDone);
      expect(result.output.search(/destination-ec2 {2}aws_instance\.instance: Creating\.\.\./)).toBeGreaterThan(iamDone);
      expect(result.output).toMatch(/apply: 2 applied, 0 unchanged, 0 deferred, 0 failed, 0 refused, 0 skipped in/);
      // A plan is used once.
      expect(existsSync(join(ws.dir, "plans", "destination-iam.tfplan"))).toBe(false);
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
      const seen: string[] = [];
      const result = await ws.run("deploy", ["--auto-approve"], {
        onLine: (line) => {
          if (/Read complete/.test(line)) seen.push(...providerGogc());
        },
      });
      expectSucceeded(result);
      expect(result.output.match(/No changes\. Your infrastructure matches the configuration\./g)).toHaveLength(2);
      // The providers Terraform started run with the workflow's garbage-collector target.
      expect(seen.length).toBeGreaterThan(0);
      expect(new Set(seen)).toEqual(new Set(["GOGC=400"]));
      expect(result.output).not.toMatch(/Initializing|Installing hashicorp\/aws|providers lock|Apply complete/);
      expect(result.output).toMatch(/deploy: 0 deployed, 2 unchanged, 0 deferred, 0 failed, 0 refused, 0 skipped in/);
      // The role was there: the EC2 stack was planned while its IAM stack was, and that plan stood.
      expect(result.output).toContain("destination-ec2: deploy started (planned alongside destination-iam, which has no changes)");
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
    "updates in place within the role's bounds (a tag, another allowed instance type, a larger root volume; every call authorized), and refuses a plan made before",
    async () => {
      // GIVEN a reviewed plan for a new tag
      ws.writeConfig({ ...example, tags: { ManagedBy: "cdktf", CostCenter: "finance" } });
      expect((await ws.run("plan")).code).toBe(2);
      // AND a changed tag, instance type and root volume size, deployed (the IAM stack first, widening its bounds)
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

      // WHEN the plan made before the deploy is applied
      const stale = await ws.run("apply", ["--auto-approve"]);
      // THEN Terraform refuses it, the workflow says to plan again, and nothing changes
      expect(stale.code).toBe(1);
      expect(stale.output).toContain("destination-iam: refused: its state changed since the plan was made: plan again (npm run plan), review, apply");
      // Its EC2 stack was deferred behind the IAM stack's changes, and is not planned without them.
      expect(stale.output).toContain("destination-ec2: skipped: destination-iam was not applied");
      expect(writes(since())).toEqual([]);
      expect(ws.double.ec2.instances()[0].tags.CostCenter).toBe("platform");
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
    "the policy gate stops a plan that breaks a blocking rule before it is applied: nothing is changed",
    async () => {
      // GIVEN a reviewed plan made from a stack someone edited by hand: the role may do anything on anything
      const stack = join(ws.dir, "cdktf.out", "stacks", "destination-iam");
      const synthesized = JSON.parse(readFileSync(join(stack, "cdk.tf.json"), "utf8")) as { resource: Record<string, Record<string, Json>> };
      synthesized.resource.aws_iam_role_policy["role-scoped-ec2"].policy = JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
      });
      writeFileSync(join(stack, "cdk.tf.json"), JSON.stringify(synthesized));
      const tampered = await runTerraform(["plan", "-input=false", `-out=${join(ws.dir, "plans", "destination-iam.tfplan")}`], {
        cwd: stack,
        env: ws.env,
      });
      expect(tampered.code).toBe(0);
      writeFileSync(
        join(ws.dir, "plans", "plans.json"),
        JSON.stringify({ stacks: { "destination-iam": { status: "planned" }, "destination-ec2": { status: "unchanged" } } }),
      );
      since();
      // WHEN
      const result = await ws.run("apply", ["destination-iam", "--auto-approve"]);
      // THEN the gate names the rules, and the role's policy is as it was
      expect(result.code).toBe(1);
      expect(result.output).toMatch(/destination-iam: policy: CKV_AWS_63 \(.*\): aws_iam_role_policy\.role-scoped-ec2/);
      expect(result.output).toMatch(/destination-iam: policy: CKV_AWS_62 /);
      expect(result.output).toContain("destination-iam: refused: the policy gate stopped the apply");
      expect(writes(since())).toEqual([]);
    },
    E2E_TIMEOUT_MS,
  );

  it(
    "diff reports drift made behind Terraform's back with exit 2, and a deploy puts it right",
    async () => {
      // GIVEN someone retagged the instance in the console
      await retagInstance("ManagedBy", "console");
      since();
      // WHEN
      const drift = await ws.run("diff");
      // THEN
      expect(drift.code).toBe(2);
      expect(drift.output).toMatch(/destination-iam +222222222222 +us-east-2 +no changes/);
      expect(drift.output).toMatch(/destination-ec2 +222222222222 +us-east-2 +0 to add, 1 to change, 0 to destroy/);
      expect(readFileSync(join(ws.dir, "plans", "drift.md"), "utf8")).toContain("~ aws_instance.instance");
      expect(writes(since())).toEqual([]);
      // WHEN a deploy runs
      const deploy = await ws.run("deploy", ["--auto-approve"]);
      // THEN it changed only the tag back
      expectSucceeded(deploy);
      expect(deploy.output).toMatch(/deploy: 1 deployed, 1 unchanged, 0 deferred/);
      expect(deploy.output).toContain("destination-ec2: deploy started (planned alongside destination-iam, which has no changes)");
      const fixes = writes(since());
      expect(fixes.length).toBeGreaterThan(0);
      expect(fixes.filter((a) => !/Tags$/.test(a))).toEqual([]);
      expect(ws.double.ec2.instances()[0].tags.ManagedBy).toBe("cdktf");
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
      await retagInstance("Project", "someone-else");
      // WHEN
      const result = await ws.run("destroy", ["--auto-approve"]);
      // THEN the IAM stack never starts, and the workflow says why
      expect(result.code).toBe(1);
      expect(result.output).toContain(
        "destination-ec2: failed: terraform apply -destroy exited 1 (the lines labelled destination-ec2 above say why)",
      );
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
      await retagInstance("Project", "cdktf-assume-role");
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
