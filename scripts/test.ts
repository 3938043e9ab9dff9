import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { checkProviders, findProviders, ProvidersUnavailableError } from "../tools/terraform/providers";
import { runScript } from "./entry";

/**
 * `npm test`: finds how Terraform gets its provider (tools/terraform/providers.ts)
 * once, then runs jest with it for every project. When Terraform or the
 * provider cannot be had, it says so once, runs the unit tests alone, and
 * fails: the Terraform and end-to-end tests did not run.
 */
runScript(async () => {
  const jest = join(__dirname, "..", "node_modules", ".bin", "jest");
  const args = process.argv.slice(2);
  // The SDK's notice that its releases after January 2027 need Node 22: the pinned version runs on 20 (README, Requirements).
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", CHECKPOINT_DISABLE: "1" };
  try {
    const source = findProviders();
    await checkProviders(source);
    console.log(`Terraform providers: ${source.description}`);
    return spawnSync(jest, ["--ci", ...args], { stdio: "inherit", env: { ...env, ...source.env } }).status ?? 1;
  } catch (error) {
    if (!(error instanceof ProvidersUnavailableError)) throw error;
    console.error(`${error.message}\nThe unit tests run now; the Terraform and end-to-end tests cannot.\n`);
    const unit = spawnSync(jest, ["--ci", "--selectProjects", "unit", ...args], { stdio: "inherit", env }).status ?? 1;
    return unit === 0 ? 1 : unit;
  }
});
