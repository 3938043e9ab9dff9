import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { BackendConfig } from "../../lib/config";
import { parseState } from "../../lib/state";
import type { StateReader } from "./workflow";

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
