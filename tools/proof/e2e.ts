import { spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { AwsDouble, type AwsDoubleOptions } from "../aws-double/server";
import { checkProviders, providerSource } from "../terraform/providers";
import { TERRAFORM_GOGC } from "../terraform/run";

/**
 * The end-to-end layer's workspace: a folder with its own config, state and
 * `cdktf.out`, an AWS double with the accounts' profiles, and the project's
 * real entry points (the workflow, verify), the real cdktf CLI, Terraform and
 * provider run against it. Nothing in the synthesized stacks is changed: the
 * double is reached through AWS_ENDPOINT_URL and a credentials file.
 */

export const PROJECT_ROOT = resolve(__dirname, "..", "..");

type Json = Record<string, unknown>;
export type Script = "deploy" | "plan" | "apply" | "diff" | "destroy" | "output" | "list" | "verify" | "recover" | "import";

/** What `npm run <script>` runs, relative to the project: each script a workspace can run. */
export const ENTRY_POINTS: Readonly<Record<Script, readonly string[]>> = {
  deploy: ["scripts/workflow.ts", "deploy"],
  plan: ["scripts/workflow.ts", "plan"],
  apply: ["scripts/workflow.ts", "apply"],
  list: ["scripts/list.ts"],
  diff: ["scripts/workflow.ts", "diff"],
  destroy: ["scripts/workflow.ts", "destroy"],
  output: ["scripts/workflow.ts", "output"],
  verify: ["scripts/verify.ts"],
  recover: ["scripts/recover.ts"],
  import: ["scripts/import.ts"],
};

export interface RunResult {
  readonly code: number;
  /** stdout and stderr as they interleaved. */
  readonly output: string;
  readonly stdout: string;
}

export interface RunOptions {
  /**
   * Called with each line as it arrives: `kill` ends the whole process group at once (a lost CI runner),
   * `interrupt` sends SIGINT to the command alone (a CI runner's cancel), which must pass it on to Terraform.
   */
  readonly onLine?: (line: string, kill: () => void, interrupt: () => void) => void;
  /** Environment for this run only, over the workspace's; `undefined` removes a variable (a CI job's credentials instead of a profile). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export class Workspace {
  private constructor(
    readonly dir: string,
    readonly double: AwsDouble,
    readonly env: Readonly<Record<string, string>>,
  ) {}

  /**
   * A fresh workspace under `.terraform-work/<name>` (inside the project, so
   * Node finds its packages) with `config` and a double serving `double`, on
   * `port` of 127.0.0.1 (0: one the system picks).
   */
  static async open(name: string, config: Json, double: AwsDoubleOptions, port = 0): Promise<Workspace> {
    // Without Terraform or its provider every run would fail deep inside a plan: say what is missing once, here.
    const providers = providerSource();
    await checkProviders(providers);
    const dir = resolve(PROJECT_ROOT, ".terraform-work", name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, "aws"), { recursive: true });
    const started = await AwsDouble.start(double, port);
    const cdktfJson = {
      language: "typescript",
      app: `node --import tsx ${join(PROJECT_ROOT, "main.ts")}`,
      sendCrashReports: "false",
      terraformProviders: [],
      terraformModules: [],
      context: {},
    };
    writeFileSync(join(dir, "cdktf.json"), JSON.stringify(cdktfJson, null, 2));
    const env = {
      ...providers.env,
      ...started.writeProfiles(join(dir, "aws")),
      ASSUME_ROLE_CONFIG: join(dir, "config.json"),
      // The SDK's notice that its releases after January 2027 need Node 22: the pinned version runs on 20 (README, Requirements).
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    };
    const workspace = new Workspace(dir, started, env);
    workspace.writeConfig(config);
    return workspace;
  }

  writeConfig(config: Json): void {
    writeFileSync(join(this.dir, "config.json"), JSON.stringify(config, null, 2));
  }

  /** Runs what `npm run <script> -- <args>` runs, in the workspace, against the double. */
  run(script: Script, args: readonly string[] = [], options: RunOptions = {}): Promise<RunResult> {
    const [entry, ...command] = ENTRY_POINTS[script];
    return this.spawn(process.execPath, ["--import", "tsx", join(PROJECT_ROOT, entry), ...command, ...args], options.env ?? {}, options);
  }

  /**
   * Runs the project's cdktf CLI itself in the workspace (to compare with cdktf's own multi-stack deploy), its
   * Terraform with the workflow's garbage-collector target, so that the two compare on Terraform's work alone.
   */
  cdktf(args: readonly string[]): Promise<RunResult> {
    const env = { CI: "1", CHECKPOINT_DISABLE: "1", GOGC: process.env.GOGC ?? TERRAFORM_GOGC };
    return this.spawn(join(PROJECT_ROOT, "node_modules", ".bin", "cdktf"), [...args, "--no-color"], env);
  }

  private spawn(
    command: string,
    args: readonly string[],
    extraEnv: Readonly<Record<string, string | undefined>>,
    options: RunOptions = {},
  ): Promise<RunResult> {
    const env: Record<string, string | undefined> = { ...process.env, ...this.env, ...extraEnv };
    for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
    return new Promise((done) => {
      const child = spawn(command, args, {
        cwd: this.dir,
        env,
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      });
      // The whole group: the workflow, cdktf and Terraform, as a Ctrl-C or a lost CI runner would end them.
      const kill = () => child.pid !== undefined && process.kill(-child.pid, "SIGKILL");
      const interrupt = () => child.kill("SIGINT");
      let output = "";
      let stdout = "";
      let pending = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      const take = (chunk: Buffer) => {
        output += chunk.toString();
        const lines = (pending + chunk.toString()).split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) options.onLine?.(line, kill, interrupt);
      };
      child.stdout.on("data", take);
      child.stderr.on("data", take);
      child.on("close", (code, signal) => done({ code: code ?? (signal ? 128 : 1), output, stdout }));
    });
  }

  async close(): Promise<void> {
    await this.double.stop();
  }
}

/** The tutorial's two profiles, administrators of their accounts. */
export const TUTORIAL_PROFILES = [
  { profile: "source", accountId: "111111111111" },
  { profile: "destination", accountId: "222222222222" },
] as const;
