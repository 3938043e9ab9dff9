import { NO_CHANGES, type PlanChanges } from "./plan-summary";
import { declaredResources, type StackUnit } from "./stack-graph";
import type { PlanRun, StackPath, StackRun } from "./stack-run";
import { planChangesFromText, type StackOutcome, type WorkflowCommand } from "./workflow-model";

/**
 * The deploy policy: the path each command takes for one stack through the
 * steps of a run (init, plan, review, gate, approve, apply; stack-run.ts).
 * Every change goes through a saved plan, the policy gate and an approval,
 * and `apply` applies that plan file and nothing else; an EC2 stack waits
 * for its IAM stack, since it assumes the role that stack creates.
 */

/** A stack that ended well enough for the stacks after it to go on. */
const settled = (o: StackOutcome) => o.status === "done" || o.status === "unchanged";

/**
 * After a plan with changes: review, gate, approve, apply. A destroy plan
 * has nothing for the gate to judge, so its review comes from the plan's own
 * text (`planText`) and the provider is not started once more for `show
 * -json`; apply of a reviewed plan knows its changes already (`known`).
 */
async function gateApproveApply(
  run: StackRun,
  unit: StackUnit,
  file: string,
  destroy: boolean,
  planText = "",
  known?: PlanChanges,
): Promise<StackOutcome> {
  let changes = known ?? planChangesFromText(planText);
  if (!destroy) {
    const reviewed = await run.review(unit, file);
    if (typeof reviewed === "string") return run.finish(unit, "failed", { detail: reviewed });
    changes = known ?? reviewed.changes;
    const verdict = await run.gate(unit, reviewed.plan);
    if (verdict.blocking.length > 0) {
      verdict.blocking.forEach((b) => run.deps.error(`${unit.name}: policy: ${b}`));
      return run.finish(unit, "refused", {
        detail: `the policy gate stopped the apply (${verdict.blocking.length} blocking finding(s) above); nothing was changed`,
        changes,
      });
    }
  }
  if (!(await run.approve(unit, run.reviewLines(unit, changes, destroy ? "destroy" : "apply"))))
    return run.finish(unit, "skipped", { detail: "not approved; nothing was changed", changes });
  return run.apply(unit, file, changes);
}

/** After `plan -out`: nothing to do, a failure, or on to the gate, approval and apply. */
function afterPlan(run: StackRun, unit: StackUnit, file: string, destroy: boolean, planned: PlanRun): Promise<StackOutcome> | StackOutcome {
  if (planned.code === 0) {
    run.deps.removePlan(file);
    return run.finish(unit, "unchanged", { detail: destroy ? "nothing to destroy" : "no changes" });
  }
  if (planned.code !== 2) return run.finish(unit, "failed", { detail: run.planFailure(unit, planned) });
  return gateApproveApply(run, unit, file, destroy, planned.stdout);
}

/** Init, plan, gate, approve, apply: deploy's path for one stack, apply's for a deferred one, destroy's. */
async function change(run: StackRun, unit: StackUnit, destroy: boolean): Promise<StackOutcome> {
  const failedInit = await run.init(unit);
  if (failedInit) return run.finish(unit, "failed", { detail: failedInit });
  if (destroy && run.options.autoApprove) return run.destroyAtOnce(unit);
  const file = run.deps.workPlanFile(unit);
  return afterPlan(run, unit, file, destroy, await run.plan(unit, [`-out=${file}`, ...(destroy ? ["-destroy"] : [])]));
}

/** Deferred: what it will create is read from the synthesized stack when it holds nothing yet. */
async function deferred(run: StackRun, unit: StackUnit, why: string): Promise<StackOutcome> {
  return run.finish(unit, "deferred", {
    detail: why,
    ...((await run.deployed(unit.name)) ? {} : { changes: { ...NO_CHANGES, add: declaredResources(unit.synthesized) } }),
  });
}

/** A retired destination is only ever destroyed. */
function retired(run: StackRun, unit: StackUnit): StackOutcome {
  return run.finish(unit, "skipped", {
    detail: `${unit.target.name} is retired: not deployed (npm run destroy -- ${unit.target.name} takes it down)`,
  });
}

/**
 * deploy: plan, gate, approve, apply each stack. An EC2 stack waits for its
 * IAM stack when both are selected; meanwhile its init runs, and so does its
 * plan when the role is already there (kept if the IAM stack had no changes).
 */
async function deploy(run: StackRun, unit: StackUnit): Promise<StackOutcome> {
  if (unit.target.retired) return retired(run, unit);
  if (unit.kind === "ec2") {
    const iam = unit.target.iamStackName;
    if (run.selected(iam)) {
      const file = run.deps.workPlanFile(unit);
      const early = (await run.deployed(iam)) ? run.planEarly(unit, [`-out=${file}`], file) : undefined;
      const initializing = run.init(unit, true);
      const upstream = await run.outcome(iam);
      const failedInit = await initializing;
      const kept = await early?.kept(upstream.status === "unchanged");
      if (!settled(upstream)) return run.finish(unit, "skipped", { detail: `${iam} did not deploy` });
      if (failedInit) return run.finish(unit, "failed", { detail: failedInit });
      if (kept) return afterPlan(run, unit, file, false, kept);
    } else if (!(await run.deployed(iam)))
      return run.finish(unit, "refused", {
        detail: `${iam} is not deployed, so the role it assumes does not exist. Deploy both: npm run deploy -- ${unit.target.name}`,
      });
  }
  return change(run, unit, false);
}

/**
 * plan and diff: plan every stack; `plan` saves each plan for `apply` and
 * runs the gate on it. An EC2 stack whose role is not in place yet is
 * deferred: for `plan`, also one whose IAM stack has changes, since its plan
 * may change once they are applied; `diff` plans it whenever the role
 * exists, so that its own drift is never hidden behind its IAM stack's.
 */
async function plan(run: StackRun, unit: StackUnit): Promise<StackOutcome> {
  const save = run.command === "plan";
  // plan shows what deploy would do, and deploy leaves a retired destination alone; diff still checks it for drift.
  if (save && unit.target.retired) return retired(run, unit);
  const file = run.deps.planFile(unit.name);
  const args = save ? [`-out=${file}`] : ["-lock=false"];
  let kept: PlanRun | undefined;
  if (unit.kind === "ec2") {
    const iam = unit.target.iamStackName;
    const early = run.selected(iam) && (await run.deployed(iam)) ? run.planEarly(unit, args, save ? file : undefined) : undefined;
    const upstream = run.selected(iam) ? await run.outcome(iam) : undefined;
    kept = await early?.kept(upstream?.status === "unchanged" || (!save && upstream?.status === "planned"));
    if (upstream && upstream.status !== "planned" && !settled(upstream))
      return run.finish(unit, "skipped", { detail: `${iam} could not be planned` });
    if (!(await run.deployed(iam)))
      return deferred(run, unit, `${iam} is not deployed yet, so there is no role to plan with; planned once it is applied`);
    if (save && upstream?.status === "planned")
      return deferred(run, unit, `${iam} has changes to apply first; planned once it is applied (npm run apply)`);
  }
  const failedInit = await run.init(unit);
  if (failedInit) return run.finish(unit, "failed", { detail: failedInit });
  const planned = kept ?? (await run.plan(unit, args));
  if (planned.code === 0) {
    if (save) run.deps.removePlan(file);
    return run.finish(unit, "unchanged");
  }
  if (planned.code !== 2) return run.finish(unit, "failed", { detail: run.planFailure(unit, planned) });
  if (!save) return run.finish(unit, "planned", { changes: planChangesFromText(planned.stdout) });
  const reviewed = await run.review(unit, file);
  if (typeof reviewed === "string") return run.finish(unit, "failed", { detail: reviewed });
  const verdict = await run.gate(unit, reviewed.plan);
  verdict.blocking.forEach((b) => run.deps.error(`${unit.name}: policy: ${b} (apply will refuse this plan)`));
  run.reviewLines(unit, reviewed.changes, "plan:").forEach((line) => run.deps.log(line));
  return run.finish(unit, "planned", { changes: reviewed.changes });
}

/** apply: exactly the saved plans; deferred stacks are planned once their IAM stack is applied. */
async function apply(run: StackRun, unit: StackUnit): Promise<StackOutcome> {
  if (unit.target.retired) return retired(run, unit);
  const saved = run.deps.savedPlans?.stacks[unit.name];
  if (!saved) return run.finish(unit, "refused", { detail: `no saved plan: run npm run plan -- ${unit.name} first` });
  if (saved.status === "unchanged") return run.finish(unit, "unchanged", { detail: "its plan had no changes" });
  if (saved.status === "deferred") {
    const iam = unit.target.iamStackName;
    if (run.selected(iam) && !settled(await run.outcome(iam))) return run.finish(unit, "skipped", { detail: `${iam} was not applied` });
    if (!(await run.deployed(iam))) return run.finish(unit, "refused", { detail: `${iam} is not deployed: apply its plan first` });
    return change(run, unit, false);
  }
  if (saved.status !== "planned") return run.finish(unit, "refused", { detail: `its plan ${saved.status}: run npm run plan -- ${unit.name} again` });
  const failedInit = await run.init(unit);
  if (failedInit) return run.finish(unit, "failed", { detail: failedInit });
  return gateApproveApply(run, unit, run.deps.planFile(unit.name), false, "", saved.changes);
}

/** destroy: the EC2 stack first (it needs the role), then its IAM stack. */
async function destroy(run: StackRun, unit: StackUnit): Promise<StackOutcome> {
  if (unit.kind === "iam") {
    const ec2 = unit.target.ec2StackName;
    if (run.selected(ec2)) {
      if (!settled(await run.outcome(ec2))) return run.finish(unit, "skipped", { detail: `${ec2} was not destroyed, and it needs the role` });
    } else {
      const left = await run.holds(ec2);
      if (left > 0)
        return run.finish(unit, "refused", {
          detail: `${ec2} still holds ${left} resource(s) and needs the role to manage them. Destroy it first: npm run destroy -- ${ec2} (or npm run destroy -- ${unit.target.name} for both)`,
        });
    }
  }
  if ((await run.holds(unit.name)) === 0) return run.finish(unit, "unchanged", { detail: "not deployed: nothing to destroy" });
  return change(run, unit, true);
}

/** output: each output of a deployed stack, sensitive values shown as Terraform's own listing shows them. */
async function output(run: StackRun, unit: StackUnit): Promise<StackOutcome> {
  if (!(await run.deployed(unit.name))) return run.finish(unit, "skipped", { detail: "not deployed" });
  const failedInit = await run.init(unit);
  if (failedInit) return run.finish(unit, "failed", { detail: failedInit });
  const read = await run.terraform(unit, ["output", "-json"], false);
  if (read.code !== 0) return run.finish(unit, "failed", { detail: `terraform output exited ${read.code}: ${read.stderr.trim()}` });
  // `output -json` prints sensitive values in clear.
  for (const [name, { value, sensitive }] of Object.entries(
    JSON.parse(read.stdout || "{}") as Record<string, { value: unknown; sensitive?: boolean }>,
  ))
    run.deps.log(`${unit.name}  ${name} = ${sensitive ? "<sensitive>" : typeof value === "string" ? value : JSON.stringify(value)}`);
  return run.finish(unit, "done");
}

/** Each command's path for one stack. */
export const STACK_PATHS: Readonly<Record<WorkflowCommand, StackPath>> = { deploy, plan, diff: plan, apply, destroy, output };
