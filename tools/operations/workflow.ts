import type { StackState } from "../../lib/state";
import type { TerraformRun } from "../terraform/run";
import { declaredResources, type Json, type StackUnit } from "./stack-graph";
import { changeLines, countsLine, NO_CHANGES, summarizePlan, type PlanChanges, type PlanJson } from "./plan-summary";

export type { StackState };

/**
 * The deploy policy, on Terraform itself: the stacks run as a graph (a
 * stack starts the moment the stacks it depends on are done, at most
 * `concurrency` Terraform processes at once), every change goes through a
 * saved plan (`plan -out -detailed-exitcode`), the policy gate and an
 * approval, and `apply` applies that plan file and nothing else.
 */

export type WorkflowCommand = "deploy" | "plan" | "apply" | "diff" | "destroy" | "output";
export const WORKFLOW_COMMANDS: readonly WorkflowCommand[] = ["deploy", "plan", "apply", "diff", "destroy", "output"];
/** Commands that change infrastructure, and so ask for approval. */
export const CHANGING_COMMANDS: readonly WorkflowCommand[] = ["deploy", "apply", "destroy"];

export class WorkflowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WorkflowError";
  }
}

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
 * Terraform processes at once unless `--concurrency` says otherwise. Each
 * costs a few CPU-seconds to start the provider (docs/benchmarks.md), but a deploy spends much
 * of its time waiting on AWS (instance state, retries), so more than the
 * cores pays. Bounded for memory (a few hundred MB per Terraform and
 * provider) and API rate limits.
 */
export const DEFAULT_CONCURRENCY = 10;

/**
 * How a stack fared:
 * - `done`: applied (deploy, apply), destroyed, or its outputs read;
 * - `unchanged`: its plan changed nothing (nothing applied), or there was nothing to destroy;
 * - `planned`: plan and diff found changes (a saved plan waits for `apply`);
 * - `deferred`: an EC2 stack whose role is not in place yet: planned once its IAM stack is applied;
 * - `failed`: Terraform failed; `refused`: the workflow would not run it (gate, stale plan, a missing dependency);
 * - `skipped`: not run, because of another stack or the config.
 */
export type StackStatus = "done" | "unchanged" | "planned" | "deferred" | "failed" | "refused" | "skipped";
export const STATUSES: readonly StackStatus[] = ["done", "unchanged", "planned", "deferred", "failed", "refused", "skipped"];

export interface StackOutcome {
  readonly stack: string;
  readonly status: StackStatus;
  /** Why it failed, was refused, skipped or deferred: a line, or a few with what to do. */
  readonly detail?: string;
  /** What its plan changes (or, deferred, what it will create). */
  readonly changes?: PlanChanges;
  readonly seconds: number;
}

/** What `plan` leaves for `apply`: per stack, what was planned and where its plan is. */
export interface SavedPlans {
  readonly stacks: Readonly<Record<string, { readonly status: StackStatus; readonly changes?: PlanChanges }>>;
}

/** The policy gate's verdict on one plan, as the workflow uses it. */
export interface GateVerdict {
  /** `<rule>: <address> <message> (<explanation>)` per failure of a blocking rule. */
  readonly blocking: readonly string[];
  readonly warnings: readonly string[];
}

/** Everything the workflow does outside itself: Terraform, state, the gate, approval, the clock and the terminal. */
export interface WorkflowDeps {
  /** Runs Terraform in the stack's folder; `stream` shows its lines labelled with the stack. */
  readonly terraform: (unit: StackUnit, args: readonly string[], stream: boolean) => Promise<TerraformRun>;
  /** Shows the lines of a run that was not streamed, labelled as `terraform` streams them. */
  readonly echo: (unit: StackUnit, run: TerraformRun) => void;
  /** Whether the stack folder needs `terraform init`; `initialized` records one. */
  readonly needsInit: (unit: StackUnit) => boolean;
  readonly initialized: (unit: StackUnit) => void;
  /** A stack's state; `undefined` when it was never deployed or holds nothing. */
  readonly state: (stack: string) => Promise<StackState | undefined>;
  readonly gate: (unit: StackUnit, plan: Json) => Promise<GateVerdict>;
  /** Asks whether to apply; only called without auto-approve. */
  readonly approve: (stack: string, summary: readonly string[]) => Promise<boolean>;
  /** Where `plan` saves a stack's plan for review, and `apply` reads it (`savedPlans`: what plan recorded, read by both). */
  readonly planFile: (stack: string) => string;
  /** Where deploy and destroy keep the plan they apply at once: never a reviewed plan's file. */
  readonly workPlanFile: (unit: StackUnit) => string;
  readonly savedPlans?: SavedPlans;
  readonly removePlan: (file: string) => void;
  readonly sleep: (ms: number) => Promise<void>;
  readonly log: (line: string) => void;
  readonly error: (line: string) => void;
  /** True once the user interrupted: start nothing more. */
  readonly interrupted: () => boolean;
}

export interface WorkflowOptions {
  readonly autoApprove: boolean;
  readonly concurrency: number;
  readonly retry: RetryPolicy;
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

/** Terraform's refusal to apply a plan whose state moved since it was made. */
const STALE_PLAN = /Saved plan is stale/i;

const PAST: Record<WorkflowCommand, string> = {
  deploy: "deployed",
  plan: "planned",
  apply: "applied",
  diff: "planned",
  destroy: "destroyed",
  output: "read",
};

/** A `terraform plan` run, with the attempts it took while the role could not be assumed yet. */
type PlanRun = TerraformRun & { readonly attempts: number; readonly waited: number };

/** A FIFO of slots for Terraform processes. */
class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  constructor(size: number) {
    this.free = Math.max(1, size);
  }
  async take(): Promise<() => void> {
    if (this.free > 0) this.free -= 1;
    else await new Promise<void>((wake) => this.waiting.push(wake));
    return () => {
      const next = this.waiting.shift();
      if (next) next();
      else this.free += 1;
    };
  }
}

/** A one-at-a-time lock, so approval prompts never interleave. */
class Turn {
  private last: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.last.then(fn, fn);
    this.last = next.catch(() => undefined);
    return next;
  }
}

/**
 * Runs `command` over the stacks and reports each one. Never throws for a
 * stack that fails: the other destinations go on, and the outcomes say what
 * happened.
 */
export async function runWorkflow(
  command: WorkflowCommand,
  units: readonly StackUnit[],
  deps: WorkflowDeps,
  options: WorkflowOptions,
): Promise<StackOutcome[]> {
  const byName = new Map(units.map((u) => [u.name, u]));
  const slots = new Slots(options.concurrency);
  const prompts = new Turn();
  const startedAt = new Map<string, number>();
  const outcomes: StackOutcome[] = [];
  const memo = new Map<string, Promise<StackOutcome>>();

  const seconds = (stack: string) => {
    const since = startedAt.get(stack);
    return since === undefined ? 0 : (Date.now() - since) / 1000;
  };
  const finish = (unit: StackUnit, status: StackStatus, extra: { detail?: string; changes?: PlanChanges } = {}): StackOutcome => {
    const outcome: StackOutcome = { stack: unit.name, status, ...extra, seconds: seconds(unit.name) };
    outcomes.push(outcome);
    const why = extra.detail ? `: ${extra.detail}` : "";
    const took = `in ${outcome.seconds.toFixed(1)} s`;
    if (status === "failed" || status === "refused") deps.error(`${unit.name}: ${status}${why}`);
    else if (status === "done") deps.log(`${unit.name}: ${PAST[command]} ${took}`);
    else if (status === "unchanged") deps.log(`${unit.name}: ${extra.detail ?? "no changes"}${startedAt.has(unit.name) ? ` (${took})` : ""}`);
    else if (status === "planned") deps.log(`${unit.name}: ${countsLine(extra.changes ?? NO_CHANGES)} (${took})`);
    else deps.log(`${unit.name}: ${status}${why}`);
    return outcome;
  };

  /** Runs Terraform for a stack in a slot; the stack is said started when its first process really starts. */
  const tf = async (unit: StackUnit, args: readonly string[], stream = true, announce = true): Promise<TerraformRun> => {
    const release = await slots.take();
    try {
      if (deps.interrupted()) return { code: 130, stdout: "", stderr: "interrupted" };
      if (announce && !startedAt.has(unit.name)) {
        startedAt.set(unit.name, Date.now());
        deps.log(`${unit.name}: ${command} started`);
      }
      return await deps.terraform(unit, args, stream);
    } finally {
      release();
    }
  };

  /**
   * `terraform init` where the stack needs it, once per run; the reason it
   * failed, if it did. Ahead of time (`early`), it does not count as the
   * stack's start: a stack skipped after it never says it started.
   */
  const inits = new Map<string, Promise<string | undefined>>();
  const init = (unit: StackUnit, early = false): Promise<string | undefined> => {
    const running =
      inits.get(unit.name) ??
      (async () => {
        if (!deps.needsInit(unit)) return undefined;
        const run = await tf(unit, ["init", "-input=false"], true, !early);
        if (run.code !== 0) return `terraform init exited ${run.code} (the lines labelled ${unit.name} above say why)`;
        deps.initialized(unit);
        return undefined;
      })();
    inits.set(unit.name, running);
    return running;
  };

  const summaryOf = async (unit: StackUnit, file: string): Promise<{ plan: Json; changes: PlanChanges } | string> => {
    const shown = await tf(unit, ["show", "-json", file], false);
    if (shown.code !== 0) return `terraform show -json exited ${shown.code}: ${shown.stderr.trim()}`;
    const plan = JSON.parse(shown.stdout) as Json;
    return { plan, changes: summarizePlan(plan as PlanJson) };
  };

  const review = (unit: StackUnit, changes: PlanChanges, verb: string) => [
    `${unit.name}: ${verb} ${countsLine(changes)} in account ${unit.target.destination.accountId} (${unit.target.destination.region})`,
    ...changeLines(changes).map((line) => `${unit.name}    ${line}`),
  ];

  /**
   * The gate, then approval, then `apply <plan file>`: the end of every
   * change. A destroy plan has nothing for the gate to judge, so its review
   * comes from the plan's own text (`planText`) and the provider is not
   * started once more for `show -json`.
   */
  const applyPlan = async (unit: StackUnit, file: string, destroy: boolean, planText = "", known?: PlanChanges): Promise<StackOutcome> => {
    let changes = known ?? planChangesFromText(planText);
    if (!destroy) {
      const summary = await summaryOf(unit, file);
      if (typeof summary === "string") return finish(unit, "failed", { detail: summary });
      changes = known ?? summary.changes;
      const verdict = await deps.gate(unit, summary.plan);
      verdict.warnings.forEach((w) => deps.log(`${unit.name}: policy warning: ${w}`));
      if (verdict.blocking.length > 0) {
        verdict.blocking.forEach((b) => deps.error(`${unit.name}: policy: ${b}`));
        return finish(unit, "refused", {
          detail: `the policy gate stopped the apply (${verdict.blocking.length} blocking finding(s) above); nothing was changed`,
          changes,
        });
      }
    }
    const lines = review(unit, changes, destroy ? "destroy" : "apply");
    if (!options.autoApprove) {
      const yes = await prompts.run(() => deps.approve(unit.name, lines));
      if (!yes) return finish(unit, "skipped", { detail: "not approved; nothing was changed", changes });
    } else lines.forEach((line) => deps.log(line));
    const applied = await tf(unit, ["apply", "-input=false", file]);
    deps.removePlan(file);
    if (applied.code === 0) return finish(unit, "done", { changes });
    if (STALE_PLAN.test(applied.stdout + applied.stderr))
      return finish(unit, "refused", { detail: "its state changed since the plan was made: plan again (npm run plan), review, apply", changes });
    return finish(unit, "failed", { detail: `terraform apply exited ${applied.code} (the lines labelled ${unit.name} above say why)`, changes });
  };

  /**
   * `plan` with a bounded retry while a new role cannot be assumed (EC2
   * stacks right after their IAM stack). Exit 0: no changes; 2: changes.
   */
  const planStack = async (unit: StackUnit, args: readonly string[]): Promise<PlanRun> => {
    let waited = 0;
    let delay = options.retry.initialDelayMs;
    for (let attempt = 1; ; attempt++) {
      const run = await tf(unit, ["plan", "-input=false", "-detailed-exitcode", ...args]);
      const retry = run.code === 1 && unit.kind === "ec2" && isAssumeRoleNotReady(run.stdout + run.stderr);
      if (!retry || waited + delay > options.retry.maxTotalDelayMs || deps.interrupted()) return { ...run, attempts: attempt, waited };
      deps.log(`${unit.name}: the role cannot be assumed yet (IAM is eventually consistent); attempt ${attempt + 1} in ${delay / 1000} s`);
      await deps.sleep(delay);
      waited += delay;
      delay = Math.min(delay * 2, options.retry.maxDelayMs);
    }
  };

  const planFailure = (unit: StackUnit, run: PlanRun) =>
    unit.kind === "ec2" && isAssumeRoleNotReady(run.stdout + run.stderr)
      ? `the role still cannot be assumed after ${run.attempts} attempts over ${run.waited / 1000} s; check the trust policy, the external ID and the source principal`
      : `terraform plan exited ${run.code} (the lines labelled ${unit.name} above say why)`;

  /** Plan, gate, approve, apply: deploy's path for one stack, and apply's for a deferred one. */
  const change = async (unit: StackUnit, destroy: boolean): Promise<StackOutcome> => {
    const failedInit = await init(unit);
    if (failedInit) return finish(unit, "failed", { detail: failedInit });
    if (destroy && options.autoApprove) return destroyAtOnce(unit);
    const file = deps.workPlanFile(unit);
    return planned(unit, file, destroy, await planStack(unit, [`-out=${file}`, ...(destroy ? ["-destroy"] : [])]));
  };

  /** After `plan -out`: nothing to do, a failure, or the plan on to the gate, approval and apply. */
  const planned = (unit: StackUnit, file: string, destroy: boolean, run: PlanRun): Promise<StackOutcome> | StackOutcome => {
    if (run.code === 0) {
      deps.removePlan(file);
      return finish(unit, "unchanged", { detail: destroy ? "nothing to destroy" : "no changes" });
    }
    if (run.code !== 2) return finish(unit, "failed", { detail: planFailure(unit, run) });
    return applyPlan(unit, file, destroy, run.stdout);
  };

  /**
   * An approved destroy without review: nobody reads its plan and the gate
   * judges nothing on a destroy, so a saved plan would only start the
   * provider once more. `apply -destroy` at once, as plain Terraform does.
   */
  const destroyAtOnce = async (unit: StackUnit): Promise<StackOutcome> => {
    const run = await tf(unit, ["apply", "-destroy", "-auto-approve", "-input=false"]);
    if (run.code !== 0)
      return finish(unit, "failed", { detail: `terraform apply -destroy exited ${run.code} (the lines labelled ${unit.name} above say why)` });
    const destroyed = [...run.stdout.matchAll(/^(\S+): Destruction complete/gm)].map((m) => m[1]);
    const count = Number(/Resources: (\d+) destroyed/.exec(run.stdout)?.[1] ?? destroyed.length);
    return count === 0
      ? finish(unit, "unchanged", { detail: "nothing to destroy" })
      : finish(unit, "done", { changes: { ...NO_CHANGES, destroy: destroyed } });
  };

  /**
   * An EC2 stack planned while its IAM stack is, when the role is already in
   * place. If the IAM stack has no changes, neither the role nor the outputs
   * this stack reads will change, so that plan stands (`kept(true)`);
   * otherwise it is thrown away and the stack planned again after its IAM
   * stack is applied. Its lines are held back until it is kept: a stack
   * whose early plan is thrown away never says it started.
   */
  const planEarly = (unit: StackUnit, args: readonly string[], file?: string) => {
    const since = Date.now();
    const running = init(unit, true).then((failedInit) =>
      failedInit ? undefined : tf(unit, ["plan", "-input=false", "-detailed-exitcode", ...args], false, false),
    );
    return {
      kept: async (stands: boolean): Promise<PlanRun | undefined> => {
        const run = await running;
        if (!run) return undefined;
        if (!stands || isAssumeRoleNotReady(run.stdout + run.stderr)) {
          if (file) deps.removePlan(file);
          return undefined;
        }
        startedAt.set(unit.name, since);
        deps.log(`${unit.name}: ${command} started (planned alongside ${iamOf(unit)}, which has no changes)`);
        deps.echo(unit, run);
        return { ...run, attempts: 1, waited: 0 };
      },
    };
  };

  /** The IAM stack of an EC2 stack, and whether it is selected in this run. */
  const iamOf = (unit: StackUnit) => unit.target.iamStackName;
  const ec2Of = (unit: StackUnit) => unit.target.ec2StackName;
  const selected = (stack: string) => byName.has(stack);
  const deployed = async (stack: string) => (await deps.state(stack)) !== undefined;
  const holds = async (stack: string) => (await deps.state(stack))?.resources ?? 0;
  const settled = (o: StackOutcome) => o.status === "done" || o.status === "unchanged";
  /** Deferred: what it will create is read from the synthesized stack when it holds nothing yet. */
  const deferred = async (unit: StackUnit, why: string) =>
    finish(unit, "deferred", {
      detail: why,
      ...((await deployed(unit.name)) ? {} : { changes: { ...NO_CHANGES, add: declaredResources(unit.synthesized) } }),
    });

  /** A retired destination is only ever destroyed. */
  const retired = (unit: StackUnit) =>
    finish(unit, "skipped", { detail: `${unit.target.name} is retired: not deployed (npm run destroy -- ${unit.target.name} takes it down)` });

  const deploy = async (unit: StackUnit): Promise<StackOutcome> => {
    if (unit.target.retired) return retired(unit);
    if (unit.kind === "ec2") {
      const iam = iamOf(unit);
      if (selected(iam)) {
        // init needs no role: it runs while the IAM stack is planned and applied, off the critical path; so does the
        // plan, when the role is already there.
        const file = deps.workPlanFile(unit);
        const early = (await deployed(iam)) ? planEarly(unit, [`-out=${file}`], file) : undefined;
        const initializing = init(unit, true);
        const upstream = await outcome(iam);
        const failedInit = await initializing;
        const kept = await early?.kept(upstream.status === "unchanged");
        if (!settled(upstream)) return finish(unit, "skipped", { detail: `${iam} did not deploy` });
        if (failedInit) return finish(unit, "failed", { detail: failedInit });
        if (kept) return planned(unit, file, false, kept);
      } else if (!(await deployed(iam)))
        return finish(unit, "refused", {
          detail: `${iam} is not deployed, so the role it assumes does not exist. Deploy both: npm run deploy -- ${unit.target.name}`,
        });
    }
    return change(unit, false);
  };

  /**
   * plan and diff: plan every stack. An EC2 stack whose role is not in place
   * yet is deferred: for `plan`, also one whose IAM stack has changes, since
   * its plan may change once they are applied; `diff` plans it whenever the
   * role exists, so that its own drift is never hidden behind its IAM stack's.
   */
  const plan = async (unit: StackUnit): Promise<StackOutcome> => {
    const save = command === "plan";
    // plan shows what deploy would do, and deploy leaves a retired destination alone; diff still checks it for drift.
    if (save && unit.target.retired) return retired(unit);
    const file = deps.planFile(unit.name);
    const args = save ? [`-out=${file}`] : ["-lock=false"];
    let kept: PlanRun | undefined;
    if (unit.kind === "ec2") {
      const iam = iamOf(unit);
      const early = selected(iam) && (await deployed(iam)) ? planEarly(unit, args, save ? file : undefined) : undefined;
      const upstream = selected(iam) ? await outcome(iam) : undefined;
      kept = await early?.kept(upstream?.status === "unchanged" || (!save && upstream?.status === "planned"));
      if (upstream && upstream.status !== "planned" && !settled(upstream)) return finish(unit, "skipped", { detail: `${iam} could not be planned` });
      if (!(await deployed(iam))) return deferred(unit, `${iam} is not deployed yet, so there is no role to plan with; planned once it is applied`);
      if (save && upstream?.status === "planned")
        return deferred(unit, `${iam} has changes to apply first; planned once it is applied (npm run apply)`);
    }
    const failedInit = await init(unit);
    if (failedInit) return finish(unit, "failed", { detail: failedInit });
    const run = kept ?? (await planStack(unit, args));
    if (run.code === 0) {
      if (save) deps.removePlan(file);
      return finish(unit, "unchanged");
    }
    if (run.code !== 2) return finish(unit, "failed", { detail: planFailure(unit, run) });
    if (!save) return finish(unit, "planned", { changes: planChangesFromText(run.stdout) });
    const summary = await summaryOf(unit, file);
    if (typeof summary === "string") return finish(unit, "failed", { detail: summary });
    const verdict = await deps.gate(unit, summary.plan);
    verdict.warnings.forEach((w) => deps.log(`${unit.name}: policy warning: ${w}`));
    verdict.blocking.forEach((b) => deps.error(`${unit.name}: policy: ${b} (apply will refuse this plan)`));
    review(unit, summary.changes, "plan:").forEach((line) => deps.log(line));
    return finish(unit, "planned", { changes: summary.changes });
  };

  /** apply: exactly the saved plans; deferred stacks are planned once their IAM stack is applied. */
  const apply = async (unit: StackUnit): Promise<StackOutcome> => {
    if (unit.target.retired) return retired(unit);
    const saved = deps.savedPlans?.stacks[unit.name];
    if (!saved) return finish(unit, "refused", { detail: `no saved plan: run npm run plan -- ${unit.name} first` });
    if (saved.status === "unchanged") return finish(unit, "unchanged", { detail: "its plan had no changes" });
    if (saved.status === "deferred") {
      const iam = iamOf(unit);
      if (selected(iam) && !settled(await outcome(iam))) return finish(unit, "skipped", { detail: `${iam} was not applied` });
      if (!(await deployed(iam))) return finish(unit, "refused", { detail: `${iam} is not deployed: apply its plan first` });
      return change(unit, false);
    }
    if (saved.status !== "planned") return finish(unit, "refused", { detail: `its plan ${saved.status}: run npm run plan -- ${unit.name} again` });
    const failedInit = await init(unit);
    if (failedInit) return finish(unit, "failed", { detail: failedInit });
    return applyPlan(unit, deps.planFile(unit.name), false, "", saved.changes);
  };

  /** destroy: the EC2 stack first (it needs the role), then its IAM stack. */
  const destroy = async (unit: StackUnit): Promise<StackOutcome> => {
    if (unit.kind === "iam") {
      const ec2 = ec2Of(unit);
      if (selected(ec2)) {
        if (!settled(await outcome(ec2))) return finish(unit, "skipped", { detail: `${ec2} was not destroyed, and it needs the role` });
      } else {
        const left = await holds(ec2);
        if (left > 0)
          return finish(unit, "refused", {
            detail: `${ec2} still holds ${left} resource(s) and needs the role to manage them. Destroy it first: npm run destroy -- ${ec2} (or npm run destroy -- ${unit.target.name} for both)`,
          });
      }
    }
    if ((await holds(unit.name)) === 0) return finish(unit, "unchanged", { detail: "not deployed: nothing to destroy" });
    return change(unit, true);
  };

  const output = async (unit: StackUnit): Promise<StackOutcome> => {
    if (!(await deployed(unit.name))) return finish(unit, "skipped", { detail: "not deployed" });
    const failedInit = await init(unit);
    if (failedInit) return finish(unit, "failed", { detail: failedInit });
    const run = await tf(unit, ["output", "-json"], false);
    if (run.code !== 0) return finish(unit, "failed", { detail: `terraform output exited ${run.code}: ${run.stderr.trim()}` });
    // `output -json` prints sensitive values in clear: they are shown as Terraform's own listing shows them.
    for (const [name, { value, sensitive }] of Object.entries(
      JSON.parse(run.stdout || "{}") as Record<string, { value: unknown; sensitive?: boolean }>,
    ))
      deps.log(`${unit.name}  ${name} = ${sensitive ? "<sensitive>" : typeof value === "string" ? value : JSON.stringify(value)}`);
    return finish(unit, "done");
  };

  const tasks: Record<WorkflowCommand, (unit: StackUnit) => Promise<StackOutcome>> = {
    deploy,
    plan,
    diff: plan,
    apply,
    destroy,
    output,
  };
  /** Each stack's outcome, run once: a stack that needs another's awaits it, so the stacks run as a graph. */
  function outcome(stack: string): Promise<StackOutcome> {
    let running = memo.get(stack);
    if (!running) {
      const unit = byName.get(stack);
      if (!unit) throw new Error(`${stack} is not selected`);
      running = deps.interrupted() ? Promise.resolve(finish(unit, "skipped", { detail: "interrupted" })) : tasks[command](unit);
      memo.set(stack, running);
    }
    return running;
  }

  await Promise.all(units.map((u) => outcome(u.name)));
  // In the order the stacks were selected, whatever order they finished in.
  return units.map((u) => outcomes.find((o) => o.stack === u.name) as StackOutcome);
}

/**
 * diff plans without a plan file (so no `show -json`, which would start the
 * provider once more): the addresses come from the headings Terraform
 * prints above each planned resource.
 */
export function planChangesFromText(stdout: string): PlanChanges {
  const addresses = (verb: string) => [...stdout.matchAll(new RegExp(`^\\s*# (\\S+) (?:${verb})`, "gm"))].map((m) => m[1]);
  const replace = addresses("must be replaced|will be replaced");
  return {
    add: [...addresses("will be created"), ...replace],
    change: addresses("will be updated in-place"),
    destroy: [...addresses("will be destroyed"), ...replace],
    replace,
  };
}

/** The closing line: how many stacks ended each way. */
export function countLine(command: WorkflowCommand, outcomes: readonly StackOutcome[], seconds: number): string {
  const count = (status: StackStatus) => outcomes.filter((o) => o.status === status).length;
  const planning = command === "plan" || command === "diff";
  const parts = [
    planning ? `${count("planned")} with changes` : `${count("done")} ${PAST[command]}`,
    `${count("unchanged")} unchanged`,
    `${count("deferred")} deferred`,
    `${count("failed")} failed`,
    `${count("refused")} refused`,
    `${count("skipped")} skipped`,
  ];
  return `${command}: ${parts.join(", ")} in ${seconds.toFixed(1)} s`;
}

/** The exit code, as `terraform plan -detailed-exitcode` gives it: 1 on any failure; for plan and diff, 2 when anything would change. */
export function exitCode(command: WorkflowCommand, outcomes: readonly StackOutcome[]): number {
  if (outcomes.some((o) => o.status === "failed" || o.status === "refused")) return 1;
  if ((command === "plan" || command === "diff") && outcomes.some((o) => o.status === "planned" || o.status === "deferred")) return 2;
  return 0;
}
