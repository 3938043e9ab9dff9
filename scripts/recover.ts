import { parseArgs } from "node:util";
import { relative } from "node:path";
import { synthesizeApp } from "../app";
import { loadConfig } from "../lib/config";
import { resolveTargets, selectStacks } from "../lib/targets";
import { acquireWorkflowLock } from "../tools/operations/lock";
import { pendingRecovery, pushErroredState } from "../tools/operations/recovery";
import { stackUnits } from "../tools/operations/stack-graph";
import { WorkflowError } from "../tools/operations/workflow";
import { needsInit, recordInit } from "../tools/terraform/init";
import { checkProviders, findProviders, ProvidersUnavailableError } from "../tools/terraform/providers";
import { NO_COLOR_ARGS, runTerraform } from "../tools/terraform/run";
import { runScript, UsageError } from "./entry";

const OUTDIR = "cdktf.out";
const USAGE = "usage: npm run recover -- <stack>   (the stack whose state Terraform could not save, e.g. destination-ec2)";

/**
 * `npm run recover -- <stack>`: pushes back the state Terraform could not
 * save after an apply (kept in recovery/ by the workflow, see
 * tools/operations/recovery.ts), so that the stack's backend knows again
 * everything AWS holds; every workflow run refuses the stack until then.
 */
runScript(async () => {
  let stack: string;
  try {
    const { positionals } = parseArgs({ args: process.argv.slice(2), options: {}, strict: true, allowPositionals: true });
    if (positionals.length !== 1) throw new Error(`expected one stack, got ${positionals.length}`);
    [stack] = positionals;
  } catch (error) {
    throw new UsageError((error as Error).message, USAGE);
  }
  const config = loadConfig();
  const targets = resolveTargets(config);
  const known = targets.flatMap((t) => [t.iamStackName, t.ec2StackName]);
  if (!known.includes(stack)) throw new UsageError(`no stack ${stack} in the config; its stacks: ${known.join(", ")}`, USAGE);
  const providers = findProviders();
  await checkProviders(providers);
  const release = acquireWorkflowLock(`${OUTDIR}.lock`, "recover", console.log);
  try {
    synthesizeApp(config, OUTDIR);
    const [unit] = stackUnits(OUTDIR, selectStacks(targets, [stack])).filter((u) => u.name === stack);
    const file = pendingRecovery(unit.name, unit.dir);
    if (!file) {
      console.log(`${stack}: nothing to recover (no unsaved state in recovery/); its backend has its state.`);
      return 0;
    }
    const env = { ...providers.env, ...NO_COLOR_ARGS };
    const terraform = (args: readonly string[]) =>
      runTerraform(args, {
        cwd: unit.dir,
        env,
        onLine: (line, from) => line.trim() && (from === "stderr" ? console.error : console.log)(`${stack}  ${line}`),
      });
    if (needsInit(unit.dir, env)) {
      const init = await terraform(["init", "-input=false"]);
      if (init.code !== 0) throw new WorkflowError(`${stack}: terraform init exited ${init.code} (the lines above say why); nothing was pushed.`);
      recordInit(unit.dir, env);
    }
    console.log(`${stack}: pushing ${relative(process.cwd(), file)} to its backend (terraform state push)`);
    const result = await pushErroredState(file, terraform);
    if (!result.pushed)
      throw new WorkflowError(
        `${stack}: Terraform refused the push: ${result.reason}\nIt refuses a state of another lineage, or older than the backend's: if a run planned or applied over the lost state since, compare the two (terraform state pull in ${relative(process.cwd(), unit.dir)}) before forcing anything. The file is still in recovery/.`,
      );
    console.log(
      `${stack}: recovered; its backend holds the state again (the file is kept as ${relative(process.cwd(), result.keptAs)}). Check that it matches AWS: npm run diff -- ${stack}`,
    );
    return 0;
  } finally {
    release();
  }
}, [ProvidersUnavailableError]);
