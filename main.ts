import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { App } from "cdktf";
import { buildStacks } from "./app";
import { ConfigError, loadConfig, type AppConfig } from "./lib/config";

/** Synthesizes the configured app and returns the exit code. Exported so tests can run it in-process. */
export function main(): number {
  // Validate before creating the App: a bad config must leave cdktf.out untouched.
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return 1;
  }
  const app = new App();
  // A removed destination, or JSON beside HCL from an earlier synth, would leave stale files for Terraform.
  const stacksDir = join(app.outdir, "stacks");
  for (const entry of readdirSync(stacksDir)) rmSync(join(stacksDir, entry), { recursive: true, force: true });
  buildStacks(app, config);
  app.synth();
  return 0;
}

if (require.main === module) process.exitCode = main();
