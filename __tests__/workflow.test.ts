import { resolveTargets } from "../lib/targets";
import { isAssumeRoleNotReady, runWorkflow, selectTargets, type CdktfRunner, type RetryPolicy, type WorkflowOptions } from "../tools/operations/workflow";
import { config } from "./support/fixtures";

const NOT_READY = `Error: configuring Terraform AWS Provider: IAM Role (arn:aws:iam::222222222222:role/x) cannot be assumed.
Error: operation error STS: AssumeRole, https response error StatusCode: 403, api error AccessDenied: User: arn:aws:iam::111111111111:user/ci is not authorized to perform: sts:AssumeRole`;

/** A cdktf that answers from a script and records every call. */
function fakeCdktf(answer: (args: readonly string[], attempt: number) => { code: number; output: string }) {
  const calls: string[] = [];
  const attempts = new Map<string, number>();
  const runner: CdktfRunner = {
    run: async (args) => {
      const key = args.join(" ");
      calls.push(key);
      attempts.set(key, (attempts.get(key) ?? 0) + 1);
      return answer(args, attempts.get(key) ?? 1);
    },
  };
  return { runner, calls };
}

const ok = () => ({ code: 0, output: "" });
const retry: RetryPolicy = { initialDelayMs: 5_000, maxDelayMs: 20_000, maxTotalDelayMs: 60_000 };

function options(overrides: Partial<WorkflowOptions> = {}) {
  const slept: number[] = [];
  const logged: string[] = [];
  const opts: WorkflowOptions = {
    autoApprove: false,
    retry,
    sleep: async (ms) => void slept.push(ms),
    log: (l) => void logged.push(l),
    ...overrides,
  };
  return { opts, slept, logged };
}

const targets = resolveTargets(
  config({
    destinations: [
      { name: "dev", accountId: "222222222222" },
      { name: "prod-eu", accountId: "333333333333" },
      { name: "prod-us", accountId: "444444444444" },
    ],
  }),
);

describe("runWorkflow", () => {
  it("deploys every IAM stack, then each EC2 stack, synthesizing once", async () => {
    const { runner, calls } = fakeCdktf(ok);
    await runWorkflow("deploy", targets, runner, options().opts);
    expect(calls).toEqual([
      "synth",
      "deploy dev-iam prod-eu-iam prod-us-iam --skip-synth",
      "deploy dev-ec2 --skip-synth",
      "deploy prod-eu-ec2 --skip-synth",
      "deploy prod-us-ec2 --skip-synth",
    ]);
  });

  it("passes --auto-approve only when asked", async () => {
    const { runner, calls } = fakeCdktf(ok);
    await runWorkflow("destroy", targets.slice(0, 1), runner, options({ autoApprove: true }).opts);
    expect(calls).toEqual(["synth", "destroy dev-ec2 --skip-synth --auto-approve", "destroy dev-iam --skip-synth --auto-approve"]);
  });

  it("destroys EC2 stacks before IAM stacks", async () => {
    const { runner, calls } = fakeCdktf(ok);
    await runWorkflow("destroy", targets, runner, options().opts);
    expect(calls.slice(1)).toEqual(["destroy dev-ec2 prod-eu-ec2 prod-us-ec2 --skip-synth", "destroy dev-iam prod-eu-iam prod-us-iam --skip-synth"]);
  });

  it("diffs and prints outputs of every stack", async () => {
    const diff = fakeCdktf(ok);
    await runWorkflow("diff", targets.slice(0, 1), diff.runner, options().opts);
    expect(diff.calls).toEqual(["synth", "diff dev-iam --skip-synth", "diff dev-ec2 --skip-synth"]);
    const output = fakeCdktf(ok);
    await runWorkflow("output", targets.slice(0, 1), output.runner, options().opts);
    expect(output.calls).toEqual(["synth", "output dev-iam dev-ec2 --skip-synth"]);
  });

  it("retries an EC2 deploy with backoff while the new role cannot be assumed yet", async () => {
    // GIVEN the role is refused twice, then works
    const { runner, calls } = fakeCdktf((args, attempt) => (args[1] === "dev-ec2" && attempt <= 2 ? { code: 1, output: NOT_READY } : ok()));
    const { opts, slept, logged } = options();
    // WHEN
    await runWorkflow("deploy", targets.slice(0, 1), runner, opts);
    // THEN
    expect(calls.filter((c) => c.startsWith("deploy dev-ec2"))).toHaveLength(3);
    expect(slept).toEqual([5_000, 10_000]);
    expect(logged[0]).toMatch(/cannot be assumed yet .* attempt 2 in 5 s/);
  });

  it("gives up once the time bound is spent", async () => {
    const { runner, calls } = fakeCdktf((args) => (args[1] === "dev-ec2" ? { code: 1, output: NOT_READY } : ok()));
    const { opts, slept } = options();
    await expect(runWorkflow("deploy", targets.slice(0, 1), runner, opts)).rejects.toThrow(/still cannot be assumed after 5 attempts over 55 s/);
    expect(slept).toEqual([5_000, 10_000, 20_000, 20_000]);
    expect(calls.filter((c) => c.startsWith("deploy dev-ec2"))).toHaveLength(5);
  });

  it("does not retry other failures", async () => {
    const { runner, calls } = fakeCdktf((args) => (args[1] === "dev-ec2" ? { code: 1, output: "Error: InvalidAMIID.NotFound" } : ok()));
    await expect(runWorkflow("deploy", targets, runner, options().opts)).rejects.toThrow("cdktf deploy dev-ec2 --skip-synth failed (exit 1)");
    expect(calls).toHaveLength(3);
  });

  it("stops before any EC2 stack when an IAM deploy fails", async () => {
    const { runner, calls } = fakeCdktf((args) => (args[0] === "deploy" && args[1] === "dev-iam" ? { code: 1, output: "boom" } : ok()));
    await expect(runWorkflow("deploy", targets, runner, options().opts)).rejects.toThrow(
      /deploy dev-iam prod-eu-iam prod-us-iam --skip-synth failed/,
    );
    expect(calls).toEqual(["synth", "deploy dev-iam prod-eu-iam prod-us-iam --skip-synth"]);
  });
});

describe("isAssumeRoleNotReady", () => {
  it("recognises the provider's AssumeRole refusal and nothing else", () => {
    expect(isAssumeRoleNotReady(NOT_READY)).toBe(true);
    expect(isAssumeRoleNotReady("Error: creating EC2 Instance: UnauthorizedOperation")).toBe(false);
  });
});

describe("selectTargets", () => {
  it("selects destinations by glob, on destination or stack names", () => {
    expect(selectTargets(targets, ["prod-*"]).map((t) => t.name)).toEqual(["prod-eu", "prod-us"]);
    expect(selectTargets(targets, ["dev-ec2"]).map((t) => t.name)).toEqual(["dev"]);
    expect(selectTargets(targets, []).map((t) => t.name)).toEqual(["dev", "prod-eu", "prod-us"]);
  });

  it("fails if nothing matches, listing the destinations", () => {
    expect(() => selectTargets(targets, ["staging"])).toThrow("No destination matches staging; destinations: dev, prod-eu, prod-us");
  });
});
