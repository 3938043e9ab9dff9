import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { App } from "cdktf";
import { buildStacks } from "./lib/app";
import { ConfigError, loadConfig } from "./lib/config";

function main(): void {
  // Validate before creating the App: a bad config must leave cdktf.out untouched.
  const config = loadConfig();
  const app = new App();
  // A removed destination, or JSON beside HCL from an earlier synth, would leave stale files for Terraform.
  const stacksDir = join(app.outdir, "stacks");
  for (const entry of readdirSync(stacksDir)) rmSync(join(stacksDir, entry), { recursive: true, force: true });
  buildStacks(app, config);
  app.synth();
}

try {
  main();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
