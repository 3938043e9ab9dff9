import type { DeploymentTarget } from "../../lib/targets";

/** Runs `cdktf <args>`; resolves with the exit code and everything it printed. */
export interface CdktfRunner {
  run(args: readonly string[]): Promise<{ readonly code: number; readonly output: string }>;
}

export type WorkflowCommand = "deploy" | "diff" | "destroy" | "output";
export const WORKFLOW_COMMANDS: readonly WorkflowCommand[] = ["deploy", "diff", "destroy", "output"];

/** Bounded exponential backoff for the AssumeRole race right after the role is created. */
export interface RetryPolicy {
  /** @default 5000 */
  readonly initialDelayMs: number;
  /** @default 30000 */
  readonly maxDelayMs: number;
  /** Give up once this much time was spent waiting. @default 120000 */
  readonly maxTotalDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { initialDelayMs: 5_000, maxDelayMs: 30_000, maxTotalDelayMs: 120_000 };

export interface WorkflowOptions {
  /** Pass --auto-approve to cdktf deploy/destroy (CI). @default false: cdktf asks */
  readonly autoApprove: boolean;
  readonly retry: RetryPolicy;
  readonly sleep: (ms: number) => Promise<void>;
  readonly log: (line: string) => void;
}

/**
 * What AWS and the provider print when a role cannot be assumed yet: IAM is
 * eventually consistent, and a role created seconds ago can refuse AssumeRole.
 */
const ASSUME_ROLE_NOT_READY = [
  /cannot be assumed/i,
  /operation error STS: AssumeRole[\s\S]*AccessDenied/i,
  /not authorized to perform: sts:AssumeRole/i,
];

export function isAssumeRoleNotReady(output: string): boolean {
  return ASSUME_ROLE_NOT_READY.some((pattern) => pattern.test(output));
}

export class WorkflowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WorkflowError";
  }
}

/** `*` and `?` globs over destination or stack names, as `cdktf deploy 'prod-*'` takes them. */
export function selectTargets(targets: readonly DeploymentTarget[], patterns: readonly string[]): DeploymentTarget[] {
  if (patterns.length === 0) return [...targets];
  const regexes = patterns.map(
    (p) =>
      new RegExp(
        `^${p
          .replace(/[.+^${}()|[\]\\]/g, "\\$&")
          .replace(/\*/g, ".*")
          .replace(/\?/g, ".")}$`,
      ),
  );
  const selected = targets.filter((t) => regexes.some((r) => r.test(t.name) || r.test(t.iamStackName) || r.test(t.ec2StackName)));
  if (selected.length === 0)
    throw new WorkflowError(`No destination matches ${patterns.join(" ")}; destinations: ${targets.map((t) => t.name).join(", ")}`);
  return selected;
}

async function runOrFail(runner: CdktfRunner, args: readonly string[]): Promise<void> {
  const { code } = await runner.run(args);
  if (code !== 0) throw new WorkflowError(`cdktf ${args.join(" ")} failed (exit ${code})`);
}

/** Deploys one EC2 stack, retrying only while the role cannot be assumed yet, within the policy's bound. */
async function deployWithRetry(runner: CdktfRunner, args: readonly string[], options: WorkflowOptions): Promise<void> {
  let waited = 0;
  let delay = options.retry.initialDelayMs;
  for (let attempt = 1; ; attempt++) {
    const { code, output } = await runner.run(args);
    if (code === 0) return;
    if (!isAssumeRoleNotReady(output)) throw new WorkflowError(`cdktf ${args.join(" ")} failed (exit ${code})`);
    if (waited + delay > options.retry.maxTotalDelayMs) {
      throw new WorkflowError(
        `cdktf ${args.join(" ")}: the role still cannot be assumed after ${attempt} attempts over ${waited / 1000} s; check the trust policy and the source principal`,
      );
    }
    options.log(`The role cannot be assumed yet (IAM is eventually consistent); attempt ${attempt + 1} in ${delay / 1000} s...`);
    await options.sleep(delay);
    waited += delay;
    delay = Math.min(delay * 2, options.retry.maxDelayMs);
  }
}

/**
 * Runs a command over the selected destinations in dependency order:
 * deploy IAM stacks, then each EC2 stack; destroy EC2 stacks, then IAM stacks.
 * Synthesizes once; every cdktf call then uses --skip-synth.
 */
export async function runWorkflow(
  command: WorkflowCommand,
  targets: readonly DeploymentTarget[],
  runner: CdktfRunner,
  options: WorkflowOptions,
): Promise<void> {
  const iam = targets.map((t) => t.iamStackName);
  const ec2 = targets.map((t) => t.ec2StackName);
  const approve = options.autoApprove ? ["--auto-approve"] : [];
  await runOrFail(runner, ["synth"]);
  switch (command) {
    case "deploy":
      await runOrFail(runner, ["deploy", ...iam, "--skip-synth", ...approve]);
      for (const stack of ec2) await deployWithRetry(runner, ["deploy", stack, "--skip-synth", ...approve], options);
      return;
    case "destroy":
      await runOrFail(runner, ["destroy", ...ec2, "--skip-synth", ...approve]);
      await runOrFail(runner, ["destroy", ...iam, "--skip-synth", ...approve]);
      return;
    case "diff":
      for (const stack of [...iam, ...ec2]) await runOrFail(runner, ["diff", stack, "--skip-synth"]);
      return;
    case "output":
      await runOrFail(runner, ["output", ...iam, ...ec2, "--skip-synth"]);
      return;
  }
}
