import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { checkProviders, findProviders, ProvidersUnavailableError } from "../tools/terraform/providers";
import { runScript } from "./entry";

/**
 * `npm test`: finds how Terraform gets its provider (tools/terraform/providers.ts)
 * once, then runs jest with it for every project. When Terraform or the
 * provider cannot be had, it says so once, runs the unit tests alone, and
 * fails: the Terraform and end-to-end tests did not run.
 *
 * `npm run test:<project>` puts `--selectProjects <project>` first, and npm
 * the user's arguments after it, where jest would read each word as one more
 * project (`npm run test:e2e -- negatives` would run every e2e suite): the
 * selection is passed to jest after the user's arguments instead.
 */
runScript(async () => {
  const jest = join(__dirname, "..", "node_modules", ".bin", "jest");
  const argv = process.argv.slice(2);
  const [project, args] = argv[0] === "--selectProjects" ? [argv[1], argv.slice(2)] : [undefined, argv];
  const run = (selected: string | undefined, env: NodeJS.ProcessEnv) =>
    spawnSync(jest, ["--ci", ...args, ...(selected ? ["--selectProjects", selected] : [])], { stdio: "inherit", env }).status ?? 1;
  // The SDK's notice that its releases after January 2027 need Node 22: the pinned version runs on 20 (README, Requirements).
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", CHECKPOINT_DISABLE: "1" };
  // The unit tests need no Terraform: nothing to find, and nothing to fail for.
  if (project === "unit") return run("unit", env);
  try {
    const source = findProviders();
    await checkProviders(source);
    console.log(`Terraform providers: ${source.description}`);
    return run(project, { ...env, ...source.env });
  } catch (error) {
    if (!(error instanceof ProvidersUnavailableError)) throw error;
    console.error(`${error.message}\nThe unit tests run now; the Terraform and end-to-end tests cannot.\n`);
    const unit = run("unit", env);
    return unit === 0 ? 1 : unit;
  }
});
