import { spawn } from "node:child_process";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../lib/config";
import { resolveTargets } from "../lib/targets";
import {
  DEFAULT_RETRY,
  runWorkflow,
  selectTargets,
  WORKFLOW_COMMANDS,
  WorkflowError,
  type CdktfRunner,
  type WorkflowCommand,
} from "../tools/operations/workflow";

const USAGE = `usage: npm run <deploy|diff|destroy|output> -- [destination-or-stack-glob ...] [--auto-approve]`;

/** Runs the project's cdktf CLI, showing its output live and keeping a copy to look for retryable errors. */
const cdktf: CdktfRunner = {
  run: (args) =>
    new Promise((resolve) => {
      console.log(`\n$ cdktf ${args.join(" ")}`);
      const child = spawn(join("node_modules", ".bin", "cdktf"), args, {
        stdio: ["inherit", "pipe", "pipe"],
        env: { ...process.env, CHECKPOINT_DISABLE: "1" },
      });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (process.stdout.write(chunk), (output += chunk.toString())));
      child.stderr.on("data", (chunk: Buffer) => (process.stderr.write(chunk), (output += chunk.toString())));
      child.on("close", (code) => resolve({ code: code ?? 1, output }));
    }),
};

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!WORKFLOW_COMMANDS.includes(command as WorkflowCommand)) throw new WorkflowError(USAGE);
  const autoApprove = rest.includes("--auto-approve");
  const patterns = rest.filter((a) => a !== "--auto-approve");
  const targets = selectTargets(resolveTargets(loadConfig()), patterns);
  await runWorkflow(command as WorkflowCommand, targets, cdktf, {
    autoApprove,
    retry: DEFAULT_RETRY,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    log: (line) => console.log(line),
  });
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (!(error instanceof ConfigError || error instanceof WorkflowError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
});
