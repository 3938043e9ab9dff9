import { spawn, type ChildProcess } from "node:child_process";

/** What one Terraform command printed, and how it ended. */
export interface TerraformRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface TerraformRunOptions {
  /** The stack folder (or any root module). */
  readonly cwd: string;
  /** Over the process's own: the provider source's TF_CLI_CONFIG_FILE, AWS settings. @default {} */
  readonly env?: Readonly<Record<string, string>>;
  /** Hears each whole line as it comes, without its newline. @default - lines are only collected */
  readonly onLine?: (line: string, stream: "stdout" | "stderr") => void;
}

/**
 * Go's garbage-collector target for Terraform and the providers it starts, unless the user set GOGC: the AWS
 * provider builds its whole schema (every resource type) each time it starts, and collecting that garbage less often
 * than Go's default (100) saves about a fifth of each Terraform command's CPU (`npm run bench`, docs/benchmarks.md),
 * for somewhat more peak memory per process.
 */
export const TERRAFORM_GOGC = "400";

/** Set for every Terraform run: no prompts, no colour, no version check, machine-friendly wording. */
export const TERRAFORM_ENV: Readonly<Record<string, string>> = {
  TF_IN_AUTOMATION: "1",
  TF_INPUT: "0",
  CHECKPOINT_DISABLE: "1",
  NO_COLOR: "1",
};

/**
 * For the commands whose output a person reads (-no-color, since it goes to a log or a pipe as often as a
 * terminal); `state pull`, `state push` and `output` take no such flag.
 */
export const NO_COLOR_ARGS: Readonly<Record<string, string>> = {
  TF_CLI_ARGS_init: "-no-color",
  TF_CLI_ARGS_plan: "-no-color",
  TF_CLI_ARGS_apply: "-no-color",
  TF_CLI_ARGS_show: "-no-color",
  TF_CLI_ARGS_import: "-no-color",
};

const running = new Set<ChildProcess>();
let interrupted: NodeJS.Signals | undefined;
let listening = false;

/**
 * Makes an interrupt reach Terraform, which then stops at a safe point and
 * releases its state lock. Terraform runs in this process's group, so a
 * Ctrl-C at a terminal reaches it directly, and a second one would make it
 * quit at once: an interrupt is passed on only when it did not come from a
 * terminal (a CI runner's SIGINT or SIGTERM to this process alone).
 * @param onInterrupt - hears the first signal, to start nothing more
 */
export function passInterruptsToTerraform(onInterrupt: (signal: NodeJS.Signals) => void): void {
  if (listening) return;
  listening = true;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (signal === "SIGTERM" || !process.stdin.isTTY) for (const child of running) child.kill(signal);
      if (interrupted) return;
      interrupted = signal;
      onInterrupt(signal);
    });
  }
}

/** The signal that interrupted this process, if one did. */
export const interruptedBy = (): NodeJS.Signals | undefined => interrupted;

/** Runs `terraform <args>` unattended; a Terraform that cannot start is a failed run (code 127), never a throw. */
export function runTerraform(args: readonly string[], options: TerraformRunOptions): Promise<TerraformRun> {
  return new Promise((done) => {
    const child = spawn("terraform", args, {
      cwd: options.cwd,
      env: { GOGC: TERRAFORM_GOGC, ...process.env, ...TERRAFORM_ENV, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    running.add(child);
    const text = { stdout: "", stderr: "" };
    const pending = { stdout: "", stderr: "" };
    const take = (stream: "stdout" | "stderr") => (chunk: Buffer) => {
      const s = chunk.toString();
      text[stream] += s;
      if (!options.onLine) return;
      const lines = (pending[stream] + s).split("\n");
      pending[stream] = lines.pop() ?? "";
      for (const line of lines) options.onLine(line, stream);
    };
    child.stdout.on("data", take("stdout"));
    child.stderr.on("data", take("stderr"));
    child.on("error", (error) => {
      running.delete(child);
      done({ code: 127, stdout: text.stdout, stderr: `${text.stderr}${error.message}` });
    });
    child.on("close", (code, signal) => {
      running.delete(child);
      for (const stream of ["stdout", "stderr"] as const) if (pending[stream]) options.onLine?.(pending[stream], stream);
      done({ code: code ?? (signal ? 130 : 1), ...text });
    });
  });
}
