import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CreateTagsCommand, EC2Client } from "@aws-sdk/client-ec2";
import type { CallRecord } from "../../tools/aws-double/server";
import { PROJECT_ROOT, TUTORIAL_PROFILES, Workspace } from "../../tools/proof/e2e";
import { runTerraform } from "../../tools/terraform/run";
import { E2E_TIMEOUT_MS, expectSucceeded, unexpectedCalls } from "./support";

/**
 * The team workflow, end to end through the real Terraform and provider
 * against the AWS double: plan, review, the policy gate, apply exactly what
 * was reviewed, deferred changes, stale plans and drift.
 */
type Json = Record<string, unknown>;
const example = JSON.parse(readFileSync(join(PROJECT_ROOT, "config/default.json"), "utf8")) as Json;
let ws: Workspace;
let mark = 0;
const since = (): CallRecord[] => {
  const calls = ws.double.calls.slice(mark);
  mark = ws.double.calls.length;
  return calls;
};
const writes = (calls: readonly CallRecord[]) =>
  calls.filter((c) => c.status === 200 && /^(Create|Put|Attach|Run|Modify|Delete|Terminate|Detach)/.test(c.action)).map((c) => c.action);

beforeAll(async () => {
  ws = await Workspace.open("e2e/review", example, { profiles: [...TUTORIAL_PROFILES] });
});
afterAll(() => ws.close());

describe("plan, review, apply exactly", () => {
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
      const markdown = readFileSync(summary, "utf8");
      expect(markdown).toContain("### Terraform plan: 2 of 2 stacks have changes.");
      expect(markdown).toMatch(/\| `destination-ec2` \| 222222222222 \| us-east-2 \| deferred: will create 1 once its role is applied/);
      expect(markdown).toContain("+ aws_iam_role.role");
      // Planning changed nothing anywhere.
      expect(writes(since())).toEqual([]);
    },
    E2E_TIMEOUT_MS,
  );

  it(
    "apply applies the saved IAM plan as it is, then plans, gates and applies the deferred EC2 stack",
    async () => {
      // WHEN
      const result = await ws.run("apply", ["--auto-approve"]);
      // THEN
      expectSucceeded(result);
      const calls = since();
      expect(unexpectedCalls(calls)).toEqual([]);
      // The IAM stack was not planned again: its apply ran the saved plan, so Terraform printed no plan for it.
      expect(result.output).not.toMatch(/destination-iam {2}Terraform will perform the following actions/);
      expect(result.output).toMatch(/destination-ec2 {2}Terraform will perform the following actions/);
      expect(writes(calls).filter((a) => a === "CreateRole")).toHaveLength(1);
      expect(writes(calls).filter((a) => a === "RunInstances")).toHaveLength(1);
      expect(result.output.indexOf("destination-iam: applied in")).toBeLessThan(result.output.indexOf("destination-ec2: apply started"));
      expect(result.output).toMatch(/apply: 2 applied, 0 unchanged, 0 deferred, 0 failed, 0 refused, 0 skipped in/);
      // A plan is used once.
      expect(existsSync(join(ws.dir, "plans", "destination-iam.tfplan"))).toBe(false);
    },
    E2E_TIMEOUT_MS,
  );

  it(
    "refuses a saved plan whose state moved since it was made, and changes nothing with it",
    async () => {
      // GIVEN a reviewed plan for a new tag, then a deploy of another change that moves both states
      ws.writeConfig({ ...example, tags: { ManagedBy: "cdktf", CostCenter: "platform" } });
      expect((await ws.run("plan")).code).toBe(2);
      ws.writeConfig({ ...example, tags: { ManagedBy: "cdktf", CostCenter: "finance" } });
      expectSucceeded(await ws.run("deploy", ["--auto-approve"]));
      since();
      // WHEN the old plan is applied
      const result = await ws.run("apply", ["--auto-approve"]);
      // THEN Terraform refuses it, the workflow says to plan again, and the tag is what the deploy set
      expect(result.code).toBe(1);
      expect(result.output).toContain(
        "destination-iam: refused: its state changed since the plan was made: plan again (npm run plan), review, apply",
      );
      // Its EC2 stack was deferred behind the IAM stack's changes, and is not planned without them.
      expect(result.output).toContain("destination-ec2: skipped: destination-iam was not applied");
      expect(writes(since())).toEqual([]);
      expect(ws.double.ec2.instances()[0].tags.CostCenter).toBe("finance");
    },
    E2E_TIMEOUT_MS,
  );

  it(
    "the policy gate stops a plan that breaks a blocking rule before it is applied: nothing is changed",
    async () => {
      // GIVEN a reviewed plan made from a stack someone edited by hand: the role may do anything on anything
      ws.writeConfig(example);
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
      // GIVEN the example deployed, then someone retagged the instance in the console
      expectSucceeded(await ws.run("deploy", ["--auto-approve"]));
      const admin = new EC2Client({ region: "us-east-2", endpoint: ws.double.url, credentials: ws.double.profiles.destination });
      const [instance] = ws.double.ec2.instances();
      await admin.send(new CreateTagsCommand({ Resources: [instance.id], Tags: [{ Key: "ManagedBy", Value: "console" }] }));
      // WHEN
      const drift = await ws.run("diff");
      // THEN
      expect(drift.code).toBe(2);
      expect(drift.output).toMatch(/destination-iam +222222222222 +us-east-2 +no changes/);
      expect(drift.output).toMatch(/destination-ec2 +222222222222 +us-east-2 +0 to add, 1 to change, 0 to destroy/);
      expect(readFileSync(join(ws.dir, "plans", "drift.md"), "utf8")).toContain("~ aws_instance.instance");
      // WHEN a deploy puts it right, and diff runs again
      expectSucceeded(await ws.run("deploy", ["--auto-approve"]));
      const after = await ws.run("diff");
      // THEN
      expect(after.code).toBe(0);
      expect(ws.double.ec2.instances()[0].tags.ManagedBy).toBe("cdktf");
      expectSucceeded(await ws.run("destroy", ["--auto-approve"]));
    },
    E2E_TIMEOUT_MS,
  );
});
