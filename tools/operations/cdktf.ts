import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { TERRAFORM_COMPLETE, WorkflowError, type CdktfRunner } from "./workflow";

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

export interface CdktfRunnerOptions {
  /** Where node_modules/.bin/cdktf is. */
  readonly projectRoot: string;
  /** cdktf may ask for approval: give it the terminal, one stack at a time. */
  readonly interactive: boolean;
  /** Keep colour codes when cdktf has the terminal (interactive). @default process.stdout.isTTY */
  readonly color?: boolean;
  /** Where labelled output goes. @default process.stdout */
  readonly write?: (text: string) => void;
  /**
   * Providers come from a filesystem mirror (see providersFromMirror):
   * Terraform then links each stack to the mirror, and cdktf's default
   * plugin cache (`~/.terraform.d/plugin-cache`, which Terraform rewrites on
   * init and does not guard against concurrent use) is turned off, so
   * parallel calls cannot race on it. @default false
   */
  readonly mirror?: boolean;
}

/**
 * Follows cdktf's output over one or more stacks and says which stack each
 * line belongs to. cdktf labels the first line of each chunk with the stack
 * name and indents the rest; its closing outputs summary names each stack on
 * a line of its own. Every line gets the label, so parallel stacks stay
 * readable and each stack's output can be read on its own.
 */
export class StackLines {
  private current: string | undefined;
  private readonly byLength: readonly string[];
  private readonly text = new Map<string, string[]>();

  constructor(private readonly stacks: readonly string[]) {
    this.byLength = [...stacks].sort((a, b) => b.length - a.length);
  }

  /** The line as it should be shown (undefined: nothing to show), and the stack it belongs to. */
  take(line: string): { readonly stack?: string; readonly shown?: string } {
    if (line.trim() === "") return {};
    const labelled = this.byLength.find((s) => line === s || line.startsWith(`${s} `));
    const header = this.byLength.find((s) => line.trim() === s);
    let stack: string | undefined;
    let content = line;
    if (labelled) {
      stack = labelled;
      content = line.slice(labelled.length).replace(/^ {1,2}/, "");
    } else if (header) {
      this.current = header;
      return { stack: header };
    } else if (this.stacks.length === 1 || (/^\s/.test(line) && this.current)) {
      stack = this.stacks.length === 1 ? this.stacks[0] : this.current;
      const indent = " ".repeat((stack ?? "").length + 2);
      content = line.startsWith(indent) ? line.slice(indent.length) : line;
    }
    this.current = stack;
    if (!stack) return { shown: line };
    const lines = this.text.get(stack) ?? [];
    lines.push(content);
    this.text.set(stack, lines);
    return { stack, shown: content.trim() === "" ? undefined : `${stack}  ${content}` };
  }

  /** The last line a stack printed, without its label. */
  lastLine(stack: string): string {
    return this.text.get(stack)?.at(-1) ?? "";
  }

  /** What a stack printed, without labels; empty when it printed nothing (it never ran). */
  output(stack: string): string {
    return (this.text.get(stack) ?? []).join("\n");
  }
}

/** What one stack printed, without cdktf's labels, so its lines read as Terraform wrote them. */
function unlabelled(stack: string, text: string): string {
  const lines = new StackLines([stack]);
  text.split("\n").forEach((line) => lines.take(line));
  return lines.output(stack);
}

/** Labels a whole text as StackLines would, line by line. */
export function labelLines(stacks: readonly string[], text: string): string[] {
  const lines = new StackLines(stacks);
  return text.split("\n").flatMap((line) => lines.take(line).shown ?? []);
}

/**
 * The project's cdktf CLI. Unless it must ask for approval, it runs as in CI
 * (`CI=1`: no spinner, no redraws) and with `--no-color`, and its output is
 * labelled line by line with the stack it belongs to.
 */
export function cdktfRunner(options: CdktfRunnerOptions): CdktfRunner {
  const color = options.color ?? process.stdout.isTTY === true;
  const write = options.write ?? ((text: string) => void process.stdout.write(text));
  const bin = join(options.projectRoot, "node_modules", ".bin", "cdktf");
  return {
    run: (stacks, args, onStart, onComplete) =>
      new Promise((resolve, reject) => {
        if (!existsSync(bin)) {
          reject(new WorkflowError(`The cdktf CLI is not installed (${bin} is missing): run npm ci in ${options.projectRoot}.`));
          return;
        }
        const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1", ...(options.interactive ? {} : { CI: "1" }) };
        if (options.mirror) {
          env.CDKTF_DISABLE_PLUGIN_CACHE_ENV = "1";
          delete env.TF_PLUGIN_CACHE_DIR;
        }
        // Colour only where cdktf owns the terminal: labelled output is read line by line, and logs carry no escape codes.
        const child = spawn(bin, options.interactive && color ? args : [...args, "--no-color"], {
          env,
          stdio: [options.interactive ? "inherit" : "ignore", "pipe", "pipe"],
        });
        const lines = new StackLines(stacks);
        const started = Date.now();
        const seen = new Map<string, { first: number; last: number }>();
        // cdktf draws its approval prompt on the terminal: pass it through untouched, and say each stack started.
        if (options.interactive) stacks.forEach((stack) => onStart?.(stack));
        let output = "";
        let pending = "";
        const show = (line: string) => {
          const { stack, shown } = lines.take(line.replace(ANSI, ""));
          if (stack) {
            const now = Date.now();
            if (!seen.has(stack)) onStart?.(stack);
            seen.set(stack, { first: seen.get(stack)?.first ?? now, last: now });
            if (TERRAFORM_COMPLETE.test(lines.lastLine(stack))) onComplete?.(stack);
          }
          if (shown !== undefined) write(`${shown}\n`);
        };
        const take = (chunk: Buffer) => {
          const text = chunk.toString();
          output += text;
          if (options.interactive) return write(text);
          const split = (pending + text).split("\n");
          pending = split.pop() ?? "";
          split.forEach(show);
        };
        child.stdout.on("data", take);
        child.stderr.on("data", take);
        child.on("error", (error) => reject(new WorkflowError(`Could not start cdktf (${bin}): ${error.message}`)));
        child.on("close", (code) => {
          if (pending) show(pending);
          const plain = output.replace(ANSI, "");
          resolve({
            code: code ?? 1,
            output: plain,
            stacks: new Map(
              stacks.map((stack) => {
                const times = seen.get(stack);
                // A terminal session went to the terminal unread: all of it is the stack's own, once its labels are gone.
                const own = options.interactive ? unlabelled(stack, plain) : lines.output(stack);
                return [stack, { output: own, seconds: times ? (times.last - started) / 1000 : (Date.now() - started) / 1000 }];
              }),
            ),
          });
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
