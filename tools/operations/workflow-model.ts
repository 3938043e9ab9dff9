import type { StackState } from "../../lib/state";
import type { TerraformRun } from "../terraform/run";
import type { Json, StackUnit } from "./stack-graph";
import type { PlanChanges } from "./plan-summary";

export type { StackState };

/**
 * The workflow's vocabulary: its commands, how a stack can end, what it
 * needs from outside (Terraform, state, the gate, the terminal) and its
 * options. The steps are in stack-run.ts, the paths each command takes
 * through them in stack-paths.ts, and the run in workflow.ts.
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
  /**
   * Unsaved state (tools/operations/recovery.ts): `keepErroredState` moves the `errored.tfstate` a failed apply
   * left in the stack's folder to safety and says where; `pendingRecovery` says where a stack's unsaved state
   * waits to be pushed back, if it does.
   */
  readonly keepErroredState: (unit: StackUnit) => string | undefined;
  readonly pendingRecovery: (unit: StackUnit) => string | undefined;
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

/** AWS's answer to credentials past their expiry: session credentials (IAM Identity Center's, a CI job's) expire mid-run. */
const CREDENTIALS_EXPIRED = /ExpiredToken|security token included in the request is expired/i;

/** Whether a Terraform command failed because the credentials it signed with expired. */
export function isCredentialsExpired(output: string): boolean {
  return CREDENTIALS_EXPIRED.test(output.replace(/\s+/g, " "));
}

/** Terraform wraps long diagnostics, so the output is read with its whitespace folded. */
export function isAssumeRoleNotReady(output: string): boolean {
  const folded = output.replace(/\s+/g, " ");
  return ASSUME_ROLE_NOT_READY.some((pattern) => pattern.test(folded));
}

/** What each command did to a stack, as its lines say it. */
export const PAST: Readonly<Record<WorkflowCommand, string>> = {
  deploy: "deployed",
  plan: "planned",
  apply: "applied",
  diff: "planned",
  destroy: "destroyed",
  output: "read",
};

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
