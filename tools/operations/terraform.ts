import { spawn } from "node:child_process";
import { resolve } from "node:path";

/** What one Terraform command printed, and how it ended. */
export interface TerraformRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs Terraform in a stack's folder, unattended; a Terraform that cannot start is a failed run. */
export function runTerraform(args: readonly string[], cwd: string): Promise<TerraformRun> {
  return new Promise((done) => {
    const child = spawn("terraform", args, {
      cwd,
      env: { ...process.env, TF_IN_AUTOMATION: "1", TF_INPUT: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", (error) => done({ code: 1, stdout, stderr: error.message }));
    child.on("close", (code) => done({ code: code ?? 1, stdout, stderr }));
  });
}

/**
 * Terraform's own error for a stack whose cdktf run failed without showing
 * it. cdktf 0.21 drops the diagnostics of a plan that fails after it printed
 * the planned changes (a data source that finds nothing, say; the same bug as
 * open-constructs/cdk-terrain#169, fixed only in its 0.23): a read-only
 * `terraform plan` in the stack's folder prints them again.
 * @returns the diagnostics, or "" when the plan succeeds or says nothing more
 */
export function planErrorsReader(outdir: string, projectRoot = process.cwd()) {
  return async (stack: string, destroy: boolean): Promise<string> => {
    const args = ["plan", "-input=false", "-no-color", "-lock=false", ...(destroy ? ["-destroy"] : [])];
    const run = await runTerraform(args, resolve(projectRoot, outdir, "stacks", stack));
    return run.code === 0 ? "" : run.stderr.trim();
  };
}
