import { spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { synthesizeApp } from "../../app";
import { loadConfig } from "../../lib/config";
import { resolveTargets, selectStacks } from "../../lib/targets";
import { runWorkflow, type CdktfRunner, type WorkflowCommand } from "../../tools/operations/workflow";
import { PROJECT_ROOT } from "../../tools/proof/e2e";
import { E2E_TIMEOUT_MS } from "./support";

/**
 * What the real cdktf 0.21 CLI accepts. Its stack-dependency checks run
 * before Terraform starts, so each call is judged within seconds: refused
 * (a Usage Error), or accepted (it reaches `terraform init`, and is stopped
 * there). The workflow's unit tests use a fake cdktf that models these
 * refusals; this test keeps that model honest.
 */
const dir = resolve(PROJECT_ROOT, ".terraform-work", "cdktf-contract");

type Verdict = "accepted" | "refused";

function verdict(args: readonly string[]): Promise<{ verdict: Verdict | "unclear"; output: string }> {
  return new Promise((done) => {
    const child = spawn(join(PROJECT_ROOT, "node_modules", ".bin", "cdktf"), [...args, "--no-color"], {
      cwd: dir,
      env: { ...process.env, CI: "1", CHECKPOINT_DISABLE: "1", AWS_EC2_METADATA_DISABLED: "true" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let output = "";
    let decided: Verdict | undefined;
    const take = (chunk: Buffer) => {
      output += chunk.toString();
      if (decided) return;
      if (/Usage Error/.test(output)) decided = "refused";
      else if (/Initializing the backend/.test(output)) decided = "accepted";
      if (decided === "accepted" && child.pid) process.kill(-child.pid, "SIGKILL");
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("close", () => done({ verdict: decided ?? "unclear", output }));
  });
}

/** The example config with a second destination, so that the workflow's calls name several stacks. */
const example = loadConfig(join(PROJECT_ROOT, "config/default.json"));
const config = { ...example, destinations: [...example.destinations, { ...example.destinations[0], name: "second", accountId: "333333333333" }] };

/** The argument lists the workflow builds for a command over the whole config, in one cdktf call or spread over two. */
async function workflowCalls(command: WorkflowCommand, cdktfCalls: number): Promise<string[][]> {
  const calls: string[][] = [];
  const recorder: CdktfRunner = {
    run: async (stacks, args) => (
      calls.push([...args]),
      { code: 0, output: "", stacks: new Map(stacks.map((s) => [s, { output: "", seconds: 0 }])) }
    ),
  };
  const targets = resolveTargets(config);
  await runWorkflow(command, selectStacks(targets, []), recorder, {
    autoApprove: true,
    concurrency: 1,
    cdktfCalls,
    skipProviderLock: true,
    cdktfFlags: [],
    retry: { initialDelayMs: 0, maxDelayMs: 0, maxTotalDelayMs: 0 },
    // As after a deploy: every stack holds resources, and the EC2 stack's are gone by the time its IAM stack is destroyed.
    state: async (stack) => (command === "destroy" && stack.endsWith("-ec2") ? undefined : { resources: 1, outputs: { role_arn: "arn" } }),
    sleep: async () => undefined,
    log: () => undefined,
  });
  return calls;
}

beforeAll(() => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "cdktf.json"), JSON.stringify({ language: "typescript", app: "false", sendCrashReports: "false" }));
  synthesizeApp(config, join(dir, "cdktf.out"));
});

describe("the real cdktf CLI's stack-dependency checks", () => {
  it.each([
    ["deploy", "destination-ec2", "--skip-synth"],
    ["destroy", "destination-iam", "--skip-synth"],
  ])(
    "refuses `cdktf %s %s` alone: why the workflow must say --ignore-missing-stack-dependencies",
    async (...args) => {
      const result = await verdict(args);
      expect({ verdict: result.verdict, output: result.output.slice(0, 400) }).toMatchObject({ verdict: "refused" });
      expect(result.output).toMatch(/The following (dependencies|dependant stacks) are not included in the stacks to run/);
    },
    E2E_TIMEOUT_MS,
  );

  it.each(["deploy", "destroy", "diff", "output"] as const)(
    "accepts every argument list the workflow builds for %s",
    async (command) => {
      const calls = [...(await workflowCalls(command, 1)), ...(await workflowCalls(command, 2))];
      const unique = [...new Map(calls.map((args) => [args.join(" "), args])).values()];
      expect(unique.length).toBeGreaterThan(0);
      for (const args of unique) {
        const result = await verdict(args);
        expect({ args: args.join(" "), verdict: result.verdict }).toEqual({ args: args.join(" "), verdict: "accepted" });
      }
    },
    E2E_TIMEOUT_MS,
  );
});
