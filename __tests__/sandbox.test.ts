import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { PROJECT_ROOT } from "../tools/proof/e2e";
import { shellExports, type SandboxInfo } from "../tools/proof/sandbox";

/** The sandbox's flags are checked before anything starts: each run below ends at once. */
const sandbox = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", join(PROJECT_ROOT, "scripts", "sandbox.ts"), ...args], { cwd: PROJECT_ROOT, encoding: "utf8" });

describe("npm run sandbox's flags", () => {
  it.each([
    [["--port", "http"], "--port: got http; must be a port number, 0 to 65535"],
    [["--port", "70000"], "--port: got 70000; must be a port number, 0 to 65535"],
    [["--fault-rate", "5"], "--fault-rate: got 5; must be a share of the calls from 0 to 1 (0.05: one call in twenty)"],
    [["--fault-rate", "0.1", "--fault-seed", "x"], "--fault-seed: got NaN; must be a whole number"],
    [["--fault-seed", "3"], "--fault-seed goes with --fault-rate"],
    [["--shell"], "Unknown option '--shell'"],
  ])("fails if given %j, with the problem and the usage, starting nothing", (args, problem) => {
    // WHEN
    const run = sandbox(...args);
    // THEN
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(problem);
    expect(run.stderr).toContain("usage: npm run sandbox [-- --no-shell] [--port N] [--fault-rate R [--fault-seed S]]");
    expect(run.stdout).not.toContain("Starting the sandbox");
  });
});

describe("shellExports", () => {
  it("exports each variable in single quotes, a quote inside escaped, then changes to the sandbox's folder", () => {
    // GIVEN
    const info: SandboxInfo = {
      pid: 1,
      url: "http://127.0.0.1:1",
      dir: "/tmp/it's here",
      env: { AWS_ENDPOINT_URL: "http://127.0.0.1:1", ODD: "$HOME `x`" },
    };
    // WHEN
    const lines = shellExports(info);
    // THEN
    expect(lines).toEqual(["export AWS_ENDPOINT_URL='http://127.0.0.1:1'", "export ODD='$HOME `x`'", "cd '/tmp/it'\\''s here'"]);
    const shell = spawnSync("bash", ["-c", `${lines.slice(0, 2).join("; ")}; printf '%s' "$ODD"`], { encoding: "utf8" });
    expect(shell.stdout).toBe("$HOME `x`");
  });
});
