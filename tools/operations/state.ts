import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { BackendConfig } from "../../lib/config";
import type { StackState, StateReader } from "./workflow";

interface StateFile {
  readonly resources?: readonly { readonly mode: string; readonly instances?: readonly unknown[] }[];
  readonly outputs?: Readonly<Record<string, { readonly value: unknown }>>;
}

/** Managed resources and outputs of a state document; `undefined` for no state or an empty one. */
export function parseState(text: string): StackState | undefined {
  if (text.trim() === "") return undefined;
  const state = JSON.parse(text) as StateFile;
  const resources = (state.resources ?? []).filter((r) => r.mode === "managed").reduce((sum, r) => sum + (r.instances?.length ?? 0), 0);
  const outputs = Object.fromEntries(Object.entries(state.outputs ?? {}).map(([name, output]) => [name, output.value]));
  if (resources === 0 && Object.keys(outputs).length === 0) return undefined;
  return { resources, outputs };
}

function terraformText(args: readonly string[], cwd: string): Promise<string> {
  return new Promise((done) => {
    const child = spawn("terraform", args, {
      cwd,
      env: { ...process.env, TF_IN_AUTOMATION: "1", TF_INPUT: "0" },
      stdio: ["ignore", "pipe", "ignore"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("error", () => done(""));
    child.on("close", () => done(out));
  });
}

/**
 * Reads stacks' state where the backend keeps it: the local file directly,
 * S3 through `terraform state pull` in the stack's folder (initialized first
 * if needed).
 */
export function stateReader(backend: BackendConfig, outdir: string, projectRoot = process.cwd()): StateReader {
  if (backend.type === "local") {
    return async (stack) => {
      const file = resolve(projectRoot, backend.directory, `${stack}.tfstate`);
      return existsSync(file) ? parseState(readFileSync(file, "utf8")) : undefined;
    };
  }
  return async (stack) => {
    const dir = resolve(projectRoot, outdir, "stacks", stack);
    if (!existsSync(join(dir, ".terraform"))) await terraformText(["init", "-input=false", "-no-color"], dir);
    return parseState(await terraformText(["state", "pull"], dir));
  };
}
