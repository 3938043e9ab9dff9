import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { synthesizeApp, synthSummary } from "../app";
import { loadConfig } from "../lib/config";
import { resolveTargets, selectStacks } from "../lib/targets";
import { cdktfRunner, providersFromMirror } from "../tools/operations/cdktf";
import { acquireWorkflowLock } from "../tools/operations/lock";
import { stateCheckWarnings, stateReader } from "../tools/operations/state";
import { planErrorsReader } from "../tools/operations/terraform";
import { parseWorkflowArgs, runWorkflow } from "../tools/operations/workflow";
import { runScript } from "./entry";

const OUTDIR = "cdktf.out";
const PROJECT_ROOT = resolve(__dirname, "..");

/** `npm run <deploy|diff|destroy|output> -- [patterns] [flags]`: see tools/operations/workflow.ts. */
runScript(async () => {
  const started = Date.now();
  const args = parseWorkflowArgs(process.argv.slice(2));
  const config = loadConfig();
  const selections = selectStacks(resolveTargets(config), args.patterns);
  const log = (line: string) => console.log(line);
  const release = acquireWorkflowLock(`${OUTDIR}.lock`, args.command, log);
  try {
    const synth = synthesizeApp(config, OUTDIR);
    synthSummary(synth, OUTDIR).forEach(log);
    if (args.command === "deploy" || args.command === "destroy")
      (await stateCheckWarnings(config.backend, synth.stacks, config.source.profile)).forEach((warning) => log(`Warning: ${warning}`));
    const mirror = providersFromMirror();
    if (mirror && !args.skipProviderLock) log("Providers come from a filesystem mirror: cdktf runs with --skip-provider-lock.");
    const interactive = !args.autoApprove && (args.command === "deploy" || args.command === "destroy");
    const outcomes = await runWorkflow(args.command, selections, cdktfRunner({ projectRoot: PROJECT_ROOT, interactive, mirror }), {
      ...args,
      skipProviderLock: args.skipProviderLock || mirror,
      // Calls at once init at once: safe with the mirror's links, not with the registry's shared plugin cache.
      cdktfCalls: mirror ? availableParallelism() : 1,
      state: stateReader(config.backend, OUTDIR),
      planErrors: planErrorsReader(OUTDIR),
      sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
      log,
    });
    const count = (status: string) => outcomes.filter((o) => o.status === status).length;
    const failed = count("failed") + count("refused");
    log(
      `${args.command}: ${count("done")} done, ${count("failed")} failed, ${count("refused")} refused, ${count("skipped")} skipped in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    return failed > 0 ? 1 : 0;
  } finally {
    release();
  }
});
