import { join } from "node:path";
import { resolveTargets, selectStacks } from "../lib/targets";
import { parseWorkflowArgs } from "../tools/operations/args";
import type { StackUnit } from "../tools/operations/stack-graph";
import { NO_CHANGES } from "../tools/operations/plan-summary";
import {
  countLine,
  exitCode,
  isAssumeRoleNotReady,
  isCredentialsExpired,
  planChangesFromText,
  runWorkflow,
  type GateVerdict,
  type SavedPlans,
  type StackOutcome,
  type StackState,
  type WorkflowCommand,
  type WorkflowDeps,
} from "../tools/operations/workflow";
import type { TerraformRun } from "../tools/terraform/run";
import { config } from "./support/fixtures";

/**
 * The deploy policy over a scripted Terraform: the order, the gate, approval,
 * deferral, retries and refusals. The end-to-end tests run the same policy
 * through the real Terraform and provider against the AWS double.
 */

const NOT_READY = `Error: configuring Terraform AWS Provider: IAM Role (arn:aws:iam::222222222222:role/x) cannot be assumed.
Error: operation error STS: AssumeRole, https response error StatusCode: 403, api error AccessDenied: User: arn:aws:iam::111111111111:user/ci is not authorized to perform: sts:AssumeRole`;

const targets = resolveTargets(
  config({
    destinations: [
      { name: "dev", accountId: "222222222222" },
      { name: "prod", accountId: "333333333333" },
    ],
  }),
);

function units(patterns: readonly string[] = []): StackUnit[] {
  return selectStacks(targets, patterns).flatMap(({ target, iam, ec2 }) => [
    ...(iam
      ? [{ name: target.iamStackName, kind: "iam" as const, target, dir: `/out/${target.iamStackName}`, dependencies: [], synthesized: {} }]
      : []),
    ...(ec2
      ? [
          {
            name: target.ec2StackName,
            kind: "ec2" as const,
            target,
            dir: `/out/${target.ec2StackName}`,
            dependencies: [target.iamStackName],
            synthesized: { resource: { aws_instance: { instance: {} } } },
          },
        ]
      : []),
  ]);
}

type Answer = { code: number; stdout?: string; stderr?: string };
type Script = (stack: string, command: string, attempt: number) => Answer | undefined;

const CHANGES = JSON.stringify({ resource_changes: [{ address: "aws_instance.instance", mode: "managed", change: { actions: ["create"] } }] });

/** A Terraform that answers from a script (plans have changes, everything else succeeds, by default) and records each call. */
function world(
  script: Script = () => undefined,
  {
    state = {},
    gate = { blocking: [], warnings: [] },
    approve = async () => true,
    savedPlans,
    initialized = true,
    unsaved = {},
  }: {
    state?: Record<string, StackState>;
    gate?: GateVerdict;
    approve?: (stack: string) => Promise<boolean>;
    savedPlans?: SavedPlans;
    initialized?: boolean;
    /** Stacks whose failed apply leaves errored.tfstate (the path it is kept at), and those already waiting in recovery/. */
    unsaved?: { readonly leftBy?: Record<string, string>; readonly pending?: Record<string, string> };
  } = {},
) {
  const calls: string[] = [];
  const lines: string[] = [];
  const removed: string[] = [];
  const attempts = new Map<string, number>();
  let running = 0;
  let peak = 0;
  const deps: WorkflowDeps = {
    terraform: async (unit, args): Promise<TerraformRun> => {
      const command = args[0];
      calls.push(`${unit.name} ${args.join(" ")}`);
      const key = `${unit.name} ${command}`;
      attempts.set(key, (attempts.get(key) ?? 0) + 1);
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 2));
      running -= 1;
      const answer =
        script(unit.name, command, attempts.get(key) ?? 1) ??
        (command === "plan" ? { code: 2 } : command === "show" ? { code: 0, stdout: CHANGES } : { code: 0 });
      return { code: answer.code, stdout: answer.stdout ?? "", stderr: answer.stderr ?? "" };
    },
    echo: (unit, { stdout }) => lines.push(`${unit.name} echo: ${stdout}`),
    needsInit: () => !initialized,
    initialized: () => undefined,
    state: async (stack) => state[stack],
    gate: async () => gate,
    approve: async (stack) => approve(stack),
    planFile: (stack) => `/plans/${stack}.tfplan`,
    workPlanFile: (unit) => `${unit.dir}/.terraform/run.tfplan`,
    savedPlans,
    removePlan: (file) => void removed.push(file),
    sleep: async () => undefined,
    log: (line) => lines.push(line),
    error: (line) => lines.push(`stderr: ${line}`),
    interrupted: () => false,
    keepErroredState: (unit) => unsaved.leftBy?.[unit.name],
    pendingRecovery: (unit) => unsaved.pending?.[unit.name],
  };
  return { deps, calls, lines, removed, peak: () => peak };
}

const run = (command: WorkflowCommand, w: ReturnType<typeof world>, patterns: string[] = [], autoApprove = true, concurrency = 10) =>
  runWorkflow(command, units(patterns), w.deps, {
    autoApprove,
    concurrency,
    retry: { initialDelayMs: 5_000, maxDelayMs: 30_000, maxTotalDelayMs: 20_000 },
  });
const statuses = (outcomes: readonly StackOutcome[]) => Object.fromEntries(outcomes.map((o) => [o.stack, o.status]));
const DEPLOYED: Record<string, StackState> = Object.fromEntries(
  ["dev-iam", "dev-ec2", "prod-iam", "prod-ec2"].map((s) => [s, { resources: 1, outputs: {} }]),
);

describe("parseWorkflowArgs", () => {
  it("takes patterns and the workflow's flags, with their defaults", () => {
    expect(parseWorkflowArgs(["deploy", "prod-*", "--auto-approve", "--concurrency", "3", "--assume-role-wait=5"])).toEqual({
      command: "deploy",
      patterns: ["prod-*"],
      autoApprove: true,
      concurrency: 3,
      assumeRoleWaitMs: 5_000,
      json: false,
    });
    expect(parseWorkflowArgs(["plan", "--json"])).toMatchObject({ command: "plan", patterns: [], autoApprove: false, concurrency: 10, json: true });
  });

  it("fails if the command is unknown, with the usage", () => {
    expect(() => parseWorkflowArgs(["launch"])).toThrow(/usage: npm run <deploy\|plan\|apply\|diff\|destroy\|output>/);
  });

  it("fails if a flag is unknown, with the usage", () => {
    expect(() => parseWorkflowArgs(["deploy", "--skip-synth"])).toThrow(/Unknown option '--skip-synth'[\s\S]*usage:/);
  });

  it("fails if --concurrency is not a whole number of at least 1", () => {
    expect(() => parseWorkflowArgs(["deploy", "--concurrency", "0"])).toThrow("--concurrency takes a whole number of at least 1; got 0.");
    expect(() => parseWorkflowArgs(["deploy", "--concurrency", "two"])).toThrow("got two");
  });

  it("fails if --assume-role-wait is negative", () => {
    expect(() => parseWorkflowArgs(["deploy", "--assume-role-wait=-1"])).toThrow("--assume-role-wait takes a whole number of at least 0");
  });
});

describe("runWorkflow: deploy", () => {
  it("plans each stack to a file, shows it, gates it and applies that file; an EC2 stack starts once its IAM stack is applied", async () => {
    const w = world();
    const outcomes = await run("deploy", w);
    expect(statuses(outcomes)).toEqual({ "dev-iam": "done", "dev-ec2": "done", "prod-iam": "done", "prod-ec2": "done" });
    expect(w.calls.filter((c) => c.startsWith("dev-"))).toEqual([
      "dev-iam plan -input=false -detailed-exitcode -out=/out/dev-iam/.terraform/run.tfplan",
      "dev-iam show -json /out/dev-iam/.terraform/run.tfplan",
      "dev-iam apply -input=false /out/dev-iam/.terraform/run.tfplan",
      "dev-ec2 plan -input=false -detailed-exitcode -out=/out/dev-ec2/.terraform/run.tfplan",
      "dev-ec2 show -json /out/dev-ec2/.terraform/run.tfplan",
      "dev-ec2 apply -input=false /out/dev-ec2/.terraform/run.tfplan",
    ]);
    // The destinations ran side by side: prod's IAM stack started before dev's was applied.
    expect(w.calls.indexOf("prod-iam plan -input=false -detailed-exitcode -out=/out/prod-iam/.terraform/run.tfplan")).toBeLessThan(
      w.calls.indexOf("dev-iam apply -input=false /out/dev-iam/.terraform/run.tfplan"),
    );
    expect(w.lines).toContain("dev-iam: deploy started");
    expect(w.lines.some((l) => /^dev-ec2: deployed in [\d.]+ s$/.test(l))).toBe(true);
  });

  it("runs at most --concurrency Terraform processes at once", async () => {
    const w = world();
    await run("deploy", w, [], true, 1);
    expect(w.peak()).toBe(1);
    const wide = world();
    await run("deploy", wide, [], true, 10);
    expect(wide.peak()).toBe(2);
  });

  it("runs terraform init only where a stack needs it", async () => {
    const fresh = world(undefined, { initialized: false });
    await run("deploy", fresh, ["dev-iam"]);
    expect(fresh.calls[0]).toBe("dev-iam init -input=false");
    const ready = world();
    await run("deploy", ready, ["dev-iam"]);
    expect(ready.calls.some((c) => c.includes(" init"))).toBe(false);
  });

  it("initializes an EC2 stack while its IAM stack runs, and never says it started when it is then skipped", async () => {
    // GIVEN fresh folders, and an IAM stack whose apply fails
    const w = world((stack, command) => (stack === "dev-iam" && command === "apply" ? { code: 1 } : undefined), { initialized: false });
    // WHEN
    const outcomes = await run("deploy", w, ["dev"]);
    // THEN the EC2 stack's init ran before the IAM stack's apply, and it is skipped without a start line
    expect(w.calls.indexOf("dev-ec2 init -input=false")).toBeLessThan(
      w.calls.indexOf("dev-iam apply -input=false /out/dev-iam/.terraform/run.tfplan"),
    );
    expect(statuses(outcomes)).toEqual({ "dev-iam": "failed", "dev-ec2": "skipped" });
    expect(w.lines.filter((l) => l.endsWith("started"))).toEqual(["dev-iam: deploy started"]);
  });

  it("applies nothing when a plan has no changes: the stack is unchanged", async () => {
    const w = world((_stack, command) => (command === "plan" ? { code: 0 } : undefined));
    const outcomes = await run("deploy", w);
    expect(new Set(Object.values(statuses(outcomes)))).toEqual(new Set(["unchanged"]));
    expect(w.calls.every((c) => / plan /.test(c))).toBe(true);
    expect(w.lines.filter((l) => / started$/.test(l))).toHaveLength(4);
  });

  it("refuses a plan the policy gate blocks, with the rule, and applies nothing", async () => {
    const w = world(undefined, { gate: { blocking: ["CKV_AWS_79 (IMDSv2): aws_instance.instance ..."], warnings: ["CKV_AWS_126 (monitoring)"] } });
    const outcomes = await run("deploy", w, ["dev"]);
    expect(statuses(outcomes)).toEqual({ "dev-iam": "refused", "dev-ec2": "skipped" });
    expect(w.calls.some((c) => c.includes(" apply "))).toBe(false);
    expect(w.lines).toContain("stderr: dev-iam: policy: CKV_AWS_79 (IMDSv2): aws_instance.instance ...");
    expect(w.lines).toContain("dev-iam: policy warning: CKV_AWS_126 (monitoring)");
    expect(outcomes[0].detail).toMatch(/^the policy gate stopped the apply \(1 blocking finding\(s\) above\); nothing was changed$/);
  });

  it("asks for each stack's plan one at a time, and applies only what was approved", async () => {
    let asking = 0;
    let overlapped = false;
    const w = world(undefined, {
      approve: async (stack) => {
        overlapped ||= asking > 0;
        asking += 1;
        await new Promise((r) => setTimeout(r, 5));
        asking -= 1;
        return stack !== "prod-iam";
      },
    });
    const outcomes = await run("deploy", w, [], false);
    expect(overlapped).toBe(false);
    expect(statuses(outcomes)).toEqual({ "dev-iam": "done", "dev-ec2": "done", "prod-iam": "skipped", "prod-ec2": "skipped" });
    expect(outcomes.find((o) => o.stack === "prod-iam")?.detail).toBe("not approved; nothing was changed");
    expect(w.calls.some((c) => c.startsWith("prod-iam apply"))).toBe(false);
  });

  it("deploys an EC2 stack selected alone when its IAM stack is deployed, and refuses it otherwise, saying what to do", async () => {
    const ok = world(undefined, { state: DEPLOYED });
    expect(statuses(await run("deploy", ok, ["dev-ec2"]))).toEqual({ "dev-ec2": "done" });
    const missing = world();
    const [refused] = await run("deploy", missing, ["dev-ec2"]);
    expect(refused).toMatchObject({
      status: "refused",
      detail: expect.stringContaining("dev-iam is not deployed, so the role it assumes does not exist"),
    });
    expect(missing.calls).toEqual([]);
    expect(missing.lines.some((l) => l.includes("started"))).toBe(false);
  });

  it("skips the EC2 stack of a destination whose IAM stack failed, and goes on with the others", async () => {
    const w = world((stack, command) => (stack === "dev-iam" && command === "apply" ? { code: 1 } : undefined));
    const outcomes = await run("deploy", w);
    expect(statuses(outcomes)).toEqual({ "dev-iam": "failed", "dev-ec2": "skipped", "prod-iam": "done", "prod-ec2": "done" });
    expect(outcomes[1].detail).toBe("dev-iam did not deploy");
  });

  it("retries an EC2 plan while its new role cannot be assumed, with backoff, then deploys", async () => {
    const w = world((stack, command, attempt) =>
      stack === "dev-ec2" && command === "plan" && attempt < 3 ? { code: 1, stderr: NOT_READY } : undefined,
    );
    const outcomes = await run("deploy", w, ["dev"]);
    expect(statuses(outcomes)).toEqual({ "dev-iam": "done", "dev-ec2": "done" });
    expect(w.lines.filter((l) => l.includes("cannot be assumed yet"))).toEqual([
      "dev-ec2: the role cannot be assumed yet (IAM is eventually consistent); attempt 2 in 5 s",
      "dev-ec2: the role cannot be assumed yet (IAM is eventually consistent); attempt 3 in 10 s",
    ]);
  });

  it("gives up once the time bound is spent, saying what to check", async () => {
    const w = world((stack, command) => (stack === "dev-ec2" && command === "plan" ? { code: 1, stderr: NOT_READY } : undefined));
    const [, ec2] = await run("deploy", w, ["dev"]);
    expect(ec2).toMatchObject({
      status: "failed",
      detail: expect.stringMatching(/^the role still cannot be assumed after 3 attempts over 15 s; check the trust policy/),
    });
  });

  it("does not retry other failures", async () => {
    const w = world((stack, command) => (stack === "dev-ec2" && command === "plan" ? { code: 1, stderr: "Error: invalid AMI" } : undefined));
    const [, ec2] = await run("deploy", w, ["dev"]);
    expect(ec2).toMatchObject({ status: "failed", detail: "terraform plan exited 1 (the lines labelled dev-ec2 above say why)" });
    expect(w.calls.filter((c) => c.startsWith("dev-ec2 plan"))).toHaveLength(1);
  });

  it("skips a retired destination in deploy, plan and apply, saying how to take it down; diff still checks it", async () => {
    const retired = resolveTargets(config({ destinations: [{ name: "old", accountId: "222222222222", retired: true }] }));
    const w = world();
    const unit = (kind: "iam" | "ec2"): StackUnit => ({
      name: `old-${kind}`,
      kind,
      target: retired[0],
      dir: "/out",
      dependencies: [],
      synthesized: {},
    });
    const options = { autoApprove: true, concurrency: 2, retry: { initialDelayMs: 0, maxDelayMs: 0, maxTotalDelayMs: 0 } };
    for (const command of ["deploy", "plan", "apply"] as const) {
      const outcomes = await runWorkflow(command, [unit("iam"), unit("ec2")], w.deps, options);
      expect(outcomes.map((o) => o.detail)).toEqual([
        "old is retired: not deployed (npm run destroy -- old takes it down)",
        "old is retired: not deployed (npm run destroy -- old takes it down)",
      ]);
    }
    expect(w.calls).toEqual([]);
    await runWorkflow("diff", [unit("iam")], w.deps, options);
    expect(w.calls).toEqual(["old-iam plan -input=false -detailed-exitcode -lock=false"]);
  });
});

describe("runWorkflow: plan and diff", () => {
  it("plan defers an EC2 stack whose IAM stack is not deployed, with what it will create, and never starts it", async () => {
    const w = world();
    const outcomes = await run("plan", w, ["dev"]);
    expect(outcomes[1]).toMatchObject({ status: "deferred", changes: { add: ["aws_instance.instance"] } });
    expect(w.calls).toEqual(["dev-iam plan -input=false -detailed-exitcode -out=/plans/dev-iam.tfplan", "dev-iam show -json /plans/dev-iam.tfplan"]);
    expect(w.lines.some((l) => l.startsWith("dev-ec2: plan started"))).toBe(false);
    expect(exitCode("plan", outcomes)).toBe(2);
  });

  it("plan defers an EC2 stack whose deployed IAM stack has changes; diff plans it, so its own drift shows", async () => {
    const changedIam: Script = (stack, command) => (stack.endsWith("-ec2") && command === "plan" ? { code: 0 } : undefined);
    const plan = await run("plan", world(changedIam, { state: DEPLOYED }), ["dev"]);
    expect(statuses(plan)).toEqual({ "dev-iam": "planned", "dev-ec2": "deferred" });
    expect(plan[1].changes).toBeUndefined();
    const w = world(changedIam, { state: DEPLOYED });
    const diff = await run("diff", w, ["dev"]);
    expect(statuses(diff)).toEqual({ "dev-iam": "planned", "dev-ec2": "unchanged" });
    expect(w.calls).toEqual(["dev-iam plan -input=false -detailed-exitcode -lock=false", "dev-ec2 plan -input=false -detailed-exitcode -lock=false"]);
    expect(exitCode("diff", diff)).toBe(2);
  });

  it("plans an EC2 stack whose IAM stack has no changes", async () => {
    const w = world((stack, command) => (stack.endsWith("-iam") && command === "plan" ? { code: 0 } : undefined), { state: DEPLOYED });
    expect(statuses(await run("plan", w, ["dev"]))).toEqual({ "dev-iam": "unchanged", "dev-ec2": "planned" });
  });

  it("exits 0 when nothing changes", async () => {
    const w = world((_s, command) => (command === "plan" ? { code: 0 } : undefined), { state: DEPLOYED });
    expect(exitCode("diff", await run("diff", w))).toBe(0);
  });
});

describe("runWorkflow: apply", () => {
  const saved = (stacks: SavedPlans["stacks"]): SavedPlans => ({ stacks });

  it("applies exactly the saved plan, without planning again", async () => {
    const w = world(undefined, { savedPlans: saved({ "dev-iam": { status: "planned" } }) });
    expect(statuses(await run("apply", w, ["dev-iam"]))).toEqual({ "dev-iam": "done" });
    expect(w.calls).toEqual(["dev-iam show -json /plans/dev-iam.tfplan", "dev-iam apply -input=false /plans/dev-iam.tfplan"]);
  });

  it("refuses a stale plan, saying to plan again", async () => {
    const w = world((_s, command) => (command === "apply" ? { code: 1, stderr: "Error: Saved plan is stale" } : undefined), {
      savedPlans: saved({ "dev-iam": { status: "planned" } }),
    });
    const [outcome] = await run("apply", w, ["dev-iam"]);
    expect(outcome).toMatchObject({
      status: "refused",
      detail: "its state changed since the plan was made: plan again (npm run plan), review, apply",
    });
  });

  it("plans, gates and applies a deferred EC2 stack once its IAM stack is applied", async () => {
    let iamApplied = false;
    const w = world(
      (stack, command) => {
        if (stack === "dev-iam" && command === "apply") iamApplied = true;
        return undefined;
      },
      { savedPlans: saved({ "dev-iam": { status: "planned" }, "dev-ec2": { status: "deferred" } }) },
    );
    w.deps = { ...w.deps, state: async (stack) => (stack === "dev-iam" && iamApplied ? { resources: 5, outputs: {} } : undefined) };
    expect(statuses(await run("apply", w, ["dev"]))).toEqual({ "dev-iam": "done", "dev-ec2": "done" });
    expect(w.calls.slice(2)).toEqual([
      "dev-ec2 plan -input=false -detailed-exitcode -out=/out/dev-ec2/.terraform/run.tfplan",
      "dev-ec2 show -json /out/dev-ec2/.terraform/run.tfplan",
      "dev-ec2 apply -input=false /out/dev-ec2/.terraform/run.tfplan",
    ]);
  });

  it("refuses a stack without a saved plan, and leaves one whose plan had no changes", async () => {
    const w = world(undefined, { savedPlans: saved({ "dev-iam": { status: "unchanged" } }) });
    const outcomes = await run("apply", w, ["dev"]);
    expect(statuses(outcomes)).toEqual({ "dev-iam": "unchanged", "dev-ec2": "refused" });
    expect(outcomes[1].detail).toBe("no saved plan: run npm run plan -- dev-ec2 first");
    expect(w.calls).toEqual([]);
  });
});

describe("runWorkflow: an EC2 stack planned alongside its IAM stack", () => {
  const ec2Plans = (w: ReturnType<typeof world>) => w.calls.filter((c) => c.startsWith("dev-ec2 plan"));
  const noChanges: Script = (_stack, command) => (command === "plan" ? { code: 0, stdout: "No changes." } : undefined);

  it("keeps that plan when the IAM stack has no changes: one plan per stack, both at once, nothing applied", async () => {
    // GIVEN a deployed destination with nothing to change
    const w = world(noChanges, { state: DEPLOYED });
    // WHEN
    const outcomes = await run("deploy", w, ["dev"]);
    // THEN
    expect(statuses(outcomes)).toEqual({ "dev-iam": "unchanged", "dev-ec2": "unchanged" });
    expect(w.calls).toEqual([
      "dev-iam plan -input=false -detailed-exitcode -out=/out/dev-iam/.terraform/run.tfplan",
      "dev-ec2 plan -input=false -detailed-exitcode -out=/out/dev-ec2/.terraform/run.tfplan",
    ]);
    expect(w.peak()).toBe(2);
    // AND its lines, held back until the plan was kept, follow the line that says it started
    const started = w.lines.indexOf("dev-ec2: deploy started (planned alongside dev-iam, which has no changes)");
    expect(started).toBeGreaterThan(-1);
    expect(w.lines[started + 1]).toBe("dev-ec2 echo: No changes.");
  });

  it("applies a change the kept plan found, through the gate", async () => {
    const w = world((stack, command) => (command === "plan" ? { code: stack === "dev-ec2" ? 2 : 0 } : undefined), { state: DEPLOYED });
    expect(statuses(await run("deploy", w, ["dev"]))).toEqual({ "dev-iam": "unchanged", "dev-ec2": "done" });
    expect(w.calls.slice(2)).toEqual([
      "dev-ec2 show -json /out/dev-ec2/.terraform/run.tfplan",
      "dev-ec2 apply -input=false /out/dev-ec2/.terraform/run.tfplan",
    ]);
    expect(ec2Plans(w)).toHaveLength(1);
  });

  it("throws that plan away when the IAM stack has changes, and plans again once they are applied", async () => {
    // GIVEN both stacks deployed, the IAM stack with changes
    const w = world(undefined, { state: DEPLOYED });
    // WHEN
    await run("deploy", w, ["dev"]);
    // THEN the EC2 stack was planned twice, the second time after the IAM apply, and the early plan's file removed
    expect(ec2Plans(w)).toHaveLength(2);
    expect(w.calls.lastIndexOf("dev-ec2 plan -input=false -detailed-exitcode -out=/out/dev-ec2/.terraform/run.tfplan")).toBeGreaterThan(
      w.calls.indexOf("dev-iam apply -input=false /out/dev-iam/.terraform/run.tfplan"),
    );
    expect(w.removed).toContain("/out/dev-ec2/.terraform/run.tfplan");
    // AND it said it started once, after the IAM stack was deployed, never "alongside"
    expect(w.lines.filter((l) => l.startsWith("dev-ec2: deploy started"))).toEqual(["dev-ec2: deploy started"]);
    expect(w.lines.indexOf("dev-ec2: deploy started")).toBeGreaterThan(w.lines.findIndex((l) => l.startsWith("dev-iam: deployed")));
    expect(w.lines.join("\n")).not.toContain("echo");
  });

  it("never says an EC2 stack started when its IAM stack failed, though its early plan ran", async () => {
    const w = world((stack, command) => (stack === "dev-iam" && command === "plan" ? { code: 1 } : noChanges(stack, command, 1)), {
      state: DEPLOYED,
    });
    expect(statuses(await run("deploy", w, ["dev"]))).toEqual({ "dev-iam": "failed", "dev-ec2": "skipped" });
    expect(w.lines.filter((l) => l.startsWith("dev-ec2"))).toEqual(["dev-ec2: skipped: dev-iam did not deploy"]);
  });

  it("plans nothing early while the role does not exist yet", async () => {
    const w = world();
    await run("deploy", w, ["dev"]);
    expect(ec2Plans(w)).toHaveLength(1);
  });

  it("for plan, keeps it only when the IAM stack has no changes, and removes the saved plan it throws away", async () => {
    // GIVEN the IAM stack has changes
    const w = world(undefined, { state: DEPLOYED });
    // WHEN
    const outcomes = await run("plan", w, ["dev"]);
    // THEN
    expect(statuses(outcomes)).toEqual({ "dev-iam": "planned", "dev-ec2": "deferred" });
    expect(w.removed).toContain("/plans/dev-ec2.tfplan");
    // AND with no IAM changes, the early plan is the EC2 stack's saved plan
    const quiet = world((stack, command) => (command === "plan" ? { code: stack === "dev-ec2" ? 2 : 0 } : undefined), { state: DEPLOYED });
    expect(statuses(await run("plan", quiet, ["dev"]))).toEqual({ "dev-iam": "unchanged", "dev-ec2": "planned" });
    expect(ec2Plans(quiet)).toEqual(["dev-ec2 plan -input=false -detailed-exitcode -out=/plans/dev-ec2.tfplan"]);
    expect(quiet.removed).not.toContain("/plans/dev-ec2.tfplan");
  });

  it("for diff, keeps it even when the IAM stack has changes: each stack's own drift shows", async () => {
    const w = world(undefined, { state: DEPLOYED });
    expect(statuses(await run("diff", w, ["dev"]))).toEqual({ "dev-iam": "planned", "dev-ec2": "planned" });
    expect(ec2Plans(w)).toEqual(["dev-ec2 plan -input=false -detailed-exitcode -lock=false"]);
  });
});

describe("runWorkflow: destroy", () => {
  const DESTROYED =
    "aws_instance.instance: Destroying... [id=i-0123456789abcdef0]\naws_instance.instance: Destruction complete after 10s\n\nDestroy complete! Resources: 1 destroyed.\n";

  it("asked at a terminal, destroys the EC2 stack first, then its IAM stack, each through a saved destroy plan, without the gate", async () => {
    // GIVEN
    const w = world(undefined, { state: DEPLOYED });
    // WHEN
    const outcomes = await run("destroy", w, ["dev"], false);
    // THEN
    expect(statuses(outcomes)).toEqual({ "dev-iam": "done", "dev-ec2": "done" });
    // A destroy plan has nothing for the gate: no `show -json`, no extra start of the provider.
    expect(w.calls.map((c) => c.split(" ").slice(0, 2).join(" "))).toEqual(["dev-ec2 plan", "dev-ec2 apply", "dev-iam plan", "dev-iam apply"]);
    expect(w.calls[0]).toContain("-destroy");
  });

  it("approved in advance, destroys at once with apply -destroy (no plan nobody reads), and reports what Terraform destroyed", async () => {
    // GIVEN Terraform destroys the instance, and finds the IAM stack's resources gone already
    const w = world(
      (stack, command) =>
        command === "apply"
          ? {
              code: 0,
              stdout: stack === "dev-ec2" ? DESTROYED : "No changes. No objects need to be destroyed.\n\nDestroy complete! Resources: 0 destroyed.\n",
            }
          : undefined,
      { state: DEPLOYED },
    );
    // WHEN
    const outcomes = await run("destroy", w, ["dev"]);
    // THEN
    expect(w.calls).toEqual(["dev-ec2 apply -destroy -auto-approve -input=false", "dev-iam apply -destroy -auto-approve -input=false"]);
    expect(outcomes).toEqual([
      expect.objectContaining({ stack: "dev-iam", status: "unchanged", detail: "nothing to destroy" }),
      expect.objectContaining({ stack: "dev-ec2", status: "done", changes: { ...NO_CHANGES, destroy: ["aws_instance.instance"] } }),
    ]);
  });

  it("keeps an IAM stack whose EC2 stack failed to destroy, and goes on with the others", async () => {
    const w = world((stack, command) => (command === "apply" ? (stack === "dev-ec2" ? { code: 1 } : { code: 0, stdout: DESTROYED }) : undefined), {
      state: DEPLOYED,
    });
    const outcomes = await run("destroy", w);
    expect(statuses(outcomes)).toEqual({ "dev-iam": "skipped", "dev-ec2": "failed", "prod-iam": "done", "prod-ec2": "done" });
    expect(outcomes[0].detail).toBe("dev-ec2 was not destroyed, and it needs the role");
    expect(outcomes[1].detail).toBe("terraform apply -destroy exited 1 (the lines labelled dev-ec2 above say why)");
  });

  it("refuses to destroy an IAM stack alone while its EC2 stack holds resources, saying what to do", async () => {
    const w = world(undefined, { state: DEPLOYED });
    const [outcome] = await run("destroy", w, ["dev-iam"]);
    expect(outcome).toMatchObject({ status: "refused", detail: expect.stringContaining("dev-ec2 still holds 1 resource(s) and needs the role") });
    expect(w.calls).toEqual([]);
  });

  it("never says a stack that was never deployed was destroyed, nor that it started", async () => {
    const w = world();
    const outcomes = await run("destroy", w, ["dev"]);
    expect(statuses(outcomes)).toEqual({ "dev-iam": "unchanged", "dev-ec2": "unchanged" });
    expect(w.lines.slice(0, 2)).toEqual(["dev-ec2: not deployed: nothing to destroy", "dev-iam: not deployed: nothing to destroy"]);
    expect(w.calls).toEqual([]);
  });
});

describe("runWorkflow: state Terraform could not save", () => {
  const KEPT = join(process.cwd(), "recovery", "dev-ec2.errored.tfstate");

  it("fails an apply that left unsaved state with one message naming where it is kept and npm run recover", async () => {
    // GIVEN an apply of dev-ec2 that changes AWS, then cannot save the state
    const w = world(
      (stack, command) => (stack === "dev-ec2" && command === "apply" ? { code: 1, stderr: "Error: Failed to save state" } : undefined),
      {
        unsaved: { leftBy: { "dev-ec2": KEPT } },
      },
    );
    // WHEN
    const outcomes = await run("deploy", w, ["dev-*"]);
    // THEN
    expect(statuses(outcomes)).toEqual({ "dev-iam": "done", "dev-ec2": "failed" });
    expect(w.lines.filter((l) => l.startsWith("stderr: dev-ec2: failed"))).toEqual([
      "stderr: dev-ec2: failed: Terraform changed AWS but could not save the state. Terraform could not save dev-ec2's state after an apply, so its backend does not know everything AWS holds; " +
        "what it could not save is in recovery/dev-ec2.errored.tfstate. Planning now would plan over the lost state and create again what exists. Push it back with npm run recover -- dev-ec2, then run this again.",
    ]);
  });

  it("fails a destroy that left unsaved state the same way", async () => {
    // GIVEN dev-ec2's apply -destroy cannot save the state
    const w = world((stack, command) => (stack === "dev-ec2" && command === "apply" ? { code: 1 } : undefined), {
      state: DEPLOYED,
      unsaved: { leftBy: { "dev-ec2": KEPT } },
    });
    // WHEN
    const outcomes = await run("destroy", w, ["dev-*"]);
    // THEN its IAM stack is kept, since the instance may still need the role
    expect(statuses(outcomes)).toEqual({ "dev-iam": "skipped", "dev-ec2": "failed" });
    expect(outcomes.find((o) => o.stack === "dev-ec2")?.detail).toContain("Push it back with npm run recover -- dev-ec2");
  });

  it.each(["deploy", "plan", "diff", "apply", "destroy", "output"] as const)(
    "%s refuses a stack whose unsaved state waits in recovery/, runs no Terraform for it, and skips what needs it",
    async (command) => {
      // GIVEN dev-iam's unsaved state waits to be pushed back
      const w = world(undefined, {
        state: DEPLOYED,
        unsaved: { pending: { "dev-iam": join(process.cwd(), "recovery", "dev-iam.errored.tfstate") } },
        savedPlans: { stacks: { "dev-iam": { status: "planned" }, "dev-ec2": { status: "planned" } } },
      });
      // WHEN
      const outcomes = await run(command, w, ["dev-*"]);
      // THEN
      expect(outcomes.find((o) => o.stack === "dev-iam")).toMatchObject({
        status: "refused",
        detail: expect.stringContaining("what it could not save is in recovery/dev-iam.errored.tfstate"),
      });
      expect(w.calls.filter((c) => c.startsWith("dev-iam "))).toEqual([]);
    },
  );
});

describe("runWorkflow: credentials that expire during the run", () => {
  // As the provider prints it: the role "cannot be assumed", which alone would read as IAM's eventual consistency.
  const EXPIRED = `Error: configuring Terraform AWS Provider: IAM Role (arn:aws:iam::222222222222:role/x) cannot be assumed.
Error: operation error STS: AssumeRole, https response error StatusCode: 400, RequestID: 1, api error ExpiredToken: The
security token included in the request is expired`;

  it("says so for a plan, with the profiles to renew and to run again", async () => {
    // GIVEN the source credentials expire once the IAM stack is applied
    const w = world((stack, command) => (stack === "dev-ec2" && command === "plan" ? { code: 1, stderr: EXPIRED } : undefined));
    // WHEN
    const outcomes = await run("deploy", w, ["dev-*"]);
    // THEN: no retry (expired credentials are not IAM's eventual consistency), one message
    expect(statuses(outcomes)).toEqual({ "dev-iam": "done", "dev-ec2": "failed" });
    expect(w.calls.filter((c) => c.startsWith("dev-ec2 plan"))).toHaveLength(1);
    expect(outcomes.find((o) => o.stack === "dev-ec2")?.detail).toBe(
      "the AWS credentials expired during the run (ExpiredToken; profile source): renew them (aws sso login --profile source, or new session credentials) " +
        "and run the same command again; what Terraform applied before is in the state",
    );
  });

  it("says so for an apply, naming both credentials of an IAM stack", async () => {
    // GIVEN
    const w = world((stack, command) => (stack === "dev-iam" && command === "apply" ? { code: 1, stderr: EXPIRED } : undefined));
    // WHEN
    const outcomes = await run("deploy", w, ["dev-*"]);
    // THEN
    expect(outcomes.find((o) => o.stack === "dev-iam")?.detail).toMatch(
      /^the AWS credentials expired during the run \(ExpiredToken; the default credentials or profile source\): renew them \(aws sso login --profile source,/,
    );
    expect(statuses(outcomes)).toEqual({ "dev-iam": "failed", "dev-ec2": "skipped" });
  });
});

describe("runWorkflow: an apply that finds what it creates already in AWS", () => {
  it("fails the stack with the import that adopts it, once, and skips the stacks after it", async () => {
    // GIVEN IAM answers EntityAlreadyExists to the role's create (its earlier answer was lost)
    const exists = `Error: creating IAM Role (cross-account-ec2): operation error IAM: CreateRole, https response error StatusCode: 409, RequestID: 1, EntityAlreadyExists: Role with name cross-account-ec2 already exists.

  with aws_iam_role.role,`;
    const w = world((stack, command) => (stack === "dev-iam" && command === "apply" ? { code: 1, stderr: exists } : undefined));
    // WHEN
    const outcomes = await run("deploy", w, ["dev-*"]);
    // THEN
    expect(statuses(outcomes)).toEqual({ "dev-iam": "failed", "dev-ec2": "skipped" });
    expect(w.calls.filter((c) => c.startsWith("dev-iam apply"))).toHaveLength(1);
    expect(outcomes.find((o) => o.stack === "dev-iam")?.detail).toMatch(
      /^IAM Role cross-account-ec2 \(aws_iam_role\.role\) exists in AWS but not in the state: npm run import -- dev-iam aws_iam_role\.role cross-account-ec2\. /,
    );
  });
});

describe("isCredentialsExpired", () => {
  it("recognises AWS's ExpiredToken, through Terraform's line wrapping, and nothing else", () => {
    expect(isCredentialsExpired("api error ExpiredToken: The security token included in the request is expired")).toBe(true);
    expect(isCredentialsExpired("The security token included in the\n  request is expired")).toBe(true);
    expect(isCredentialsExpired("api error AccessDenied: User is not authorized to perform: sts:AssumeRole")).toBe(false);
    expect(isCredentialsExpired("Error: Failed to save state")).toBe(false);
  });
});

describe("runWorkflow: output", () => {
  it("prints the outputs of deployed stacks, never a sensitive value, and skips the others", async () => {
    const outputs = { role_arn: { value: "arn:x" }, assuming_user_secret_access_key: { value: "wJalr-secret", sensitive: true } };
    const w = world((_s, command) => (command === "output" ? { code: 0, stdout: JSON.stringify(outputs) } : undefined), {
      state: { "dev-iam": { resources: 1, outputs: {} } },
    });
    expect(statuses(await run("output", w, ["dev"]))).toEqual({ "dev-iam": "done", "dev-ec2": "skipped" });
    expect(w.lines).toContain("dev-iam  role_arn = arn:x");
    expect(w.lines).toContain("dev-iam  assuming_user_secret_access_key = <sensitive>");
    expect(w.lines.join("\n")).not.toContain("wJalr-secret");
  });
});

describe("runWorkflow: an interrupt", () => {
  it("starts nothing more", async () => {
    const w = world();
    w.deps = { ...w.deps, interrupted: () => true };
    const outcomes = await run("deploy", w);
    expect(w.calls).toEqual([]);
    expect(outcomes.every((o) => o.status === "skipped" || o.status === "failed")).toBe(true);
  });
});

describe("countLine and exitCode", () => {
  const outcome = (status: StackOutcome["status"]): StackOutcome => ({ stack: "s", status, seconds: 0 });

  it("counts every way a stack can end", () => {
    expect(countLine("deploy", [outcome("done"), outcome("unchanged"), outcome("skipped")], 12.34)).toBe(
      "deploy: 1 deployed, 1 unchanged, 0 deferred, 0 failed, 0 refused, 1 skipped in 12.3 s",
    );
    expect(countLine("diff", [outcome("planned"), outcome("deferred")], 1)).toBe(
      "diff: 1 with changes, 0 unchanged, 1 deferred, 0 failed, 0 refused, 0 skipped in 1.0 s",
    );
  });

  it("exits 1 on a failure or refusal, 2 when plan or diff finds changes, else 0", () => {
    expect(exitCode("deploy", [outcome("done"), outcome("refused")])).toBe(1);
    expect(exitCode("plan", [outcome("planned"), outcome("failed")])).toBe(1);
    expect(exitCode("diff", [outcome("unchanged"), outcome("deferred")])).toBe(2);
    expect(exitCode("deploy", [outcome("done"), outcome("unchanged")])).toBe(0);
  });
});

describe("planChangesFromText", () => {
  it("reads the addresses from the headings Terraform prints above each planned resource", () => {
    const text = [
      "  # aws_instance.instance will be updated in-place",
      "  # aws_iam_role.role will be created",
      "  # aws_iam_group.g will be destroyed",
      "  # aws_iam_policy.p must be replaced",
    ].join("\n");
    expect(planChangesFromText(text)).toEqual({
      add: ["aws_iam_role.role", "aws_iam_policy.p"],
      change: ["aws_instance.instance"],
      destroy: ["aws_iam_group.g", "aws_iam_policy.p"],
      replace: ["aws_iam_policy.p"],
    });
  });
});

describe("isAssumeRoleNotReady", () => {
  it("recognises the provider's AssumeRole refusal and nothing else", () => {
    expect(isAssumeRoleNotReady(NOT_READY)).toBe(true);
    expect(isAssumeRoleNotReady("Error: creating EC2 Instance: InvalidAMIID.NotFound")).toBe(false);
  });

  it("reads through Terraform's line wrapping", () => {
    expect(isAssumeRoleNotReady("User: arn:aws:iam::1:user/a is not authorized to\nperform: sts:AssumeRole on resource")).toBe(true);
  });
});
