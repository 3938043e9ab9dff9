import { STACK_PATHS } from "./stack-paths";
import { StackRun } from "./stack-run";
import type { StackUnit } from "./stack-graph";
import { PAST, type StackOutcome, type StackStatus, type WorkflowCommand, type WorkflowDeps, type WorkflowOptions } from "./workflow-model";

export * from "./workflow-model";

/**
 * The deploy policy, on Terraform itself: the stacks run as a graph (a
 * stack starts the moment the stacks it depends on are done, at most
 * `concurrency` Terraform processes at once), every change goes through a
 * saved plan (`plan -out -detailed-exitcode`), the policy gate and an
 * approval, and `apply` applies that plan file and nothing else. Each
 * command's path for one stack is in stack-paths.ts; the steps it is made of
 * (init, plan, review, gate, approve, apply) in stack-run.ts.
 */

/**
 * Runs `command` over the stacks and reports each one. Never throws for a
 * stack that fails: the other destinations go on, and the outcomes say what
 * happened.
 */
export function runWorkflow(
  command: WorkflowCommand,
  units: readonly StackUnit[],
  deps: WorkflowDeps,
  options: WorkflowOptions,
): Promise<StackOutcome[]> {
  return new StackRun(command, units, deps, options, STACK_PATHS[command]).all();
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
