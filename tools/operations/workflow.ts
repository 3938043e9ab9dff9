import type { StackState } from "../../lib/state";
import type { StackSelection } from "../../lib/targets";

export type { StackState };

/**
 * The deploy workflow: runs the real cdktf CLI over the selected stacks in
 * dependency order, destinations in parallel (`--concurrency`), spread over
 * one cdktf call per core. Deploy: each destination's IAM stack and then its
 * EC2 stack in the same call (cdktf orders them), EC2 stacks retried on
 * their own while a new role cannot be assumed yet. Destroy: the EC2 stack,
 * then its IAM stack, in the same call. cdktf's own dependency checks cannot see that a
 * stack's dependency was deployed by an earlier run, so the workflow checks
 * state itself and passes `--ignore-missing-stack-dependencies` only for a
 * stack that goes alone and whose dependency it has checked.
 */

export type WorkflowCommand = "deploy" | "diff" | "destroy" | "output";
export const WORKFLOW_COMMANDS: readonly WorkflowCommand[] = ["deploy", "diff", "destroy", "output"];

/** What one stack of a cdktf call printed, and when it finished (seconds after the call started). */
export interface StackRun {
  readonly output: string;
  readonly seconds: number;
}

export interface CdktfResult {
  readonly code: number;
  readonly output: string;
  /** Each stack's own part of the output. */
  readonly stacks: ReadonlyMap<string, StackRun>;
}

/**
 * Runs `cdktf <args>` over `stacks` (the stacks the arguments name);
 * `onStart` hears when each one starts, `onComplete` when Terraform says one
 * finished (before the call ends, when it holds several stacks).
 */
export interface CdktfRunner {
  run(
    stacks: readonly string[],
    args: readonly string[],
    onStart?: (stack: string) => void,
    onComplete?: (stack: string) => void,
  ): Promise<CdktfResult>;
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
/**
 * Stacks run at once (cdktf's `--parallelism`, shared among the calls)
 * unless `--concurrency` says otherwise. Stacks spend much of a deploy
 * waiting on AWS (instance state, retries), so more than the cores pays.
 * Bounded for memory (a few hundred MB per Terraform and provider) and API
 * rate limits.
 */
export const DEFAULT_CONCURRENCY = 10;

export interface WorkflowArgs {
  readonly command: WorkflowCommand;
  readonly patterns: readonly string[];
  /** Pass --auto-approve to cdktf deploy/destroy (CI). @default false: cdktf asks, one stack at a time */
  readonly autoApprove: boolean;
  /** Stacks at once, shared among the cdktf calls (`--parallelism` is accepted as another name). @default DEFAULT_CONCURRENCY */
  readonly concurrency: number;
  /** Skip `terraform providers lock` (asked for; also implied by a provider mirror). */
  readonly skipProviderLock: boolean;
  /** Other cdktf flags, passed through as given. */
  readonly cdktfFlags: readonly string[];
  /** How long to wait for a new role to become assumable. @default DEFAULT_RETRY */
  readonly retry: RetryPolicy;
}

export interface WorkflowOptions extends Omit<WorkflowArgs, "command" | "patterns"> {
  /**
   * cdktf calls that deploy or destroy at once, each with its share of the
   * destinations: cdktf initializes the stacks of a call one after another
   * before it runs any, so one call holding ten destinations kept one core
   * busy with that for 10-20 s while the other waited. One call per core
   * spreads that work; more cost more than they save (each cdktf process
   * takes about 1.4 CPU seconds): ten destinations on 2 cores deployed, and
   * deployed again, in 70 s and 69 s with one call, 67 s and 60 s with two,
   * 66 s and 62 s with three, 78 s and 72 s with ten. Usually the number of cores.
   */
  readonly cdktfCalls: number;
  readonly state: StateReader;
  /**
   * Terraform's error for a stack whose deploy or destroy failed without
   * cdktf showing one (see planErrorsReader). @default - none: the failure is reported as cdktf left it
   */
  readonly planErrors?: (stack: string, destroy: boolean) => Promise<string>;
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
  "  --concurrency N (or cdktf's own --parallelism N): stacks at once. Other cdktf flags (--skip-provider-lock, --terraform-parallelism N, --var k=v...) are passed to cdktf.",
].join("\n");

/** cdktf flags that take a value as the next argument. */
const CDKTF_VALUE_FLAGS = new Set(["--terraform-parallelism", "--var", "--var-file", "--outputs-file"]);
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
    else if (flag === "--concurrency" || flag === "--parallelism") concurrency = whole(flag, inline ?? rest[++i], 1);
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

/** Destinations' stack lists dealt round-robin into at most `calls` cdktf calls, a destination's stacks always together. */
export function spread(destinations: readonly (readonly string[])[], calls: number): string[][] {
  return Array.from({ length: Math.max(1, calls) }, (_, k) => destinations.filter((_, i) => i % Math.max(1, calls) === k).flat()).filter(
    (call) => call.length > 0,
  );
}

/** Runs tasks with at most `concurrency` at a time. */
async function inPool(tasks: readonly (() => Promise<void>)[], concurrency: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]();
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, tasks.length)) }, worker));
}

/** A Terraform diagnostic in a stack's own output, boxed or not. */
const TERRAFORM_ERROR = /^(?:│\s*)?Error: /m;
/** What Terraform prints when a plan it has shown fails: cdktf sometimes drops the error that follows. */
const TERRAFORM_PLAN_PROBLEM = /^Terraform planned the following actions, but then encountered a problem:/m;
/** What `terraform apply` and `terraform destroy` print when they finish, changes or not. */
export const TERRAFORM_COMPLETE = /^(?:Apply|Destroy) complete! Resources:/m;

/**
 * How one stack of a cdktf call fared. The exit code covers the whole call:
 * when it fails, a stack whose Terraform run completed is done, one that
 * printed a Terraform error failed, and any other never ran. cdktf
 * initializes every stack of a call first, so init lines alone do not mean
 * it ran: it stops the stacks that need a failed one after their init.
 */
export function stackVerdict(result: CdktfResult, stack: string): "done" | "failed" | "not run" {
  if (result.code === 0) return "done";
  if (result.stacks.size === 1) return "failed";
  const own = result.stacks.get(stack)?.output ?? "";
  if (TERRAFORM_ERROR.test(own) || TERRAFORM_PLAN_PROBLEM.test(own)) return "failed";
  return TERRAFORM_COMPLETE.test(own) ? "done" : "not run";
}

interface CallOutcome {
  readonly verdict: "done" | "failed" | "not run";
  readonly output: string;
  readonly detail: string;
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
  // cdktf asks for approval on the terminal: one stack per call, or the prompts would interleave.
  const interactive = !options.autoApprove && (command === "deploy" || command === "destroy");
  const approve = options.autoApprove ? ["--auto-approve"] : [];
  const lock = options.skipProviderLock ? ["--skip-provider-lock"] : [];
  // Never more calls than stacks allowed at once: --concurrency 1 means one stack at a time.
  const calls = Math.max(1, Math.min(options.cdktfCalls, options.concurrency));
  const flags = (...own: string[]) => {
    if (command === "output") return [...own, ...options.cdktfFlags];
    if (command === "diff") return [...own, ...lock, ...options.cdktfFlags];
    return [...own, ...lock, ...approve, "--parallelism", String(Math.ceil(options.concurrency / calls)), ...options.cdktfFlags];
  };

  const firstStarted = new Map<string, number>();
  const started = (stack: string) => {
    if (firstStarted.has(stack)) return;
    firstStarted.set(stack, Date.now());
    options.log(`${stack}: ${command} started`);
  };
  const elapsed = (stack: string) => {
    const since = firstStarted.get(stack);
    return since === undefined ? 0 : (Date.now() - since) / 1000;
  };
  // A stack of a multi-stack call is said done when Terraform finishes it, not when the whole call ends.
  const completed = new Map<string, number>();
  const complete = (stack: string) => {
    if (completed.has(stack)) return;
    completed.set(stack, elapsed(stack));
    options.log(`${stack}: ${PAST[command]} in ${elapsed(stack).toFixed(1)} s`);
  };
  const report = (outcome: Omit<StackOutcome, "command" | "seconds">) => {
    const said = outcome.status === "done" ? completed.get(outcome.stack) : undefined;
    const full = { ...outcome, command, seconds: said ?? elapsed(outcome.stack) };
    outcomes.push(full);
    if (said !== undefined) return;
    if (full.status === "done") options.log(`${full.stack}: ${PAST[command]} in ${full.seconds.toFixed(1)} s`);
    else options.log(`${full.stack}: ${full.status}${full.detail ? `: ${full.detail}` : ""}`);
  };
  const skip = (stack: string, status: "skipped" | "refused", detail: string) => report({ stack, status, detail });
  const deployed = async (stack: string) => (await options.state(stack)) !== undefined;
  const holds = async (stack: string) => (await options.state(stack))?.resources ?? 0;

  /**
   * Runs `groups` (lists of destinations' stacks, see `spread`) as cdktf
   * calls at once; cdktf runs the stacks of a call in its own dependency
   * order. While cdktf asks for approval, one stack per call, in order;
   * `waitsFor` names the stack each one needs to succeed first then.
   */
  const call = async (
    groups: readonly (readonly string[])[],
    args: (stacks: readonly string[]) => string[],
    waitsFor: ReadonlyMap<string, string> = new Map(),
  ): Promise<Map<string, CallOutcome>> => {
    const results = new Map<string, CallOutcome>();
    const runGroup = async (group: readonly string[]) => {
      const groupArgs = args(group);
      const result = await runner.run(group, groupArgs, started, complete);
      for (const stack of group) {
        const verdict = stackVerdict(result, stack);
        let output = result.stacks.get(stack)?.output ?? result.output;
        let why = `the lines labelled ${stack} above say why`;
        if (verdict === "failed" && !TERRAFORM_ERROR.test(output) && options.planErrors && (command === "deploy" || command === "destroy")) {
          const errors = await options.planErrors(stack, command === "destroy");
          if (errors) {
            for (const line of errors.split("\n")) if (line.trim()) options.log(`${stack}  ${line}`);
            output = `${output}\n${errors}`;
            why = `cdktf did not show Terraform's error; terraform plan in the stack's folder did, labelled ${stack} above`;
          }
        }
        const detail =
          verdict === "not run"
            ? `cdktf exited ${result.code} before running it (its output above says why)`
            : `cdktf ${groupArgs.join(" ")} exited ${result.code} (${why})`;
        results.set(stack, { verdict, output, detail });
      }
    };
    if (!interactive) {
      await Promise.all(groups.filter((group) => group.length > 0).map(runGroup));
      return results;
    }
    for (const stack of groups.flat()) {
      const needed = waitsFor.get(stack);
      if (needed !== undefined && results.get(needed)?.verdict !== "done")
        results.set(stack, { verdict: "not run", output: "", detail: `${needed} did not succeed` });
      else await runGroup([stack]);
    }
    return results;
  };
  const settle = (stack: string, outcome: CallOutcome | undefined) =>
    outcome?.verdict === "done" ? report({ stack, status: "done" }) : report({ stack, status: "failed", detail: outcome?.detail });

  /**
   * Deploys EC2 stacks whose IAM stack is deployed, retrying those whose new
   * role cannot be assumed yet with bounded backoff. `notReady` already
   * failed that way once (in the call with their IAM stacks).
   */
  const deployEc2 = async (fresh: readonly string[], notReady: readonly string[]) => {
    let pending = [...fresh];
    let waiting = [...notReady];
    let attempts = waiting.length > 0 ? 1 : 0;
    let waited = 0;
    let delay = options.retry.initialDelayMs;
    while (pending.length + waiting.length > 0) {
      if (waiting.length > 0 && waited + delay > options.retry.maxTotalDelayMs) {
        const detail = `the role still cannot be assumed after ${attempts} attempts over ${waited / 1000} s; check the trust policy, the external ID and the source principal`;
        waiting.forEach((stack) => report({ stack, status: "failed", detail }));
        waiting = [];
      } else if (waiting.length > 0) {
        for (const stack of waiting)
          options.log(`${stack}: the role cannot be assumed yet (IAM is eventually consistent); attempt ${attempts + 1} in ${delay / 1000} s`);
        await options.sleep(delay);
        waited += delay;
        delay = Math.min(delay * 2, options.retry.maxDelayMs);
        pending = [...pending, ...waiting];
        waiting = [];
      }
      if (pending.length === 0) return;
      attempts += 1;
      const results = await call(
        spread(
          pending.map((stack) => [stack]),
          calls,
        ),
        (group) => flags("deploy", ...group, "--skip-synth", "--ignore-missing-stack-dependencies"),
      );
      waiting = pending.filter((stack) => results.get(stack)?.verdict === "failed" && isAssumeRoleNotReady(results.get(stack)?.output ?? ""));
      pending.filter((stack) => !waiting.includes(stack)).forEach((stack) => settle(stack, results.get(stack)));
      pending = [];
    }
  };

  const deploy = async () => {
    for (const s of selections.filter((s) => s.target.retired)) {
      for (const [stack, selected] of [
        [s.target.iamStackName, s.iam],
        [s.target.ec2StackName, s.ec2],
      ] as const)
        if (selected) skip(stack, "skipped", `${s.target.name} is retired: not deployed (npm run destroy -- ${s.target.name} takes it down)`);
    }
    const active = selections.filter((s) => !s.target.retired);
    // A destination's two stacks go in one call: cdktf starts the EC2 stack as soon as the IAM stack is done.
    // Without --ignore-missing-stack-dependencies: with it, cdktf would plan the EC2 stack before the role exists.
    // Alone (one stack per call), an EC2 stack needs it.
    const together = spread(
      active.filter((s) => s.iam).map((s) => [s.target.iamStackName, ...(s.ec2 ? [s.target.ec2StackName] : [])]),
      calls,
    );
    const waitsFor = new Map(active.filter((s) => s.iam && s.ec2).map((s) => [s.target.ec2StackName, s.target.iamStackName]));
    const results = await call(
      together,
      (group) =>
        flags(
          "deploy",
          ...group,
          "--skip-synth",
          ...(group.length === 1 && group[0].endsWith("-ec2") ? ["--ignore-missing-stack-dependencies"] : []),
        ),
      waitsFor,
    );
    const fresh: string[] = [];
    const notReady: string[] = [];
    for (const s of active) {
      const { iamStackName: iam, ec2StackName: ec2, name } = s.target;
      if (s.iam) settle(iam, results.get(iam));
      if (!s.ec2) continue;
      const outcome = results.get(ec2);
      if (!s.iam) {
        if (await deployed(iam)) fresh.push(ec2);
        else skip(ec2, "refused", `${iam} is not deployed, so the role it assumes does not exist. Deploy both: npm run deploy -- ${name}`);
      } else if (results.get(iam)?.verdict !== "done") skip(ec2, "skipped", `${iam} did not deploy`);
      else if (outcome?.verdict === "failed" && isAssumeRoleNotReady(outcome.output)) notReady.push(ec2);
      // cdktf stopped the call before this stack's turn: it goes on its own.
      else if (outcome?.verdict === "not run") fresh.push(ec2);
      else settle(ec2, outcome);
    }
    await deployEc2(fresh, notReady);
  };

  const destroy = async () => {
    // An IAM stack goes in the same call as its EC2 stack: cdktf destroys the EC2 stack first, and not the IAM stack if that fails.
    const pairs = selections.filter((s) => s.ec2);
    const groups = spread(
      pairs.map((s) => (s.iam ? [s.target.ec2StackName, s.target.iamStackName] : [s.target.ec2StackName])),
      calls,
    );
    const stacks = groups.flat();
    const waitsFor = new Map(pairs.map((s) => [s.target.iamStackName, s.target.ec2StackName]));
    const results = await call(
      groups,
      // Alone (one call per stack), an IAM stack needs the flag; never with other stacks: cdktf's destroy then
      // restarts stacks that are still running (cdktf-project.js, `next` under ignoreMissingStackDependencies).
      (group) =>
        flags(
          "destroy",
          ...group,
          "--skip-synth",
          ...(group.length === 1 && group[0].endsWith("-iam") ? ["--ignore-missing-stack-dependencies"] : []),
        ),
      waitsFor,
    );
    for (const stack of stacks) {
      const outcome = results.get(stack);
      const needed = waitsFor.get(stack);
      if (outcome?.verdict === "not run" && needed !== undefined && results.get(needed)?.verdict !== "done")
        skip(stack, "skipped", `${needed} was not destroyed, and it needs the role`);
      else settle(stack, outcome);
    }
    // IAM stacks selected without their EC2 stack: each alone, once the EC2 stack's state is known to be empty.
    for (const s of selections.filter((s) => s.iam && !s.ec2)) {
      const { iamStackName: iam, ec2StackName: ec2, name } = s.target;
      const left = await holds(ec2);
      if (left > 0) {
        skip(
          iam,
          "refused",
          `${ec2} still holds ${left} resource(s) and needs the role to manage them. Destroy it first: npm run destroy -- ${ec2} (or npm run destroy -- ${name} for both)`,
        );
        continue;
      }
      const alone = await call([[iam]], () => flags("destroy", iam, "--skip-synth", "--ignore-missing-stack-dependencies"));
      settle(iam, alone.get(iam));
    }
  };

  /** diff and output: cdktf takes one stack per call; each call in the pool. */
  const eachStack = (s: StackSelection) => async () => {
    const { iamStackName: iam, ec2StackName: ec2, name } = s.target;
    const one = async (stack: string) => settle(stack, (await call([[stack]], () => flags(command, stack, "--skip-synth"))).get(stack));
    if (command === "diff") {
      if (s.iam) await one(iam);
      if (!s.ec2) return;
      if (await deployed(iam)) await one(ec2);
      else skip(ec2, "skipped", `not planned: ${iam} is not deployed yet, so there is no role to plan with (npm run deploy -- ${name} deploys both)`);
      return;
    }
    for (const [stack, selected] of [
      [iam, s.iam],
      [ec2, s.ec2],
    ] as const) {
      if (!selected) continue;
      if (await deployed(stack)) await one(stack);
      else skip(stack, "skipped", "not deployed");
    }
  };

  if (command === "deploy") await deploy();
  else if (command === "destroy") await destroy();
  else await inPool(selections.map(eachStack), options.concurrency);
  return outcomes;
}
