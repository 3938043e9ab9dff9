import { spawnSync } from "node:child_process";
import { lookup } from "node:dns/promises";
import { mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Terminal } from "../../tools/proof/terminal";
import { TERRAFORM_TIMEOUT_MS } from "./install";

const ROOT = resolve(__dirname, "..", "..");

describe("npm test without Terraform", () => {
  it(
    "says once what is missing and the two ways to provide it, runs the unit tests, and fails",
    () => {
      // GIVEN a PATH with node and no terraform
      const bin = mkdtempSync(join(tmpdir(), "no-terraform-"));
      symlinkSync(process.execPath, join(bin, "node"));
      // WHEN the test runner runs (one small unit suite, to keep this quick)
      const run = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "test.ts"), "fast", "--testPathPattern", "names.test"], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, PATH: bin, TF_CLI_CONFIG_FILE: "" },
      });
      // THEN
      const output = run.stdout + run.stderr;
      expect(run.status).toBe(1);
      expect(output.match(/Terraform cannot run the stacks here: terraform is not on PATH\./g)).toHaveLength(1);
      expect(output).toContain("Provide it one of two ways:");
      expect(output).toContain("The unit tests run now; the Terraform and end-to-end tests cannot.");
      expect(output).toMatch(/PASS unit __tests__\/names\.test\.ts/);
      expect(output).toMatch(/Tests: +\d+ passed, \d+ total/);
      expect(output).not.toMatch(/(PASS|FAIL) (terraform|e2e) /);
    },
    TERRAFORM_TIMEOUT_MS,
  );

  it(
    "with terraform but no provider in reach (no mirror, no CLI configuration, no registry), says so once and runs the unit tests",
    async () => {
      // GIVEN terraform and node on PATH, an empty home, no search roots, and no configuration naming a mirror
      const bin = mkdtempSync(join(tmpdir(), "terraform-only-"));
      symlinkSync(process.execPath, join(bin, "node"));
      const terraform = spawnSync("sh", ["-c", "command -v terraform"], { encoding: "utf8" }).stdout.trim();
      symlinkSync(terraform, join(bin, "terraform"));
      const home = mkdtempSync(join(tmpdir(), "empty-home-"));
      const env = {
        ...process.env,
        PATH: bin,
        HOME: home,
        XDG_DATA_HOME: home,
        XDG_DATA_DIRS: home,
        TF_CLI_CONFIG_FILE: "",
        TF_PROVIDER_SEARCH_ROOTS: "",
      };
      // WHEN
      const run = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "test.ts"), "fast", "--testPathPattern", "names.test"], {
        cwd: ROOT,
        encoding: "utf8",
        env,
      });
      const output = run.stdout + run.stderr;
      // THEN offline (as on these machines) the one message; online the registry provides the provider, and the run goes on
      const online = await lookup("registry.terraform.io").then(
        () => true,
        () => false,
      );
      if (online)
        expect({ status: run.status, message: output.includes("Terraform cannot run the stacks here") }).toEqual({ status: 0, message: false });
      else {
        expect(run.status).toBe(1);
        expect(
          output.match(/Terraform cannot run the stacks here: registry\.terraform\.io\/hashicorp\/aws is neither on this machine nor downloadable/g),
        ).toHaveLength(1);
        expect(output).toMatch(/PASS unit __tests__\/names\.test\.ts/);
      }
    },
    TERRAFORM_TIMEOUT_MS,
  );
});

describe("npm run test:<project> -- <pattern>", () => {
  it.each([
    ["e2e", "negatives", "__tests__/e2e/negatives.test.ts"],
    ["unit", "names", "__tests__/names.test.ts"],
  ])("test:%s -- %s runs that suite alone, not every suite of the project", (project, pattern, suite) => {
    // WHEN the script's own suite comes first and the user's pattern after it, as npm passes them
    const run = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "test.ts"), project, pattern, "--listTests"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    // THEN
    expect(run.status).toBe(0);
    expect(run.stdout.split("\n").filter((line) => line.endsWith(".test.ts"))).toEqual([join(ROOT, suite)]);
  });
});

/** The suites `scripts/test.ts <suite> --listTests` would run, in the order jest would start them, relative to __tests__/. */
function listed(suite: string): string[] {
  const run = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "test.ts"), suite, "--listTests"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  expect(run.status).toBe(0);
  return run.stdout
    .split("\n")
    .filter((line) => line.endsWith(".test.ts"))
    .map((line) => line.slice(join(ROOT, "__tests__").length + 1));
}
const projectOf = (suite: string) => (suite.startsWith("e2e/") ? 2 : suite.startsWith("terraform/") ? 1 : 0);

describe("npm test, the everyday loop", () => {
  it("runs every unit suite, then the Terraform suites, and no end-to-end suite", () => {
    // WHEN jest lists the suites npm test runs, in the order it will start them
    const suites = listed("fast");
    // THEN
    expect(suites.length).toBeGreaterThan(40);
    expect(suites.map(projectOf)).toEqual([...suites.map(projectOf)].sort());
    expect(suites.filter((suite) => projectOf(suite) === 1)).not.toHaveLength(0);
    expect(suites.filter((suite) => projectOf(suite) === 2)).toEqual([]);
  });

  it(
    "ends with one line naming the end-to-end suites it left out and how to run them",
    () => {
      // WHEN npm test's runner runs one small suite
      const run = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "test.ts"), "fast", "--testPathPattern", "names.test"], {
        cwd: ROOT,
        encoding: "utf8",
      });
      // THEN
      expect(run.status).toBe(0);
      expect(run.stdout.trimEnd().split("\n").at(-1)).toBe(
        "The end-to-end deployments did not run: npm run test:e2e runs them, npm run test:all runs everything (as CI does).",
      );
    },
    TERRAFORM_TIMEOUT_MS,
  );

  it("fails with the suites it knows when given another", () => {
    // WHEN
    const run = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "test.ts"), "everything"], { cwd: ROOT, encoding: "utf8" });
    // THEN
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('the first argument must be one of fast, all, unit, terraform, e2e; got "everything"');
  });
});

describe("npm run test:all, what CI runs", () => {
  it("runs every unit suite first, then the Terraform suites, then the end-to-end suites longest first", () => {
    // WHEN jest lists the suites in the order it will start them (a fresh clone has no timing cache to reorder them)
    const suites = listed("all");
    // THEN
    expect(suites.length).toBeGreaterThan(45);
    expect(suites.map(projectOf)).toEqual([...suites.map(projectOf)].sort());
    expect(suites.filter((suite) => projectOf(suite) === 2).slice(0, 3)).toEqual([
      "e2e/example-config.test.ts",
      "e2e/three-destinations.test.ts",
      "e2e/negatives.test.ts",
    ]);
  });
});

describe("npm run test:watch", () => {
  it(
    "runs the unit project in jest's watch mode at a terminal, and q ends it",
    async () => {
      // GIVEN jest's watch mode on the unit project, at a terminal, narrowed to one small suite
      const terminal = Terminal.open("npx jest --watchAll --selectProjects unit --testPathPattern names.test", { cwd: ROOT, env: process.env });
      try {
        // WHEN its run ends, a moment passes, and q is pressed
        await terminal.waitFor(/Ran all test suites matching/, 60_000);
        await new Promise((wake) => setTimeout(wake, 2_000));
        const watching = !terminal.ended;
        terminal.type("q");
        // THEN it ran the unit suite, kept watching, and quit on q
        expect(watching).toBe(true);
        expect(await terminal.exit()).toBe(0);
        expect(terminal.screen).toMatch(/PASS unit __tests__\/names\.test\.ts/);
        expect(terminal.screen).not.toMatch(/(PASS|FAIL) (terraform|e2e) /);
      } finally {
        terminal.kill();
      }
    },
    TERRAFORM_TIMEOUT_MS,
  );
});
