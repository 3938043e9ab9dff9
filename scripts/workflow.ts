import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { synthesizeApp, synthSummary } from "../app";
import { loadConfig } from "../lib/config";
import { resolveTargets, selectStacks } from "../lib/targets";
import { askOnTerminal } from "../tools/operations/approval";
import { parseWorkflowArgs } from "../tools/operations/args";
import { expectedIdentities, identityProblems } from "../tools/operations/identity";
import { acquireWorkflowLock } from "../tools/operations/lock";
import { keepErroredState, pendingRecovery } from "../tools/operations/recovery";
import { reportMarkdown, reportRows, reportTable } from "../tools/operations/report";
import { stackUnits, type StackUnit } from "../tools/operations/stack-graph";
import { stateCheckWarnings, stateReader } from "../tools/operations/state";
import { CHANGING_COMMANDS, countLine, DEFAULT_RETRY, exitCode, runWorkflow, WorkflowError, type SavedPlans } from "../tools/operations/workflow";
import { gatePlan, STATIC_RULES } from "../tools/policy";
import { needsInit, recordInit } from "../tools/terraform/init";
import { checkProviders, findProviders, ProvidersUnavailableError } from "../tools/terraform/providers";
import { interruptedBy, NO_COLOR_ARGS, passInterruptsToTerraform, runTerraform } from "../tools/terraform/run";
import { runScript } from "./entry";

const OUTDIR = "cdktf.out";
const PLANS = "plans";

/** `npm run <command> -- [patterns] [flags]`: see tools/operations/workflow.ts. */
runScript(async () => {
  const started = Date.now();
  const args = parseWorkflowArgs(process.argv.slice(2));
  // Without a terminal nothing can be asked: say so before anything runs.
  if (CHANGING_COMMANDS.includes(args.command) && !args.autoApprove && !process.stdin.isTTY)
    throw new WorkflowError(
      `npm run ${args.command} asks for approval of each stack's plan on a terminal, and there is none here. In CI, add --auto-approve (npm run ${args.command} -- --auto-approve); nothing was run.`,
    );
  const out = (line: string) => (args.json ? console.error(line) : console.log(line));
  const err = (line: string) => console.error(line);
  const config = loadConfig();
  const selections = selectStacks(resolveTargets(config), args.patterns);
  const providers = findProviders();
  await checkProviders(providers);
  const release = acquireWorkflowLock(`${OUTDIR}.lock`, args.command, out);
  try {
    const synth = synthesizeApp(config, OUTDIR);
    synthSummary(synth, OUTDIR).forEach(out);
    out(`Terraform providers: ${providers.description}`);
    const env = { ...providers.env, ...NO_COLOR_ARGS };
    const units = stackUnits(OUTDIR, selections);
    if (args.command !== "output") {
      const active = args.command === "deploy" ? selections.filter((s) => !s.target.retired) : selections;
      const problems = await identityProblems(expectedIdentities(active));
      if (problems.length > 0)
        throw new WorkflowError(`The credentials are not right; nothing was run:\n${problems.map((p) => `- ${p}`).join("\n")}`);
    }
    if (args.command === "deploy" || args.command === "destroy")
      (await stateCheckWarnings(config.backend, synth.stacks, config.source.profile)).forEach((warning) => out(`Warning: ${warning}`));

    const planFile = (stack: string) => resolve(PLANS, `${stack}.tfplan`);
    const index = join(PLANS, "plans.json");
    if (args.command === "apply" && !existsSync(index))
      throw new WorkflowError(`No saved plans (${index} is missing): run npm run plan first, review it, then apply.`);
    // A plan replaces the saved plans of the stacks it plans, and keeps the others'.
    const savedPlans: SavedPlans | undefined = existsSync(index) ? (JSON.parse(readFileSync(index, "utf8")) as SavedPlans) : undefined;
    if (args.command === "plan") units.forEach((u) => rmSync(planFile(u.name), { force: true }));
    mkdirSync(PLANS, { recursive: true });

    const state = stateReader(config.backend, config.source.profile);

    let interrupted = false;
    passInterruptsToTerraform((signal) => {
      interrupted = true;
      err(`${signal}: Terraform stops at a safe point and releases its state lock; no further stack starts.`);
    });
    /** Terraform's lines, each labelled with its stack, as they come. */
    const labelled = (unit: StackUnit) => (line: string, from: "stdout" | "stderr") =>
      line.trim() !== "" && (from === "stderr" ? err : out)(`${unit.name}  ${line}`);
    const outcomes = await runWorkflow(
      args.command,
      units,
      {
        terraform: (unit: StackUnit, tfArgs, stream) => runTerraform(tfArgs, { cwd: unit.dir, env, onLine: stream ? labelled(unit) : undefined }),
        echo: (unit, run) => {
          const show = labelled(unit);
          run.stdout.split("\n").forEach((line) => show(line, "stdout"));
          run.stderr.split("\n").forEach((line) => show(line, "stderr"));
        },
        needsInit: (unit) => needsInit(unit.dir, env),
        initialized: (unit) => recordInit(unit.dir, env),
        state,
        gate: async (unit, plan) => {
          const result = await gatePlan(STATIC_RULES, plan, unit.synthesized);
          const rule = (id: string) => STATIC_RULES.find((r) => r.id === id);
          return {
            blocking: result.blocking.map((f) => `${f.rule} (${rule(f.rule)?.title}): ${f.address} ${f.message}. ${f.explanation}`),
            warnings: result.warnings.map((f) => `${f.rule} (${rule(f.rule)?.title}): ${f.address} ${f.message}`),
          };
        },
        approve: askOnTerminal,
        planFile,
        workPlanFile: (unit) => join(unit.dir, ".terraform", `${args.command}.tfplan`),
        savedPlans,
        removePlan: (file) => rmSync(file, { force: true }),
        sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
        log: out,
        error: err,
        interrupted: () => interrupted,
        keepErroredState: (unit) => keepErroredState(unit.name, unit.dir),
        pendingRecovery: (unit) => pendingRecovery(unit.name, unit.dir),
      },
      { autoApprove: args.autoApprove, concurrency: args.concurrency, retry: { ...DEFAULT_RETRY, maxTotalDelayMs: args.assumeRoleWaitMs } },
    );

    if (args.command === "plan")
      writeFileSync(
        index,
        JSON.stringify({ stacks: Object.fromEntries(outcomes.map((o) => [o.stack, { status: o.status, changes: o.changes }])) }, null, 2),
      );
    if (args.command === "plan" || args.command === "diff") {
      const rows = reportRows(units, outcomes);
      const markdown = reportMarkdown(args.command, rows);
      writeFileSync(join(PLANS, `${args.command === "plan" ? "plan" : "drift"}.md`), markdown);
      if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, markdown);
      if (args.json) console.log(JSON.stringify({ command: args.command, exitCode: exitCode(args.command, outcomes), stacks: rows }, null, 2));
      else out(`\n${reportTable(rows)}\n`);
    }
    out(countLine(args.command, outcomes, (Date.now() - started) / 1000));
    return interruptedBy() ? 130 : exitCode(args.command, outcomes);
  } finally {
    release();
  }
}, [ProvidersUnavailableError]);
