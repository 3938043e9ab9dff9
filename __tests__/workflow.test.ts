import { resolveTargets, selectStacks } from "../lib/targets";
import {
  isAssumeRoleNotReady,
  parseWorkflowArgs,
  runWorkflow,
  type CdktfRunner,
  type RetryPolicy,
  type StackState,
  type WorkflowCommand,
  type WorkflowOptions,
} from "../tools/operations/workflow";
import { config } from "./support/fixtures";

const NOT_READY = `Error: configuring Terraform AWS Provider: IAM Role (arn:aws:iam::222222222222:role/x) cannot be assumed.
Error: operation error STS: AssumeRole, https response error StatusCode: 403, api error AccessDenied: User: arn:aws:iam::111111111111:user/ci is not authorized to perform: sts:AssumeRole`;

const targets = resolveTargets(
  config({
    destinations: [
      { name: "dev", accountId: "222222222222" },
      { name: "prod-eu", accountId: "333333333333" },
      { name: "prod-us", accountId: "444444444444" },
    ],
  }),
);

/**
 * A cdktf that answers from a script and records every call. Like the real
 * CLI (see cdktf-contract.test.ts), it refuses an EC2 deploy without its IAM
 * stack unless told to ignore the dependency, and an IAM destroy without its
 * EC2 stack likewise.
 */
function fakeCdktf(answer: (args: readonly string[], attempt: number) => { code: number; output: string } = () => ({ code: 0, output: "" })) {
  const calls: string[] = [];
  const attempts = new Map<string, number>();
  let running = 0;
  let peak = 0;
  const runner: CdktfRunner = {
    run: async (_stack, args) => {
      const key = args.join(" ");
      calls.push(key);
      attempts.set(key, (attempts.get(key) ?? 0) + 1);
      const ignoring = args.includes("--ignore-missing-stack-dependencies");
      const stacks = args.slice(1).filter((a) => !a.startsWith("-"));
      if (!ignoring && args[0] === "deploy" && stacks.some((s) => s.endsWith("-ec2") && !stacks.includes(s.replace(/-ec2$/, "-iam")))) {
        return { code: 1, output: "Usage Error: The following dependencies are not included in the stacks to run" };
      }
      if (!ignoring && args[0] === "destroy" && stacks.some((s) => s.endsWith("-iam") && !stacks.includes(s.replace(/-iam$/, "-ec2")))) {
        return { code: 1, output: "Usage Error: The following dependant stacks are not included in the stacks to run" };
      }
      running++;
      peak = Math.max(peak, running);
      await new Promise((done) => setTimeout(done, 2));
      running--;
      return answer(args, attempts.get(key) ?? 1);
    },
  };
  return { runner, calls, peak: () => peak };
}

const retry: RetryPolicy = { initialDelayMs: 5_000, maxDelayMs: 20_000, maxTotalDelayMs: 60_000 };

/** Options with every stack deployed (one resource, a role_arn output) unless `state` says otherwise. */
function options(overrides: Partial<WorkflowOptions> = {}) {
  const slept: number[] = [];
  const logged: string[] = [];
  const deployed: StackState = { resources: 1, outputs: { role_arn: "arn" } };
  const opts: WorkflowOptions = {
    autoApprove: true,
    concurrency: 4,
    skipProviderLock: false,
    cdktfFlags: [],
    retry,
    state: async () => deployed,
    sleep: async (ms) => void slept.push(ms),
    log: (l) => void logged.push(l),
    ...overrides,
  };
  return { opts, slept, logged };
}

const run = (command: WorkflowCommand, patterns: string[], runner: CdktfRunner, opts: WorkflowOptions) =>
  runWorkflow(command, selectStacks(targets, patterns), runner, opts);

describe("parseWorkflowArgs", () => {
  it("separates patterns, the workflow's flags and cdktf flags (with their values)", () => {
    expect(
      parseWorkflowArgs([
        "deploy",
        "dev",
        "--auto-approve",
        "--parallelism",
        "3",
        "prod-*",
        "--no-color",
        "--var=a=b",
        "--concurrency",
        "2",
        "--skip-provider-lock",
        "--assume-role-wait=30",
      ]),
    ).toEqual({
      command: "deploy",
      patterns: ["dev", "prod-*"],
      autoApprove: true,
      concurrency: 2,
      skipProviderLock: true,
      cdktfFlags: ["--parallelism", "3", "--no-color", "--var=a=b"],
      retry: { initialDelayMs: 5_000, maxDelayMs: 30_000, maxTotalDelayMs: 30_000 },
    });
  });

  it("fails if the command is unknown, with the usage", () => {
    expect(() => parseWorkflowArgs(["apply"])).toThrow(/usage: npm run <deploy\|diff\|destroy\|output>/);
  });

  it("fails if a flag the workflow manages is given", () => {
    expect(() => parseWorkflowArgs(["deploy", "--skip-synth"])).toThrow("--skip-synth is set by the workflow itself.");
    expect(() => parseWorkflowArgs(["destroy", "--ignore-missing-stack-dependencies"])).toThrow("is set by the workflow itself");
  });

  it("fails if --concurrency is not a whole number of at least 1", () => {
    expect(() => parseWorkflowArgs(["deploy", "--concurrency", "0"])).toThrow("--concurrency takes a whole number of at least 1; got 0.");
    expect(() => parseWorkflowArgs(["deploy", "--concurrency"])).toThrow("got nothing");
  });

  it("fails if a cdktf flag that takes a value has none", () => {
    expect(() => parseWorkflowArgs(["deploy", "--parallelism"])).toThrow("--parallelism takes a value.");
  });
});

describe("runWorkflow: deploy", () => {
  it("deploys each destination's IAM stack, then its EC2 stack ignoring only the dependency it handled, one stack per call", async () => {
    const { runner, calls } = fakeCdktf();
    const outcomes = await run("deploy", ["dev"], runner, options().opts);
    expect(calls).toEqual([
      "deploy dev-iam --skip-synth --auto-approve",
      "deploy dev-ec2 --skip-synth --ignore-missing-stack-dependencies --auto-approve",
    ]);
    expect(outcomes.map((o) => [o.stack, o.status])).toEqual([
      ["dev-iam", "done"],
      ["dev-ec2", "done"],
    ]);
  });

  it("passes --skip-provider-lock and other cdktf flags to every call", async () => {
    const { runner, calls } = fakeCdktf();
    await run("deploy", ["dev"], runner, options({ skipProviderLock: true, cdktfFlags: ["--parallelism", "3"] }).opts);
    expect(calls[0]).toBe("deploy dev-iam --skip-synth --skip-provider-lock --auto-approve --parallelism 3");
  });

  it("runs destinations in parallel up to the bound", async () => {
    const { runner, peak } = fakeCdktf();
    await run("deploy", [], runner, options({ concurrency: 2 }).opts);
    expect(peak()).toBe(2);
  });

  it("runs one stack at a time when cdktf asks for approval", async () => {
    const { runner, peak, calls } = fakeCdktf();
    await run("deploy", [], runner, options({ autoApprove: false }).opts);
    expect(peak()).toBe(1);
    expect(calls).toContain("deploy dev-iam --skip-synth");
  });

  it("deploys only the EC2 stack when it is selected and its IAM stack is deployed", async () => {
    const { runner, calls } = fakeCdktf();
    await run("deploy", ["dev-ec2"], runner, options().opts);
    expect(calls).toEqual(["deploy dev-ec2 --skip-synth --ignore-missing-stack-dependencies --auto-approve"]);
  });

  it("refuses an EC2 stack whose IAM stack is not deployed, saying what to do", async () => {
    const { runner, calls } = fakeCdktf();
    const [outcome] = await run("deploy", ["dev-ec2"], runner, options({ state: async () => undefined }).opts);
    expect(calls).toEqual([]);
    expect(outcome).toMatchObject({ stack: "dev-ec2", status: "refused", detail: expect.stringContaining("npm run deploy -- dev") });
  });

  it("skips the EC2 stack of a destination whose IAM deploy failed, and goes on with the others", async () => {
    const { runner } = fakeCdktf((args) => ({ code: args[1] === "dev-iam" ? 1 : 0, output: "" }));
    const outcomes = await run("deploy", [], runner, options().opts);
    expect(Object.fromEntries(outcomes.map((o) => [o.stack, o.status]))).toEqual({
      "dev-iam": "failed",
      "dev-ec2": "skipped",
      "prod-eu-iam": "done",
      "prod-eu-ec2": "done",
      "prod-us-iam": "done",
      "prod-us-ec2": "done",
    });
  });

  it("retries an EC2 deploy with backoff while the new role cannot be assumed yet", async () => {
    // GIVEN the role is refused twice, then works
    const { runner, calls } = fakeCdktf((args, attempt) =>
      args[1] === "dev-ec2" && attempt <= 2 ? { code: 1, output: NOT_READY } : { code: 0, output: "" },
    );
    const { opts, slept, logged } = options();
    // WHEN
    const outcomes = await run("deploy", ["dev"], runner, opts);
    // THEN
    expect(calls.filter((c) => c.startsWith("deploy dev-ec2"))).toHaveLength(3);
    expect(slept).toEqual([5_000, 10_000]);
    expect(logged).toContain("dev-ec2: the role cannot be assumed yet (IAM is eventually consistent); attempt 2 in 5 s");
    expect(outcomes.at(-1)).toMatchObject({ stack: "dev-ec2", status: "done" });
  });

  it("gives up once the time bound is spent", async () => {
    const { runner, calls } = fakeCdktf((args) => ({ code: args[1] === "dev-ec2" ? 1 : 0, output: NOT_READY }));
    const { opts, slept } = options();
    const outcomes = await run("deploy", ["dev"], runner, opts);
    expect(outcomes.at(-1)).toMatchObject({ status: "failed", detail: expect.stringMatching(/still cannot be assumed after 5 attempts over 55 s/) });
    expect(slept).toEqual([5_000, 10_000, 20_000, 20_000]);
    expect(calls.filter((c) => c.startsWith("deploy dev-ec2"))).toHaveLength(5);
  });

  it("does not retry other failures", async () => {
    const { runner, calls } = fakeCdktf((args) => ({ code: args[1] === "dev-ec2" ? 1 : 0, output: "Error: InvalidAMIID.NotFound" }));
    const outcomes = await run("deploy", ["dev"], runner, options().opts);
    expect(calls).toHaveLength(2);
    expect(outcomes.at(-1)).toMatchObject({ status: "failed" });
  });
});

describe("runWorkflow: a retired destination", () => {
  const retired = resolveTargets(config({ destinations: [{ name: "old", accountId: "222222222222", retired: true }] }));

  it("is skipped by deploy, saying how to take it down", async () => {
    const { runner, calls } = fakeCdktf();
    const { opts, logged } = options();
    await runWorkflow("deploy", selectStacks(retired, []), runner, opts);
    expect(calls).toEqual([]);
    expect(logged).toContain("old-iam: skipped: old is retired: not deployed (npm run destroy -- old takes it down)");
  });

  it("is destroyed by destroy, EC2 stack first", async () => {
    const { runner, calls } = fakeCdktf();
    await runWorkflow(
      "destroy",
      selectStacks(retired, []),
      runner,
      options({ state: async (stack) => (stack.endsWith("-ec2") ? undefined : { resources: 5, outputs: {} }) }).opts,
    );
    expect(calls).toEqual([
      "destroy old-ec2 --skip-synth --auto-approve",
      "destroy old-iam --skip-synth --ignore-missing-stack-dependencies --auto-approve",
    ]);
  });
});

describe("runWorkflow: destroy, diff, output", () => {
  it("destroys the EC2 stack, then the IAM stack once its EC2 stack holds nothing", async () => {
    const { runner, calls } = fakeCdktf();
    await run(
      "destroy",
      ["dev"],
      runner,
      options({ state: async (stack) => (stack.endsWith("-ec2") ? undefined : { resources: 5, outputs: {} }) }).opts,
    );
    expect(calls).toEqual([
      "destroy dev-ec2 --skip-synth --auto-approve",
      "destroy dev-iam --skip-synth --ignore-missing-stack-dependencies --auto-approve",
    ]);
  });

  it("refuses to destroy an IAM stack whose EC2 stack still holds resources, saying what to do", async () => {
    const { runner, calls } = fakeCdktf();
    const [outcome] = await run("destroy", ["dev-iam"], runner, options().opts);
    expect(calls).toEqual([]);
    expect(outcome).toMatchObject({
      stack: "dev-iam",
      status: "refused",
      detail:
        "dev-ec2 still holds 1 resource(s) and needs the role to manage them. Destroy it first: npm run destroy -- dev-ec2 (or npm run destroy -- dev for both)",
    });
  });

  it("says in one line that an EC2 stack cannot be diffed before its IAM stack is deployed", async () => {
    const { runner, calls } = fakeCdktf();
    const { opts, logged } = options({ state: async () => undefined });
    await run("diff", ["dev"], runner, opts);
    expect(calls).toEqual(["diff dev-iam --skip-synth"]);
    expect(logged).toContain(
      "dev-ec2: skipped: not planned: dev-iam is not deployed yet, so there is no role to plan with (npm run deploy -- dev deploys both)",
    );
  });

  it("prints outputs of deployed stacks only", async () => {
    const { runner, calls } = fakeCdktf();
    const outcomes = await run(
      "output",
      ["dev"],
      runner,
      options({ state: async (stack) => (stack.endsWith("-iam") ? { resources: 5, outputs: {} } : undefined) }).opts,
    );
    expect(calls).toEqual(["output dev-iam --skip-synth"]);
    expect(outcomes.map((o) => o.status)).toEqual(["done", "skipped"]);
  });
});

describe("isAssumeRoleNotReady", () => {
  it("recognises the provider's AssumeRole refusal and nothing else", () => {
    expect(isAssumeRoleNotReady(NOT_READY)).toBe(true);
    expect(isAssumeRoleNotReady("Error: creating EC2 Instance: UnauthorizedOperation")).toBe(false);
  });

  it("reads through Terraform's line wrapping", () => {
    expect(isAssumeRoleNotReady("IAM Role (arn:aws:iam::222222222222:role/x) cannot be\n                 assumed.")).toBe(true);
    expect(isAssumeRoleNotReady("User: arn:aws:iam::111111111111:user/ci is not authorized to\n  perform: sts:AssumeRole on resource")).toBe(true);
  });
});
