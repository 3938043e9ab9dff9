import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { faultOptionProblems, type FaultOptions } from "../tools/aws-double/faults";
import { PROJECT_ROOT } from "../tools/proof/e2e";
import { runningSandbox, SandboxError, shellExports, startSandbox, type Sandbox } from "../tools/proof/sandbox";
import { parseFlags, runScript, UsageError } from "./entry";

const USAGE = `usage: npm run sandbox [-- --no-shell] [--port N] [--fault-rate R [--fault-seed S]]
       npm run --silent sandbox -- --env    (in another terminal: eval "$(npm run --silent sandbox -- --env)")`;

/**
 * `npm run sandbox`: the AWS double on 127.0.0.1 with the example's accounts
 * and profiles, to try the workflow by hand. At a terminal it opens a
 * subshell in the sandbox's folder with the environment set, and stops when
 * that shell exits; with `--no-shell` (or without a terminal) it serves until
 * Ctrl-C, and `--env` prints, for `eval` in another terminal, what points a
 * shell at it. State lives as long as the sandbox does.
 */
runScript(async () => {
  const flags = parseFlags(
    {
      env: { type: "boolean", default: false },
      "no-shell": { type: "boolean", default: false },
      port: { type: "string" },
      "fault-rate": { type: "string" },
      "fault-seed": { type: "string" },
    },
    USAGE,
  );
  if (flags.env) {
    const running = runningSandbox();
    if (!running) throw new SandboxError("No sandbox is running. Start one in another terminal: npm run sandbox -- --no-shell");
    console.log(shellExports(running).join("\n"));
    return 0;
  }
  const port = flags.port === undefined ? 0 : Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port: got ${flags.port}; must be a port number, 0 to 65535`, USAGE);
  const faults: FaultOptions | undefined =
    flags["fault-rate"] === undefined
      ? undefined
      : { rate: Number(flags["fault-rate"]), seed: flags["fault-seed"] ? Number(flags["fault-seed"]) : 1 };
  if (!faults && flags["fault-seed"] !== undefined) throw new UsageError("--fault-seed goes with --fault-rate", USAGE);
  const problems = faults ? faultOptionProblems(faults) : [];
  if (problems.length > 0) throw new UsageError(problems.map((p) => `--${p.replace(/^fault (\w+)/, "fault-$1")}`).join("\n"), USAGE);

  console.log("Starting the sandbox: the AWS double (STS, IAM, EC2 and S3) on 127.0.0.1...");
  const sandbox = await startSandbox({ port, faults });
  const { info } = sandbox;
  const shell = !flags["no-shell"] && process.stdin.isTTY && process.stdout.isTTY;
  const folder = relative(PROJECT_ROOT, info.dir);
  console.log(
    [
      `Sandbox ready on ${info.url}: source account 111111111111 (profile source), destination 222222222222 (profile destination),`,
      `the example config, its own folder ${folder} for stacks, plans and state${faults ? `, and ${faults.rate * 100}% of the calls throttled, failed or cut (seed ${faults.seed})` : ""}.`,
      `Next: npm run plan, review it, npm run apply (it asks before each stack); npm run diff; npm run verify -- destination; npm run destroy.`,
      shell
        ? "This is a shell in the sandbox's folder with its environment set: exit (or Ctrl-D) stops the sandbox."
        : `In another terminal: eval "$(npm run --silent sandbox -- --env)", then the commands above. Ctrl-C stops the sandbox.`,
    ].join("\n"),
  );
  const code = shell ? await subshell(sandbox) : await untilInterrupted();
  await sandbox.stop();
  console.log(`Sandbox stopped after ${sandbox.workspace.double.calls.length} calls to the double; what was deployed in it is gone with it.`);
  return code;
}, [SandboxError]);

/** An interactive shell in the sandbox's folder, its prompt marked; the sandbox lives until it exits. */
function subshell(sandbox: Sandbox): Promise<number> {
  const program = process.env.SHELL || "/bin/sh";
  const args = ["-i"];
  if (basename(program) === "bash") {
    // bash reads ~/.bashrc, which usually sets the prompt: mark it after that.
    const rc = join(sandbox.info.dir, "bashrc");
    writeFileSync(rc, `[ -f ~/.bashrc ] && . ~/.bashrc\nPS1="(sandbox) $PS1"\n`);
    args.unshift("--rcfile", rc);
  }
  // Ctrl-C belongs to the command running in the shell, not to the sandbox under it.
  const ignore = () => undefined;
  process.on("SIGINT", ignore);
  return new Promise((done) => {
    const child = spawn(program, args, { cwd: sandbox.info.dir, env: { ...process.env, ...sandbox.info.env }, stdio: "inherit" });
    child.on("close", (code) => {
      process.off("SIGINT", ignore);
      done(code ?? 0);
    });
  });
}

/** Serves until Ctrl-C or a termination signal: stopping is the normal end, exit 0. */
function untilInterrupted(): Promise<number> {
  return new Promise((done) => {
    const stop = () => done(0);
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
