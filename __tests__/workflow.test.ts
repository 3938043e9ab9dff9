import { resolveTargets, selectStacks } from "../lib/targets";
import {
  isAssumeRoleNotReady,
  parseWorkflowArgs,
  runWorkflow,
  spread,
  stackVerdict,
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
 * A cdktf that answers each stack from a script and records every call.
 * Like the real CLI (see cdktf-contract.test.ts), it refuses an EC2 deploy
 * without its IAM stack unless told to ignore the dependency, and an IAM
 * destroy without its EC2 stack likewise; in one call, it does not run an
 * EC2 stack whose IAM stack failed to deploy, nor an IAM stack whose EC2
 * stack failed to destroy. Ignoring dependencies in a destroy of several
 * stacks, or in a deploy of both stacks of a destination, is a test failure:
 * the real one restarts stacks that are still running, or plans the EC2
 * stack before the role exists.
 */
function fakeCdktf(
  answer: (stack: string, args: readonly string[], attempt: number) => { code: number; output: string } = () => ({ code: 0, output: "" }),
) {
  const calls: string[] = [];
  const attempts = new Map<string, number>();
  const runner: CdktfRunner = {
    run: async (stacks, args, onStart, onComplete) => {
      calls.push(args.join(" "));
      const ignoring = args.includes("--ignore-missing-stack-dependencies");
      const refused = (output: string) => ({ code: 1, output, stacks: new Map(stacks.map((s) => [s, { output: "", seconds: 0 }])) });
      if (!ignoring && args[0] === "deploy" && stacks.some((s) => s.endsWith("-ec2") && !stacks.includes(s.replace(/-ec2$/, "-iam"))))
        return refused("Usage Error: The following dependencies are not included in the stacks to run");
      if (!ignoring && args[0] === "destroy" && stacks.some((s) => s.endsWith("-iam") && !stacks.includes(s.replace(/-iam$/, "-ec2"))))
        return refused("Usage Error: The following dependant stacks are not included in the stacks to run");
      if (ignoring && args[0] === "destroy" && stacks.length > 1) throw new Error(`cdktf would restart running stacks: ${args.join(" ")}`);
      if (ignoring && args[0] === "deploy" && stacks.some((s) => s.endsWith("-ec2") && stacks.includes(s.replace(/-ec2$/, "-iam"))))
        throw new Error(`cdktf would plan an EC2 stack before its role exists: ${args.join(" ")}`);
      const results = new Map<string, { code: number; output: string }>();
      for (const stack of stacks) {
        const ec2 = stack.replace(/-iam$/, "-ec2");
        const iam = stack.replace(/-ec2$/, "-iam");
        if (args[0] === "destroy" && stack !== ec2 && (results.get(ec2)?.code ?? 0) !== 0) continue;
        if (args[0] === "deploy" && stack !== iam && (results.get(iam)?.code ?? 0) !== 0) continue;
        onStart?.(stack);
        attempts.set(stack, (attempts.get(stack) ?? 0) + 1);
        const { code, output } = answer(stack, args, attempts.get(stack) ?? 1);
        results.set(stack, {
          code,
          output: code === 0 ? `${output}\n${args[0] === "destroy" ? "Destroy" : "Apply"} complete! Resources: 0 destroyed.` : output,
        });
        if (code === 0 && (args[0] === "deploy" || args[0] === "destroy")) onComplete?.(stack);
      }
      await new Promise((done) => setTimeout(done, 2));
      const code = Math.max(0, ...[...results.values()].map((r) => r.code));
      return { code, output: "", stacks: new Map(stacks.map((s) => [s, { output: results.get(s)?.output ?? "", seconds: 0 }])) };
    },
  };
  return { runner, calls };
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
    cdktfCalls: 1,
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
        "--terraform-parallelism",
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
      cdktfFlags: ["--terraform-parallelism", "3", "--no-color", "--var=a=b"],
      retry: { initialDelayMs: 5_000, maxDelayMs: 30_000, maxTotalDelayMs: 30_000 },
    });
  });

  it("takes cdktf's --parallelism as the number of stacks at once, as --concurrency", () => {
    expect(parseWorkflowArgs(["deploy", "--parallelism=3"])).toMatchObject({ concurrency: 3, cdktfFlags: [] });
    expect(() => parseWorkflowArgs(["deploy", "--parallelism", "-1"])).toThrow("--parallelism takes a whole number of at least 1; got -1.");
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
    expect(() => parseWorkflowArgs(["deploy", "--var"])).toThrow("--var takes a value.");
  });
});

const OK = { code: 0, output: "" };
const failsWith = (output: string) => ({ code: 1, output });

describe("runWorkflow: deploy", () => {
  it("deploys every destination's two stacks in one call that keeps cdktf's dependency checks, as cdktf's own deploy '*' does", async () => {
    const { runner, calls } = fakeCdktf();
    const outcomes = await run("deploy", [], runner, options().opts);
    expect(calls).toEqual(["deploy dev-iam dev-ec2 prod-eu-iam prod-eu-ec2 prod-us-iam prod-us-ec2 --skip-synth --auto-approve --parallelism 4"]);
    expect(outcomes.map((o) => [o.stack, o.status])).toEqual([
      ["dev-iam", "done"],
      ["dev-ec2", "done"],
      ["prod-eu-iam", "done"],
      ["prod-eu-ec2", "done"],
      ["prod-us-iam", "done"],
      ["prod-us-ec2", "done"],
    ]);
  });

  it("spreads destinations over one cdktf call per core, sharing --concurrency among them, a destination's stacks in the same call", async () => {
    const { runner, calls } = fakeCdktf();
    await run("deploy", [], runner, options({ cdktfCalls: 2 }).opts);
    expect(calls).toEqual([
      "deploy dev-iam dev-ec2 prod-us-iam prod-us-ec2 --skip-synth --auto-approve --parallelism 2",
      "deploy prod-eu-iam prod-eu-ec2 --skip-synth --auto-approve --parallelism 2",
    ]);
  });

  it("keeps --concurrency 1 to one stack at a time: one call, whatever the cores", async () => {
    const { runner, calls } = fakeCdktf();
    await run("deploy", ["dev", "prod-eu"], runner, options({ cdktfCalls: 2, concurrency: 1 }).opts);
    expect(calls).toEqual(["deploy dev-iam dev-ec2 prod-eu-iam prod-eu-ec2 --skip-synth --auto-approve --parallelism 1"]);
  });

  it("deploys the EC2 stacks selected without their IAM stack in a call of their own, ignoring the dependency it checked", async () => {
    const { runner, calls } = fakeCdktf();
    await run("deploy", ["dev", "prod-eu-ec2"], runner, options().opts);
    expect(calls).toEqual([
      "deploy dev-iam dev-ec2 --skip-synth --auto-approve --parallelism 4",
      "deploy prod-eu-ec2 --skip-synth --ignore-missing-stack-dependencies --auto-approve --parallelism 4",
    ]);
  });

  it("passes --concurrency as cdktf's --parallelism, --skip-provider-lock and other cdktf flags to every call", async () => {
    const { runner, calls } = fakeCdktf();
    await run("deploy", ["dev"], runner, options({ skipProviderLock: true, concurrency: 2, cdktfFlags: ["--terraform-parallelism", "3"] }).opts);
    expect(calls[0]).toBe("deploy dev-iam dev-ec2 --skip-synth --skip-provider-lock --auto-approve --parallelism 2 --terraform-parallelism 3");
  });

  it("says when each stack starts and ends, as Terraform finishes it rather than when the call does", async () => {
    const { runner } = fakeCdktf();
    const { opts, logged } = options();
    await run("deploy", ["dev"], runner, opts);
    expect(logged.map((l) => l.replace(/[\d.]+ s$/, "N s"))).toEqual([
      "dev-iam: deploy started",
      "dev-iam: deployed in N s",
      "dev-ec2: deploy started",
      "dev-ec2: deployed in N s",
    ]);
  });

  it("runs one stack per call when cdktf asks for approval", async () => {
    const { runner, calls } = fakeCdktf();
    await run("deploy", ["dev", "prod-eu"], runner, options({ autoApprove: false }).opts);
    expect(calls).toEqual([
      "deploy dev-iam --skip-synth --parallelism 4",
      "deploy dev-ec2 --skip-synth --ignore-missing-stack-dependencies --parallelism 4",
      "deploy prod-eu-iam --skip-synth --parallelism 4",
      "deploy prod-eu-ec2 --skip-synth --ignore-missing-stack-dependencies --parallelism 4",
    ]);
  });

  it("deploys only the EC2 stack when it is selected and its IAM stack is deployed", async () => {
    const { runner, calls } = fakeCdktf();
    await run("deploy", ["dev-ec2"], runner, options().opts);
    expect(calls).toEqual(["deploy dev-ec2 --skip-synth --ignore-missing-stack-dependencies --auto-approve --parallelism 4"]);
  });

  it("refuses an EC2 stack whose IAM stack is not deployed, saying what to do", async () => {
    const { runner, calls } = fakeCdktf();
    const [outcome] = await run("deploy", ["dev-ec2"], runner, options({ state: async () => undefined }).opts);
    expect(calls).toEqual([]);
    expect(outcome).toMatchObject({ stack: "dev-ec2", status: "refused", detail: expect.stringContaining("npm run deploy -- dev") });
  });

  it("skips the EC2 stack of a destination whose IAM deploy failed, and goes on with the others", async () => {
    const { runner, calls } = fakeCdktf((stack) => (stack === "dev-iam" ? failsWith("Error: creating IAM Role: EntityAlreadyExists") : OK));
    const outcomes = await run("deploy", [], runner, options().opts);
    expect(Object.fromEntries(outcomes.map((o) => [o.stack, o.status]))).toEqual({
      "dev-iam": "failed",
      "dev-ec2": "skipped",
      "prod-eu-iam": "done",
      "prod-eu-ec2": "done",
      "prod-us-iam": "done",
      "prod-us-ec2": "done",
    });
    expect(calls).toHaveLength(1);
    expect(outcomes[0].detail).toMatch(/exited 1 \(the lines labelled dev-iam above say why\)/);
  });

  it("retries only the EC2 stacks whose new role cannot be assumed yet, with backoff", async () => {
    // GIVEN dev's role is refused twice, then works; prod-eu's works at once
    const { runner, calls } = fakeCdktf((stack, _args, attempt) => (stack === "dev-ec2" && attempt <= 2 ? failsWith(NOT_READY) : OK));
    const { opts, slept, logged } = options();
    // WHEN
    const outcomes = await run("deploy", ["dev", "prod-eu"], runner, opts);
    // THEN
    expect(calls.map((c) => c.split(" --")[0])).toEqual(["deploy dev-iam dev-ec2 prod-eu-iam prod-eu-ec2", "deploy dev-ec2", "deploy dev-ec2"]);
    expect(slept).toEqual([5_000, 10_000]);
    expect(logged).toContain("dev-ec2: the role cannot be assumed yet (IAM is eventually consistent); attempt 2 in 5 s");
    expect(outcomes.at(-1)).toMatchObject({ stack: "dev-ec2", status: "done" });
    expect(outcomes.filter((o) => o.status !== "done")).toEqual([]);
  });

  it("gives up once the time bound is spent", async () => {
    const { runner, calls } = fakeCdktf((stack) => (stack === "dev-ec2" ? failsWith(NOT_READY) : OK));
    const { opts, slept } = options();
    const outcomes = await run("deploy", ["dev"], runner, opts);
    expect(outcomes.at(-1)).toMatchObject({ status: "failed", detail: expect.stringMatching(/still cannot be assumed after 5 attempts over 55 s/) });
    expect(slept).toEqual([5_000, 10_000, 20_000, 20_000]);
    expect(calls.filter((c) => c.includes(" dev-ec2 "))).toHaveLength(5);
  });

  it("deploys on its own an EC2 stack that cdktf stopped before its turn, its IAM stack done", async () => {
    // GIVEN cdktf ends the first call before dev-ec2 runs (another stack failed, or it was interrupted)
    const { runner, calls } = fakeCdktf((stack, _args, attempt) => (stack === "dev-ec2" && attempt === 1 ? { code: 1, output: "" } : OK));
    const outcomes = await run("deploy", ["dev"], runner, options().opts);
    expect(calls.map((c) => c.split(" --")[0])).toEqual(["deploy dev-iam dev-ec2", "deploy dev-ec2"]);
    expect(calls[1]).toContain("--ignore-missing-stack-dependencies");
    expect(outcomes.map((o) => [o.stack, o.status])).toEqual([
      ["dev-iam", "done"],
      ["dev-ec2", "done"],
    ]);
  });

  it("does not retry other failures", async () => {
    const { runner, calls } = fakeCdktf((stack) => (stack === "dev-ec2" ? failsWith("Error: InvalidAMIID.NotFound") : OK));
    const outcomes = await run("deploy", ["dev"], runner, options().opts);
    expect(calls).toHaveLength(1);
    expect(outcomes.at(-1)).toMatchObject({ status: "failed" });
  });
});

describe("spread", () => {
  it("deals destinations round-robin into at most the given number of calls, never splitting one", () => {
    const destinations = [["a-iam", "a-ec2"], ["b-iam", "b-ec2"], ["c-iam"]];
    expect(spread(destinations, 2)).toEqual([
      ["a-iam", "a-ec2", "c-iam"],
      ["b-iam", "b-ec2"],
    ]);
    expect(spread(destinations, 8)).toEqual([["a-iam", "a-ec2"], ["b-iam", "b-ec2"], ["c-iam"]]);
    expect(spread(destinations, 0)).toEqual([["a-iam", "a-ec2", "b-iam", "b-ec2", "c-iam"]]);
    expect(spread([], 2)).toEqual([]);
  });
});

describe("stackVerdict", () => {
  const result = (code: number, outputs: Record<string, string>) => ({
    code,
    output: "",
    stacks: new Map(Object.entries(outputs).map(([stack, output]) => [stack, { output, seconds: 1 }])),
  });

  it("reads each stack's own output when a call over several stacks fails", () => {
    const failed = result(1, {
      a: "Apply complete! Resources: 1 added, 0 changed, 0 destroyed.",
      b: "│ Error: creating EC2 Instance",
      c: "",
      // cdktf initializes every stack of a call before it runs any: init alone is not a run (see example-config.test.ts)
      d: "Initializing the backend...\nTerraform has been successfully initialized!",
      e: "Destroy complete! Resources: 0 destroyed.",
      // cdktf can drop the error that follows a plan it printed (see runWorkflow: a failure cdktf leaves unexplained)
      f: "Terraform planned the following actions, but then encountered a problem:\n  # aws_iam_role.role will be created",
    });
    expect(["a", "b", "c", "d", "e", "f"].map((s) => stackVerdict(failed, s))).toEqual(["done", "failed", "not run", "not run", "done", "failed"]);
  });

  it("takes the exit code alone for one stack, and for a call that succeeded", () => {
    expect(stackVerdict(result(1, { a: "Apply complete! Resources: 1 added" }), "a")).toBe("failed");
    expect(stackVerdict(result(0, { a: "Error: printed, then fixed", b: "" }), "b")).toBe("done");
  });
});

describe("runWorkflow: a failure cdktf leaves unexplained", () => {
  const silent = () => ({ code: 1, output: "Terraform planned the following actions, but then encountered a problem:\n  # ..." });

  it("shows Terraform's own error from a plan in the stack's folder, labelled with the stack", async () => {
    // GIVEN cdktf fails dev-iam without printing Terraform's error
    const asked: string[] = [];
    const { opts, logged } = options({
      planErrors: async (stack, destroy) => {
        asked.push(`${stack} ${destroy}`);
        return "Error: finding IAM OIDC Provider by url (https://token.actions.githubusercontent.com): not found\n\n  with data.aws_iam_openid_connect_provider.ci-oidc-provider,";
      },
    });
    // WHEN
    const outcomes = await run("deploy", ["dev"], fakeCdktf(silent).runner, opts);
    // THEN
    expect(asked).toEqual(["dev-iam false"]);
    expect(logged).toContain("dev-iam  Error: finding IAM OIDC Provider by url (https://token.actions.githubusercontent.com): not found");
    expect(logged).toContain("dev-iam    with data.aws_iam_openid_connect_provider.ci-oidc-provider,");
    expect(outcomes.find((o) => o.stack === "dev-iam")?.detail).toMatch(
      /cdktf did not show Terraform's error; terraform plan in the stack's folder did/,
    );
  });

  it("plans a destroy for a failed destroy, and does not ask when cdktf showed the error", async () => {
    const asked: string[] = [];
    const planErrors = async (stack: string, destroy: boolean) => {
      asked.push(`${stack} ${destroy}`);
      return "";
    };
    await run("destroy", ["dev-ec2"], fakeCdktf(silent).runner, options({ planErrors }).opts);
    await run("deploy", ["dev-iam"], fakeCdktf(() => ({ code: 1, output: "│ Error: AccessDenied" })).runner, options({ planErrors }).opts);
    expect(asked).toEqual(["dev-ec2 true"]);
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

  it("is destroyed by destroy, both stacks in one call that cdktf orders", async () => {
    const { runner, calls } = fakeCdktf();
    await runWorkflow("destroy", selectStacks(retired, []), runner, options().opts);
    expect(calls).toEqual(["destroy old-ec2 old-iam --skip-synth --auto-approve --parallelism 4"]);
  });
});

describe("runWorkflow: destroy", () => {
  it("destroys every selected destination in one call, each EC2 stack with its IAM stack", async () => {
    const { runner, calls } = fakeCdktf();
    const outcomes = await run("destroy", [], runner, options().opts);
    expect(calls).toEqual(["destroy dev-ec2 dev-iam prod-eu-ec2 prod-eu-iam prod-us-ec2 prod-us-iam --skip-synth --auto-approve --parallelism 4"]);
    expect(outcomes.every((o) => o.status === "done")).toBe(true);
    const spreadOver = fakeCdktf();
    await run("destroy", [], spreadOver.runner, options({ cdktfCalls: 2 }).opts);
    expect(spreadOver.calls.map((c) => c.split(" --")[0])).toEqual([
      "destroy dev-ec2 dev-iam prod-us-ec2 prod-us-iam",
      "destroy prod-eu-ec2 prod-eu-iam",
    ]);
  });

  it("keeps an IAM stack whose EC2 stack failed to destroy, and goes on with the others", async () => {
    const { runner } = fakeCdktf((stack) => (stack === "dev-ec2" ? failsWith("Error: terminating EC2 Instance: UnauthorizedOperation") : OK));
    const outcomes = await run("destroy", [], runner, options().opts);
    expect(Object.fromEntries(outcomes.map((o) => [o.stack, o.status]))).toMatchObject({
      "dev-ec2": "failed",
      "dev-iam": "skipped",
      "prod-eu-iam": "done",
    });
    expect(outcomes.find((o) => o.stack === "dev-iam")?.detail).toBe("dev-ec2 was not destroyed, and it needs the role");
  });

  it("destroys one stack per call when cdktf asks for approval: the EC2 stack, then its IAM stack alone", async () => {
    const { runner, calls } = fakeCdktf();
    await run("destroy", ["dev"], runner, options({ autoApprove: false }).opts);
    expect(calls).toEqual([
      "destroy dev-ec2 --skip-synth --parallelism 4",
      "destroy dev-iam --skip-synth --ignore-missing-stack-dependencies --parallelism 4",
    ]);
  });

  it("does not ask about the IAM stack when its EC2 stack was not destroyed", async () => {
    const { runner, calls } = fakeCdktf((stack) => (stack === "dev-ec2" ? failsWith("Error: dismissed") : OK));
    const outcomes = await run("destroy", ["dev"], runner, options({ autoApprove: false }).opts);
    expect(calls).toHaveLength(1);
    expect(outcomes.map((o) => o.status)).toEqual(["failed", "skipped"]);
  });

  it("destroys an IAM stack alone once its EC2 stack holds nothing", async () => {
    const { runner, calls } = fakeCdktf();
    await run(
      "destroy",
      ["dev-iam"],
      runner,
      options({ state: async (stack) => (stack.endsWith("-ec2") ? undefined : { resources: 5, outputs: {} }) }).opts,
    );
    expect(calls).toEqual(["destroy dev-iam --skip-synth --ignore-missing-stack-dependencies --auto-approve --parallelism 4"]);
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
});

describe("runWorkflow: diff, output", () => {
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
