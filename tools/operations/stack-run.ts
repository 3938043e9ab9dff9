import type { TerraformRun } from "../terraform/run";
import { changeLines, countsLine, NO_CHANGES, summarizePlan, type PlanChanges, type PlanJson } from "./plan-summary";
import { adoptionNeeded, existingResources } from "./adoption";
import { recoveryNeeded } from "./recovery";
import type { Json, StackUnit } from "./stack-graph";
import {
  isAssumeRoleNotReady,
  isCredentialsExpired,
  PAST,
  type GateVerdict,
  type StackOutcome,
  type StackStatus,
  type WorkflowCommand,
  type WorkflowDeps,
  type WorkflowOptions,
} from "./workflow-model";

/** A `terraform plan` run, with the attempts it took while the role could not be assumed yet. */
export type PlanRun = TerraformRun & { readonly attempts: number; readonly waited: number };

/** What `show -json` of a saved plan gives the gate and the review. */
export interface ReviewedPlan {
  readonly plan: Json;
  readonly changes: PlanChanges;
}

/** Terraform's refusal to apply a plan whose state moved since it was made. */
const STALE_PLAN = /Saved plan is stale/i;

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

/** The path one command takes for one stack, through the steps of a run (stack-paths.ts). */
export type StackPath = (run: StackRun, unit: StackUnit) => Promise<StackOutcome>;

/**
 * One workflow command over the selected stacks: the graph (each stack's
 * outcome computed once; a stack that needs another awaits it), the slots
 * that bound Terraform processes, and the steps every stack's path is made
 * of: init, plan, review, gate, approve, apply. A step that ends the
 * stack's path returns its outcome through `finish`, which also says it.
 */
export class StackRun {
  private readonly byName: ReadonlyMap<string, StackUnit>;
  private readonly slots: Slots;
  private readonly prompts = new Turn();
  private readonly startedAt = new Map<string, number>();
  private readonly finished: StackOutcome[] = [];
  private readonly outcomes = new Map<string, Promise<StackOutcome>>();
  private readonly inits = new Map<string, Promise<string | undefined>>();

  constructor(
    readonly command: WorkflowCommand,
    private readonly units: readonly StackUnit[],
    readonly deps: WorkflowDeps,
    readonly options: WorkflowOptions,
    private readonly path: StackPath,
  ) {
    this.byName = new Map(units.map((u) => [u.name, u]));
    this.slots = new Slots(options.concurrency);
  }

  /** Every selected stack's outcome, in the order the stacks were selected, whatever order they finished in. */
  async all(): Promise<StackOutcome[]> {
    await Promise.all(this.units.map((u) => this.outcome(u.name)));
    return this.units.map((u) => this.finished.find((o) => o.stack === u.name) as StackOutcome);
  }

  /** A stack's outcome, run once. */
  outcome(stack: string): Promise<StackOutcome> {
    let running = this.outcomes.get(stack);
    if (!running) {
      const unit = this.byName.get(stack);
      if (!unit) throw new Error(`${stack} is not selected`);
      const unsaved = this.deps.pendingRecovery(unit);
      running = this.deps.interrupted()
        ? Promise.resolve(this.finish(unit, "skipped", { detail: "interrupted" }))
        : unsaved
          ? Promise.resolve(this.finish(unit, "refused", { detail: recoveryNeeded(unit.name, unsaved) }))
          : this.path(this, unit);
      this.outcomes.set(stack, running);
    }
    return running;
  }

  // What the run knows of other stacks.

  selected(stack: string): boolean {
    return this.byName.has(stack);
  }
  async deployed(stack: string): Promise<boolean> {
    return (await this.deps.state(stack)) !== undefined;
  }
  /** How many resources a stack's state holds. */
  async holds(stack: string): Promise<number> {
    return (await this.deps.state(stack))?.resources ?? 0;
  }

  /** Ends a stack's path with `status`, and says so: failures and refusals on stderr. */
  finish(unit: StackUnit, status: StackStatus, extra: { detail?: string; changes?: PlanChanges } = {}): StackOutcome {
    const since = this.startedAt.get(unit.name);
    const outcome: StackOutcome = { stack: unit.name, status, ...extra, seconds: since === undefined ? 0 : (Date.now() - since) / 1000 };
    this.finished.push(outcome);
    const why = extra.detail ? `: ${extra.detail}` : "";
    const took = `in ${outcome.seconds.toFixed(1)} s`;
    const { log, error } = this.deps;
    if (status === "failed" || status === "refused") error(`${unit.name}: ${status}${why}`);
    else if (status === "done") log(`${unit.name}: ${PAST[this.command]} ${took}`);
    else if (status === "unchanged") log(`${unit.name}: ${extra.detail ?? "no changes"}${since === undefined ? "" : ` (${took})`}`);
    else if (status === "planned") log(`${unit.name}: ${countsLine(extra.changes ?? NO_CHANGES)} (${took})`);
    else log(`${unit.name}: ${status}${why}`);
    return outcome;
  }

  /** Runs Terraform for a stack in a slot; the stack is said started when its first process really starts. */
  async terraform(unit: StackUnit, args: readonly string[], stream = true, announce = true): Promise<TerraformRun> {
    const release = await this.slots.take();
    try {
      if (this.deps.interrupted()) return { code: 130, stdout: "", stderr: "interrupted" };
      if (announce && !this.startedAt.has(unit.name)) this.started(unit);
      return await this.deps.terraform(unit, args, stream);
    } finally {
      release();
    }
  }

  private started(unit: StackUnit, since = Date.now(), why = ""): void {
    this.startedAt.set(unit.name, since);
    this.deps.log(`${unit.name}: ${this.command} started${why}`);
  }

  // The steps.

  /**
   * init: `terraform init` where the stack needs it, once per run; the reason
   * it failed, if it did. Ahead of time (`early`), it does not count as the
   * stack's start: a stack skipped after it never says it started.
   */
  init(unit: StackUnit, early = false): Promise<string | undefined> {
    const running =
      this.inits.get(unit.name) ??
      (async () => {
        if (!this.deps.needsInit(unit)) return undefined;
        const run = await this.terraform(unit, ["init", "-input=false"], true, !early);
        if (run.code !== 0) return `terraform init exited ${run.code} (the lines labelled ${unit.name} above say why)`;
        this.deps.initialized(unit);
        return undefined;
      })();
    this.inits.set(unit.name, running);
    return running;
  }

  /**
   * plan: `plan -detailed-exitcode` (0: no changes, 2: changes), with a
   * bounded retry while a new role cannot be assumed (EC2 stacks right after
   * their IAM stack).
   */
  async plan(unit: StackUnit, args: readonly string[]): Promise<PlanRun> {
    const { retry } = this.options;
    let waited = 0;
    let delay = retry.initialDelayMs;
    for (let attempt = 1; ; attempt++) {
      const run = await this.terraform(unit, ["plan", "-input=false", "-detailed-exitcode", ...args]);
      const output = run.stdout + run.stderr;
      // Expired credentials also leave the role "cannot be assumed", but no wait brings them back.
      const again = run.code === 1 && unit.kind === "ec2" && isAssumeRoleNotReady(output) && !isCredentialsExpired(output);
      if (!again || waited + delay > retry.maxTotalDelayMs || this.deps.interrupted()) return { ...run, attempts: attempt, waited };
      this.deps.log(`${unit.name}: the role cannot be assumed yet (IAM is eventually consistent); attempt ${attempt + 1} in ${delay / 1000} s`);
      await this.deps.sleep(delay);
      waited += delay;
      delay = Math.min(delay * 2, retry.maxDelayMs);
    }
  }

  /** Why a plan failed, in a line. */
  planFailure(unit: StackUnit, run: PlanRun): string {
    if (isCredentialsExpired(run.stdout + run.stderr)) return this.credentialsExpired(unit);
    return unit.kind === "ec2" && isAssumeRoleNotReady(run.stdout + run.stderr)
      ? `the role still cannot be assumed after ${run.attempts} attempts over ${run.waited / 1000} s; check the trust policy, the external ID and the source principal`
      : `terraform plan exited ${run.code} (the lines labelled ${unit.name} above say why)`;
  }

  /**
   * Why an apply failed: Terraform could not save the state (its unsaved state is moved to safety first), the
   * credentials expired, AWS already holds what it creates, or what Terraform printed.
   */
  private applyFailure(unit: StackUnit, run: TerraformRun, command: string): string {
    const kept = this.deps.keepErroredState(unit);
    if (kept) return `Terraform changed AWS but could not save the state. ${recoveryNeeded(unit.name, kept)}`;
    if (isCredentialsExpired(run.stdout + run.stderr)) return this.credentialsExpired(unit);
    const existing = existingResources(unit, run.stdout + run.stderr);
    if (existing.length > 0) return adoptionNeeded(unit, existing);
    return `${command} exited ${run.code} (the lines labelled ${unit.name} above say why)`;
  }

  /** What to do when the credentials a stack signs with expired during the run. */
  private credentialsExpired(unit: StackUnit): string {
    const { source, destination } = unit.target;
    const profiles = [...new Set([...(unit.kind === "iam" ? [destination.profile] : []), source.profile])];
    const named = profiles.map((p) => (p ? `profile ${p}` : "the default credentials"));
    const login = profiles.filter((p) => p !== undefined).map((p) => `aws sso login --profile ${p}`);
    return (
      `the AWS credentials expired during the run (ExpiredToken; ${named.join(" or ")}): renew them` +
      `${login.length ? ` (${login.join("; ")}, or new session credentials)` : ""} and run the same command again; what Terraform applied before is in the state`
    );
  }

  /**
   * An EC2 stack's plan made while its IAM stack is planned, when the role is
   * already in place. If the IAM stack has no changes, neither the role nor
   * the outputs this stack reads will change, so that plan stands
   * (`kept(true)`); otherwise it is thrown away and the stack planned again
   * after its IAM stack is applied. Its lines are held back until it is kept:
   * a stack whose early plan is thrown away never says it started.
   */
  planEarly(unit: StackUnit, args: readonly string[], file?: string): { kept: (stands: boolean) => Promise<PlanRun | undefined> } {
    const since = Date.now();
    const running = this.init(unit, true).then((failedInit) =>
      failedInit ? undefined : this.terraform(unit, ["plan", "-input=false", "-detailed-exitcode", ...args], false, false),
    );
    return {
      kept: async (stands) => {
        const run = await running;
        if (!run) return undefined;
        if (!stands || isAssumeRoleNotReady(run.stdout + run.stderr)) {
          if (file) this.deps.removePlan(file);
          return undefined;
        }
        this.started(unit, since, ` (planned alongside ${unit.target.iamStackName}, which has no changes)`);
        this.deps.echo(unit, run);
        return { ...run, attempts: 1, waited: 0 };
      },
    };
  }

  /** review: what a saved plan changes, from `show -json`, and the plan as the gate reads it; or why it could not be read. */
  async review(unit: StackUnit, file: string): Promise<ReviewedPlan | string> {
    const shown = await this.terraform(unit, ["show", "-json", file], false);
    if (shown.code !== 0) return `terraform show -json exited ${shown.code}: ${shown.stderr.trim()}`;
    const plan = JSON.parse(shown.stdout) as Json;
    return { plan, changes: summarizePlan(plan as PlanJson) };
  }

  /** The review's lines: the counts and the account, then one address a line. */
  reviewLines(unit: StackUnit, changes: PlanChanges, verb: string): string[] {
    return [
      `${unit.name}: ${verb} ${countsLine(changes)} in account ${unit.target.destination.accountId} (${unit.target.destination.region})`,
      ...changeLines(changes).map((line) => `${unit.name}    ${line}`),
    ];
  }

  /** gate: the policy's verdict on a plan; its warnings are said here, its blocking findings by the caller. */
  async gate(unit: StackUnit, plan: Json): Promise<GateVerdict> {
    const verdict = await this.deps.gate(unit, plan);
    verdict.warnings.forEach((w) => this.deps.log(`${unit.name}: policy warning: ${w}`));
    return verdict;
  }

  /** approve: yes with --auto-approve (the review is printed), else the person at the terminal, one stack at a time. */
  async approve(unit: StackUnit, lines: readonly string[]): Promise<boolean> {
    if (this.options.autoApprove) {
      lines.forEach((line) => this.deps.log(line));
      return true;
    }
    return this.prompts.run(() => this.deps.approve(unit.name, lines));
  }

  /** apply: exactly the plan file, which is then removed; a plan whose state moved since is refused by Terraform. */
  async apply(unit: StackUnit, file: string, changes: PlanChanges): Promise<StackOutcome> {
    const applied = await this.terraform(unit, ["apply", "-input=false", file]);
    this.deps.removePlan(file);
    if (applied.code === 0) return this.finish(unit, "done", { changes });
    if (STALE_PLAN.test(applied.stdout + applied.stderr))
      return this.finish(unit, "refused", { detail: "its state changed since the plan was made: plan again (npm run plan), review, apply", changes });
    return this.finish(unit, "failed", { detail: this.applyFailure(unit, applied, "terraform apply"), changes });
  }

  /**
   * An approved destroy without review: nobody reads its plan and the gate
   * judges nothing on a destroy, so a saved plan would only start the
   * provider once more. `apply -destroy` at once, as plain Terraform does.
   */
  async destroyAtOnce(unit: StackUnit): Promise<StackOutcome> {
    const run = await this.terraform(unit, ["apply", "-destroy", "-auto-approve", "-input=false"]);
    if (run.code !== 0) return this.finish(unit, "failed", { detail: this.applyFailure(unit, run, "terraform apply -destroy") });
    const destroyed = [...run.stdout.matchAll(/^(\S+): Destruction complete/gm)].map((m) => m[1]);
    const count = Number(/Resources: (\d+) destroyed/.exec(run.stdout)?.[1] ?? destroyed.length);
    return count === 0
      ? this.finish(unit, "unchanged", { detail: "nothing to destroy" })
      : this.finish(unit, "done", { changes: { ...NO_CHANGES, destroy: destroyed } });
  }
}
