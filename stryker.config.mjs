// Mutation testing of the modules that decide who may do what (trust, permissions, the constructs that attach them)
// and what the config lets through. `npm run test:mutation` runs it; see the README's "Tests that would notice".
import jestConfig from "./jest.config.js";

const unit = jestConfig.projects.find((project) => project.displayName === "unit");
const MUTATION_SUITES = [
  "app",
  "assume-role-grant",
  "aws-managed-policies",
  "backend",
  "ci-oidc",
  "config",
  "cross-account-role",
  "ec2-permissions",
  "ec2-stack",
  "iam-stack",
  "names",
  "policy-simulation",
  "quotas",
  "recovery",
  "reference-rules",
  "targets",
  "trust-policy",
  "trusted-principals",
];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "jest",
  jest: {
    projectType: "custom",
    // The unit suites that exercise these modules (the Terraform and end-to-end suites take minutes each and reach
    // them only through the same code paths). Most mutants here are static (module-level tables, stacks synthesized
    // in beforeAll), and Stryker runs every related suite for each of those: the shorter list keeps a full run
    // within about half an hour on two cores. Scores can only be lower than with every suite.
    config: { ...unit, displayName: undefined, testMatch: MUTATION_SUITES.map((name) => `<rootDir>/__tests__/${name}.test.ts`) },
    enableFindRelatedTests: true,
  },
  mutate: [
    "lib/trust-policy.ts",
    "lib/ec2-permissions.ts",
    "constructs/*.ts",
    "lib/names.ts",
    "lib/targets.ts",
    "lib/config/rules.ts",
    "lib/config/reference-rules.ts",
    // Which principals each destination's trust names.
    "lib/trusted-principals.ts",
    // Which AWS managed boundaries the config refuses.
    "lib/aws-managed-policies.ts",
    // What keeps a state Terraform could not save from being planned over.
    "tools/operations/recovery.ts",
  ],
  coverageAnalysis: "perTest",
  // Keeps each run's results, so a run after a small change tests only the mutants it touched (and those whose
  // tests changed). Committed, so a clean clone starts from the last full run.
  incremental: true,
  incrementalFile: "reports/mutation/incremental.json",
  reporters: ["clear-text", "progress", "json"],
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  // Only what the unit tests read goes into the sandbox: Terraform's working folders hold provider binaries.
  ignorePatterns: [".terraform-work", "cdktf.out*", ".cdktf.out*", "state", "plans", "reports", "coverage", "**/.terraform"],
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
  concurrency: 2,
  // Jest keeps memory from run to run in one process: after a few hundred runs a worker slowed to half speed. A fresh
  // worker every 20 mutants costs a jest start-up and keeps the pace.
  maxTestRunnerReuse: 20,
  // A mutant's run counts as killed when it times out: with a margin this wide, only a loop that never ends does,
  // not a run slowed by other work on the machine.
  timeoutMS: 60000,
};
