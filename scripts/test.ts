import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { checkProviders, findProviders, ProvidersUnavailableError } from "../tools/terraform/providers";
import { runScript } from "./entry";

/**
 * `npm test` and `npm run test:<suite>`: `scripts/test.ts <suite> [jest arguments]`.
 *
 * The everyday loop and CI want different things, as in AWS CDK (`npm test`
 * beside `integ-runner`) and the AWS provider (`make test` beside `make
 * testacc`): `fast` (npm test) runs the unit and Terraform projects and says
 * how to run the rest; `all` (npm run test:all, what CI runs) adds the
 * deployments against the AWS double; `unit`, `terraform` and `e2e` run one
 * project.
 *
 * It finds how Terraform gets its provider (tools/terraform/providers.ts)
 * once, then runs jest with it. When Terraform or the provider cannot be
 * had, it says so once, runs the unit tests alone, and fails: the Terraform
 * and end-to-end tests did not run.
 *
 * The projects are passed to jest after the user's arguments: before them,
 * jest would read a pattern as one more project (`npm run test:e2e --
 * negatives` would run every e2e suite).
 */
const SUITES = {
  fast: ["unit", "terraform"],
  all: ["unit", "terraform", "e2e"],
  unit: ["unit"],
  terraform: ["terraform"],
  e2e: ["e2e"],
} as const satisfies Record<string, readonly string[]>;
type Suite = keyof typeof SUITES;

/** What `npm test` prints last: the deployments it left out, and how to run them. */
const NOT_RUN_LINE = "The end-to-end deployments did not run: npm run test:e2e runs them, npm run test:all runs everything (as CI does).";

runScript(async () => {
  const [suite, ...args] = process.argv.slice(2);
  if (!(suite in SUITES)) throw new Error(`scripts/test.ts: the first argument must be one of ${Object.keys(SUITES).join(", ")}; got "${suite}"`);
  const projects: readonly string[] = SUITES[suite as Suite];
  const jest = join(__dirname, "..", "node_modules", ".bin", "jest");
  const run = (selected: readonly string[], env: NodeJS.ProcessEnv) =>
    spawnSync(jest, ["--ci", ...args, "--selectProjects", ...selected], { stdio: "inherit", env }).status ?? 1;
  // The SDK's notice that its releases after January 2027 need Node 22: the pinned version runs on 20 (README, Requirements).
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", CHECKPOINT_DISABLE: "1" };
  const ran = (code: number) => {
    if (suite === "fast" && !args.includes("--listTests")) console.log(`\n${NOT_RUN_LINE}`);
    return code;
  };
  // The unit tests need no Terraform: nothing to find, and nothing to fail for.
  if (suite === "unit") return run(projects, env);
  try {
    const source = findProviders();
    await checkProviders(source);
    console.log(`Terraform providers: ${source.description}`);
    return ran(run(projects, { ...env, ...source.env }));
  } catch (error) {
    if (!(error instanceof ProvidersUnavailableError)) throw error;
    console.error(`${error.message}\nThe unit tests run now; the Terraform and end-to-end tests cannot.\n`);
    const unit = run(["unit"], env);
    return unit === 0 ? 1 : unit;
  }
});
