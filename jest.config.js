const transform = { "^.+\\.ts$": "<rootDir>/jest.transform.js" };
const common = {
  testEnvironment: "node",
  transform,
  setupFilesAfterEnv: ["<rootDir>/__tests__/support/setup.ts"],
};

/** @type {import('jest').Config} */
module.exports = {
  // Jest keeps one core for itself by default; on 2-core machines that means one worker. The end-to-end tests spend
  // much of their time waiting on the provider (instance state, retries), so a third worker fills idle cores.
  maxWorkers: 3,
  testSequencer: "<rootDir>/jest.sequencer.js",
  projects: [
    {
      ...common,
      displayName: "unit",
      testMatch: ["<rootDir>/__tests__/**/*.test.ts"],
      testPathIgnorePatterns: ["<rootDir>/__tests__/terraform/", "<rootDir>/__tests__/e2e/"],
    },
    {
      // Runs the real Terraform CLI and AWS provider: see __tests__/terraform/.
      ...common,
      displayName: "terraform",
      testMatch: ["<rootDir>/__tests__/terraform/**/*.test.ts"],
    },
    {
      // The real workflow, cdktf CLI, Terraform and provider against the AWS double: see __tests__/e2e/.
      ...common,
      displayName: "e2e",
      testMatch: ["<rootDir>/__tests__/e2e/**/*.test.ts"],
    },
  ],
};
