import type { StackState } from "../../lib/state";
import type { StackSelection } from "../../lib/targets";

export type { StackState };

/**
 * The deploy workflow: runs the real cdktf CLI over the selected stacks in
 * dependency order. Each destination is one chain (deploy: IAM, then EC2;
 * destroy: EC2, then IAM); chains of different destinations run in parallel
 * up to a bound. cdktf's own dependency checks cannot see that a stack's
 * dependency was deployed by an earlier run, so the workflow checks state
 * itself and passes `--ignore-missing-stack-dependencies` only for a single
 * stack whose dependency it has checked.
 */

export type WorkflowCommand = "deploy" | "diff" | "destroy" | "output";
export const WORKFLOW_COMMANDS: readonly WorkflowCommand[] = ["deploy", "diff", "destroy", "output"];

export interface CdktfResult {
  readonly code: number;
  readonly output: string;
}

/** Runs `cdktf <args>` for one stack and resolves with its exit code and output. */
export interface CdktfRunner {
  run(stack: string, args: readonly string[]): Promise<CdktfResult>;
}

/** Reads a stack's state; `undefined` when the stack was never deployed. */
export type StateReader = (stack: string) => Promise<StackState | undefined>;

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
/** Destinations handled at once unless `--concurrency` says otherwise. */
export const DEFAULT_CONCURRENCY = 4;

export interface WorkflowArgs {
  readonly command: WorkflowCommand;
  readonly patterns: readonly string[];
  /** Pass --auto-approve to cdktf deploy/destroy (CI). @default false: cdktf asks, one stack at a time */
  readonly autoApprove: boolean;
  /** Destinations at once. @default DEFAULT_CONCURRENCY */
  readonly concurrency: number;
  /** Skip `terraform providers lock` (asked for; also implied by a provider mirror). */
  readonly skipProviderLock: boolean;
  /** Other cdktf flags, passed through as given. */
  readonly cdktfFlags: readonly string[];
  /** How long to wait for a new role to become assumable. @default DEFAULT_RETRY */
  readonly retry: RetryPolicy;
}

export interface WorkflowOptions extends Omit<WorkflowArgs, "command" | "patterns"> {
  readonly state: StateReader;
  readonly sleep: (ms: number) => Promise<void>;
  readonly log: (line: string) => void;
}

export class WorkflowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WorkflowError";
  }
}

export const USAGE = [
  "usage: npm run <deploy|diff|destroy|output> -- [destination-or-stack-glob ...] [--auto-approve] [--concurrency N] [--assume-role-wait SECONDS] [cdktf flags]",
  "  A destination name selects both of its stacks; <destination>-iam or <destination>-ec2 selects one.",
  "  cdktf flags (--parallelism N, --skip-provider-lock, --var k=v, --no-color...) are passed to cdktf.",
].join("\n");

/** cdktf flags that take a value as the next argument. */
const CDKTF_VALUE_FLAGS = new Set(["--parallelism", "--terraform-parallelism", "--var", "--var-file", "--outputs-file"]);
/** Flags the workflow sets itself: from a user they would break its order or its output folder. */
const MANAGED_FLAGS = new Set(["--skip-synth", "--ignore-missing-stack-dependencies", "-a", "--app", "-o", "--output"]);

/**
 * Splits the arguments after `npm run <command> --`: patterns, the
 * workflow's own flags, and cdktf flags to pass through.
 * @throws WorkflowError with the usage when the command or a flag is wrong
 */
export function parseWorkflowArgs(argv: readonly string[]): WorkflowArgs {
  const [command, ...rest] = argv;
  if (!WORKFLOW_COMMANDS.includes(command as WorkflowCommand)) throw new WorkflowError(USAGE);
  const patterns: string[] = [];
  const cdktfFlags: string[] = [];
  let autoApprove = false;
  let skipProviderLock = false;
  let concurrency = DEFAULT_CONCURRENCY;
  let retry = DEFAULT_RETRY;
  const whole = (flag: string, value: string | undefined, min: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      throw new WorkflowError(`${flag} takes a whole number of at least ${min}; got ${value ?? "nothing"}.\n${USAGE}`);
    return n;
  };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const [flag, inline] = arg.split(/=(.*)/s, 2);
    if (!arg.startsWith("-")) patterns.push(arg);
    else if (MANAGED_FLAGS.has(flag)) throw new WorkflowError(`${flag} is set by the workflow itself.\n${USAGE}`);
    else if (flag === "--auto-approve") autoApprove = true;
    else if (flag === "--skip-provider-lock") skipProviderLock = true;
    else if (flag === "--concurrency") concurrency = whole(flag, inline ?? rest[++i], 1);
    else if (flag === "--assume-role-wait") retry = { ...DEFAULT_RETRY, maxTotalDelayMs: whole(flag, inline ?? rest[++i], 0) * 1000 };
    else if (CDKTF_VALUE_FLAGS.has(flag) && inline === undefined) {
      const value = rest[++i];
      if (value === undefined) throw new WorkflowError(`${flag} takes a value.\n${USAGE}`);
      cdktfFlags.push(arg, value);
    } else cdktfFlags.push(arg);
  }
  return { command: command as WorkflowCommand, patterns, autoApprove, concurrency, skipProviderLock, cdktfFlags, retry };
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

/** Terraform wraps long diagnostics, so the output is read with its whitespace folded. */
export function isAssumeRoleNotReady(output: string): boolean {
  const folded = output.replace(/\s+/g, " ");
  return ASSUME_ROLE_NOT_READY.some((pattern) => pattern.test(folded));
}

/** How one stack fared. */
export interface StackOutcome {
  readonly stack: string;
  readonly command: WorkflowCommand;
  readonly status: "done" | "failed" | "skipped" | "refused";
  /** Why it failed, was skipped or refused: one line, or a few with what to do. */
  readonly detail?: string;
  readonly seconds: number;
}

const PAST: Record<WorkflowCommand, string> = { deploy: "deployed", destroy: "destroyed", diff: "diffed", output: "read" };

/** Runs tasks with at most `concurrency` at a time. */
async function inPool(tasks: readonly (() => Promise<void>)[], concurrency: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]();
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, tasks.length)) }, worker));
}

/**
 * Runs `command` over the selected stacks and reports each one. Never
 * throws for a stack that fails: the other destinations go on, and the
 * outcomes say what happened.
 */
export async function runWorkflow(
  command: WorkflowCommand,
  selections: readonly StackSelection[],
  runner: CdktfRunner,
  options: WorkflowOptions,
): Promise<StackOutcome[]> {
  const outcomes: StackOutcome[] = [];
  const approve = options.autoApprove ? ["--auto-approve"] : [];
  const lock = options.skipProviderLock ? ["--skip-provider-lock"] : [];
  const flags = (...own: string[]) => {
    if (command === "output") return [...own, ...options.cdktfFlags];
    if (command === "diff") return [...own, ...lock, ...options.cdktfFlags];
    return [...own, ...lock, ...approve, ...options.cdktfFlags];
  };

  const report = (outcome: StackOutcome) => {
    outcomes.push(outcome);
    const took = `${outcome.seconds.toFixed(1)} s`;
    if (outcome.status === "done") options.log(`${outcome.stack}: ${PAST[command]} in ${took}`);
    else options.log(`${outcome.stack}: ${outcome.status}${outcome.detail ? `: ${outcome.detail}` : ""}`);
    return outcome.status === "done";
  };

  /** One cdktf call for one stack, timed and reported; retried while the role cannot be assumed yet. */
  const step = async (stack: string, args: readonly string[], retryAssumeRole = false): Promise<boolean> => {
    const started = Date.now();
    options.log(`${stack}: ${command} started`);
    let waited = 0;
    let delay = options.retry.initialDelayMs;
    for (let attempt = 1; ; attempt++) {
      const { code, output } = await runner.run(stack, args);
      const seconds = (Date.now() - started) / 1000;
      if (code === 0) return report({ stack, command, status: "done", seconds });
      if (!retryAssumeRole || !isAssumeRoleNotReady(output)) {
        return report({ stack, command, status: "failed", detail: `cdktf ${args.join(" ")} exited ${code} (its output above says why)`, seconds });
      }
      if (waited + delay > options.retry.maxTotalDelayMs) {
        return report({
          stack,
          command,
          status: "failed",
          detail: `the role still cannot be assumed after ${attempt} attempts over ${waited / 1000} s; check the trust policy, the external ID and the source principal`,
          seconds,
        });
      }
      options.log(`${stack}: the role cannot be assumed yet (IAM is eventually consistent); attempt ${attempt + 1} in ${delay / 1000} s`);
      await options.sleep(delay);
      waited += delay;
      delay = Math.min(delay * 2, options.retry.maxDelayMs);
    }
  };

  const skip = (stack: string, status: "skipped" | "refused", detail: string) => report({ stack, command, status, detail, seconds: 0 });
  const deployed = async (stack: string) => (await options.state(stack)) !== undefined;
  const holds = async (stack: string) => (await options.state(stack))?.resources ?? 0;

  const chain = (s: StackSelection) => async () => {
    const { iamStackName: iam, ec2StackName: ec2, name } = s.target;
    switch (command) {
      case "deploy": {
        if (s.target.retired) {
          for (const [stack, selected] of [
            [iam, s.iam],
            [ec2, s.ec2],
          ] as const)
            if (selected) skip(stack, "skipped", `${name} is retired: not deployed (npm run destroy -- ${name} takes it down)`);
          return;
        }
        if (s.iam && !(await step(iam, flags("deploy", iam, "--skip-synth")))) {
          if (s.ec2) skip(ec2, "skipped", `${iam} did not deploy`);
          return;
        }
        if (!s.ec2) return;
        if (!s.iam && !(await deployed(iam))) {
          skip(ec2, "refused", `${iam} is not deployed, so the role it assumes does not exist. Deploy both: npm run deploy -- ${name}`);
          return;
        }
        await step(ec2, flags("deploy", ec2, "--skip-synth", "--ignore-missing-stack-dependencies"), true);
        return;
      }
      case "destroy": {
        if (s.ec2 && !(await step(ec2, flags("destroy", ec2, "--skip-synth")))) {
          if (s.iam) skip(iam, "skipped", `${ec2} was not destroyed, and it needs the role`);
          return;
        }
        if (!s.iam) return;
        const left = await holds(ec2);
        if (left > 0) {
          skip(
            iam,
            "refused",
            `${ec2} still holds ${left} resource(s) and needs the role to manage them. Destroy it first: npm run destroy -- ${ec2} (or npm run destroy -- ${name} for both)`,
          );
          return;
        }
        await step(iam, flags("destroy", iam, "--skip-synth", "--ignore-missing-stack-dependencies"));
        return;
      }
      case "diff": {
        if (s.iam) await step(iam, flags("diff", iam, "--skip-synth"));
        if (!s.ec2) return;
        if (!(await deployed(iam))) {
          skip(ec2, "skipped", `not planned: ${iam} is not deployed yet, so there is no role to plan with (npm run deploy -- ${name} deploys both)`);
          return;
        }
        await step(ec2, flags("diff", ec2, "--skip-synth"));
        return;
      }
      case "output": {
        for (const [stack, selected] of [
          [iam, s.iam],
          [ec2, s.ec2],
        ] as const) {
          if (!selected) continue;
          if (await deployed(stack)) await step(stack, flags("output", stack, "--skip-synth"));
          else skip(stack, "skipped", "not deployed");
        }
        return;
      }
    }
  };

  // cdktf asks for approval on the terminal: one stack at a time, or the prompts would interleave.
  const interactive = !options.autoApprove && (command === "deploy" || command === "destroy");
  await inPool(selections.map(chain), interactive ? 1 : options.concurrency);
  return outcomes;
}
