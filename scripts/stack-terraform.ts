import { synthesizeApp } from "../app";
import { loadConfig } from "../lib/config";
import { resolveTargets, selectStacks } from "../lib/targets";
import { acquireWorkflowLock } from "../tools/operations/lock";
import { stackUnits, type StackUnit } from "../tools/operations/stack-graph";
import { WorkflowError } from "../tools/operations/workflow";
import { needsInit, recordInit } from "../tools/terraform/init";
import { checkProviders, findProviders } from "../tools/terraform/providers";
import { NO_COLOR_ARGS, runTerraform, type TerraformRun } from "../tools/terraform/run";
import { UsageError } from "./entry";

const OUTDIR = "cdktf.out";

/** One stack's Terraform, run in its synthesized folder with the workflow's environment, its lines labelled. */
export interface StackTerraform {
  readonly unit: StackUnit;
  readonly terraform: (args: readonly string[]) => Promise<TerraformRun>;
}

/**
 * Runs `body` on one stack as the maintenance commands (recover, import) need it: the config's stack, synthesized
 * afresh, under the workflow lock (no deploy can run meanwhile), initialized.
 * @throws UsageError for a stack the config does not have
 */
export async function withStackTerraform<T>(stack: string, command: string, usage: string, body: (stack: StackTerraform) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const targets = resolveTargets(config);
  const known = targets.flatMap((t) => [t.iamStackName, t.ec2StackName]);
  if (!known.includes(stack)) throw new UsageError(`no stack ${stack} in the config; its stacks: ${known.join(", ")}`, usage);
  const providers = findProviders();
  await checkProviders(providers);
  const release = acquireWorkflowLock(`${OUTDIR}.lock`, command, console.log);
  try {
    synthesizeApp(config, OUTDIR);
    const [unit] = stackUnits(OUTDIR, selectStacks(targets, [stack])).filter((u) => u.name === stack);
    const env = { ...providers.env, ...NO_COLOR_ARGS };
    const terraform = (args: readonly string[]) =>
      runTerraform(args, {
        cwd: unit.dir,
        env,
        onLine: (line, from) => line.trim() && (from === "stderr" ? console.error : console.log)(`${stack}  ${line}`),
      });
    if (needsInit(unit.dir, env)) {
      const init = await terraform(["init", "-input=false"]);
      if (init.code !== 0) throw new WorkflowError(`${stack}: terraform init exited ${init.code} (the lines above say why); nothing was changed.`);
      recordInit(unit.dir, env);
    }
    return await body({ unit, terraform });
  } finally {
    release();
  }
}
