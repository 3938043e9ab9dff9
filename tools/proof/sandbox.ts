import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import type { FaultOptions } from "../aws-double/faults";
import { ENTRY_POINTS, PROJECT_ROOT, TUTORIAL_PROFILES, Workspace } from "./e2e";

/**
 * The sandbox: the AWS double on 127.0.0.1 with the example's two accounts
 * and profiles, and a folder of its own where the workflow runs by hand, as
 * LocalStack users run `tflocal`. The folder keeps its own config, synthesized
 * stacks, plans and state, so nothing done in the sandbox can reach the
 * project's own `cdktf.out/`, `plans/` or `state/`, nor a real account: a
 * plan made against the double is never one `npm run apply` could find
 * outside it.
 */
export const SANDBOX_DIR = resolve(PROJECT_ROOT, ".terraform-work", "sandbox");
const INFO_FILE = join(SANDBOX_DIR, "sandbox.json");

/** What another terminal needs to use a running sandbox. */
export interface SandboxInfo {
  readonly pid: number;
  readonly url: string;
  readonly dir: string;
  /** The environment that points the workflow, Terraform and the AWS SDK at the double. */
  readonly env: Readonly<Record<string, string>>;
}

export interface SandboxOptions {
  /** Port of 127.0.0.1 for the double. @default 0 - one the system picks */
  readonly port?: number;
  /** Transient faults on a share of the calls. @default - none */
  readonly faults?: FaultOptions;
}

/**
 * The npm scripts of the sandbox folder: the project's own entry points, so
 * `npm run plan` typed there runs the workflow on the sandbox's config.
 */
function sandboxScripts(): Record<string, string> {
  const entry = (parts: readonly string[]) => {
    const [file, ...args] = parts;
    return ["node --import tsx", join(PROJECT_ROOT, file), ...args].join(" ");
  };
  return {
    ...Object.fromEntries(Object.entries(ENTRY_POINTS).map(([script, parts]) => [script, entry(parts)])),
    synth: entry(["main.ts"]),
    cdktf: `CHECKPOINT_DISABLE=1 ${join(PROJECT_ROOT, "node_modules", ".bin", "cdktf")}`,
  };
}

/** The sandbox running now, if any: the one whose process is still alive. */
export function runningSandbox(): SandboxInfo | undefined {
  if (!existsSync(INFO_FILE)) return undefined;
  const info = JSON.parse(readFileSync(INFO_FILE, "utf8")) as SandboxInfo;
  try {
    process.kill(info.pid, 0);
    return info;
  } catch {
    return undefined;
  }
}

/** A started sandbox: what it serves, and how to stop it. */
export interface Sandbox {
  readonly info: SandboxInfo;
  readonly workspace: Workspace;
  /** Stops the double and forgets the running sandbox; its folder stays until the next sandbox starts. */
  stop(): Promise<void>;
}

/** Starts the double and lays out the sandbox folder; refuses while another sandbox runs. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const other = runningSandbox();
  if (other)
    throw new SandboxError(
      `A sandbox is already running (process ${other.pid}, ${other.url}). Use it from this terminal with: eval "$(npm run --silent sandbox -- --env)"; or stop it first.`,
    );
  const example = JSON.parse(readFileSync(join(PROJECT_ROOT, "config", "default.json"), "utf8")) as Record<string, unknown>;
  const workspace = await Workspace.open(
    relative(join(PROJECT_ROOT, ".terraform-work"), SANDBOX_DIR),
    example,
    { profiles: [...TUTORIAL_PROFILES], faults: options.faults },
    options.port ?? 0,
  );
  writeFileSync(
    join(workspace.dir, "package.json"),
    JSON.stringify({ name: "cdktf-assume-role-sandbox", private: true, scripts: sandboxScripts() }, null, 2),
  );
  const info: SandboxInfo = {
    pid: process.pid,
    url: workspace.double.url,
    dir: workspace.dir,
    env: workspace.env,
  };
  writeFileSync(INFO_FILE, JSON.stringify(info, null, 2));
  return {
    info,
    workspace,
    stop: async () => {
      rmSync(INFO_FILE, { force: true });
      await workspace.close();
    },
  };
}

/** Single quotes for a POSIX shell: nothing inside them is expanded. */
const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/** Lines for `eval` in a POSIX shell: the sandbox's environment, then a `cd` into its folder. */
export function shellExports(info: SandboxInfo): string[] {
  return [...Object.entries(info.env).map(([name, value]) => `export ${name}=${quote(value)}`), `cd ${quote(info.dir)}`];
}

/** What the sandbox could not do, said once: another one runs, or none does. */
export class SandboxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SandboxError";
  }
}
