import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { WorkflowError, type CdktfRunner } from "./workflow";

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

export interface CdktfRunnerOptions {
  /** Where node_modules/.bin/cdktf is. */
  readonly projectRoot: string;
  /** cdktf may ask for approval: give it the terminal, one stack at a time. */
  readonly interactive: boolean;
  /** Keep colour codes (a terminal). @default process.stdout.isTTY */
  readonly color?: boolean;
  /** Where labelled output goes. @default process.stdout */
  readonly write?: (text: string) => void;
}

/**
 * Labels each line of a stack's output with the stack name, as cdktf does for
 * its first line, so that parallel stacks stay readable; cdktf's continuation
 * indent is replaced by the label.
 */
export function labelLines(stack: string, text: string): string[] {
  const indent = " ".repeat(stack.length + 2);
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => (line.startsWith(`${stack} `) ? line : `${stack}  ${line.startsWith(indent) ? line.slice(indent.length) : line}`));
}

/**
 * The project's cdktf CLI. Without a terminal it runs as in CI (`CI=1`: no
 * spinner, no redraws) and with `--no-color`, so logs carry no escape codes.
 */
export function cdktfRunner(options: CdktfRunnerOptions): CdktfRunner {
  const color = options.color ?? process.stdout.isTTY === true;
  const write = options.write ?? ((text: string) => void process.stdout.write(text));
  const bin = join(options.projectRoot, "node_modules", ".bin", "cdktf");
  return {
    run: (stack, args) =>
      new Promise((resolve, reject) => {
        if (!existsSync(bin)) {
          reject(new WorkflowError(`The cdktf CLI is not installed (${bin} is missing): run npm ci in ${options.projectRoot}.`));
          return;
        }
        const env = { ...process.env, CHECKPOINT_DISABLE: "1", ...(options.interactive ? {} : { CI: "1" }) };
        const child = spawn(bin, color ? args : [...args, "--no-color"], {
          env,
          stdio: [options.interactive ? "inherit" : "ignore", "pipe", "pipe"],
        });
        let output = "";
        let pending = "";
        const take = (chunk: Buffer) => {
          const text = chunk.toString();
          output += text;
          if (options.interactive) return write(text);
          const lines = (pending + (color ? text : text.replace(ANSI, ""))).split("\n");
          pending = lines.pop() ?? "";
          const labelled = labelLines(stack, lines.join("\n"));
          if (labelled.length) write(`${labelled.join("\n")}\n`);
        };
        child.stdout.on("data", take);
        child.stderr.on("data", take);
        child.on("error", (error) => reject(new WorkflowError(`Could not start cdktf (${bin}): ${error.message}`)));
        child.on("close", (code) => {
          const rest = labelLines(stack, pending);
          if (rest.length) write(`${rest.join("\n")}\n`);
          resolve({ code: code ?? 1, output });
        });
      }),
  };
}

/**
 * Whether Terraform installs providers from a filesystem mirror: then
 * `terraform providers lock`, which cdktf runs on deploy, would ask the
 * registry instead, and must be skipped.
 */
export function providersFromMirror(env: NodeJS.ProcessEnv = process.env): boolean {
  const file = env.TF_CLI_CONFIG_FILE || env.TERRAFORM_CONFIG || join(homedir(), ".terraformrc");
  return existsSync(file) && /filesystem_mirror\s*\{/.test(readFileSync(file, "utf8"));
}
