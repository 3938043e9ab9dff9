import { synthesizeApp, synthSummary } from "./app";
import { ConfigError, loadConfig, type AppConfig } from "./lib/config";

/** Synthesizes the configured app and returns the exit code. Exported so tests can run it in-process. */
export function main(): number {
  // Validate before anything else: a bad config must leave cdktf.out untouched.
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return 1;
  }
  // `cdktf synth` names its output folder in CDKTF_OUTDIR, and prints the stacks' warnings itself.
  const outdir = process.env.CDKTF_OUTDIR || "cdktf.out";
  const result = synthesizeApp(config, outdir);
  if (!process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS) for (const line of synthSummary(result, outdir)) console.log(line);
  return 0;
}

if (require.main === module) process.exitCode = main();
