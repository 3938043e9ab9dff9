import { existsSync, mkdirSync, renameSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import type { TerraformRun } from "../terraform/run";

/**
 * State Terraform could not write. When an apply changes AWS and then cannot
 * save the state (the backend refused the write, the network went), Terraform
 * leaves what it could not save in `errored.tfstate` in the stack's folder
 * and fails. The backend then does not know what AWS holds: a plan made now
 * would create again what exists. So the workflow moves that file out of
 * `cdktf.out/` (which the next synth replaces) into `recovery/`, refuses the
 * stack in every run until it is pushed back, and `npm run recover --
 * <stack>` pushes it with `terraform state push`, as Terraform's own message
 * advises.
 */

/** Where Terraform leaves the state it could not save: the working folder of the failed command. */
export const ERRORED_STATE = "errored.tfstate";
/** Beside `cdktf.out/`, not inside it: a synth replaces the stack folders. */
export const RECOVERY_DIR = "recovery";

/** Where the workflow keeps a stack's unsaved state until it is pushed back. */
export function recoveryFile(stack: string, root = process.cwd()): string {
  return resolve(root, RECOVERY_DIR, `${stack}.${ERRORED_STATE}`);
}

/**
 * Moves `errored.tfstate` out of a stack's folder into `recovery/`, never
 * over an earlier one; its new path, or `undefined` when there was none.
 */
export function keepErroredState(stack: string, stackDir: string, root = process.cwd()): string | undefined {
  const left = join(stackDir, ERRORED_STATE);
  if (!existsSync(left)) return undefined;
  let kept = recoveryFile(stack, root);
  for (let n = 2; existsSync(kept); n++) kept = recoveryFile(`${stack}.${n}`, root);
  mkdirSync(dirname(kept), { recursive: true });
  renameSync(left, kept);
  return kept;
}

/** The unsaved state a stack waits on (one left in its folder is moved to `recovery/` first), or `undefined`. */
export function pendingRecovery(stack: string, stackDir: string, root = process.cwd()): string | undefined {
  keepErroredState(stack, stackDir, root);
  const file = recoveryFile(stack, root);
  return existsSync(file) ? file : undefined;
}

/** Why a stack with unsaved state is refused, and the one command that puts it right. */
export function recoveryNeeded(stack: string, file: string, root = process.cwd()): string {
  return (
    `Terraform could not save ${stack}'s state after an apply, so its backend does not know everything AWS holds; ` +
    `what it could not save is in ${relative(root, file)}. Planning now would plan over the lost state and create again what exists. ` +
    `Push it back with npm run recover -- ${stack}, then run this again.`
  );
}

/** How a push of unsaved state ended. */
export type RecoveryResult = { readonly pushed: true; readonly keptAs: string } | { readonly pushed: false; readonly reason: string };

/**
 * Pushes a stack's unsaved state back to its backend (`terraform state push`
 * in the stack's folder, initialized), then keeps the file as
 * `<file>.pushed-<time>` so it is never pushed twice. Terraform itself
 * refuses a state of another lineage, or older than the backend's.
 */
export async function pushErroredState(
  file: string,
  terraform: (args: readonly string[]) => Promise<TerraformRun>,
  now = new Date(),
): Promise<RecoveryResult> {
  const run = await terraform(["state", "push", file]);
  if (run.code !== 0)
    return { pushed: false, reason: (run.stderr.trim() || run.stdout.trim() || `terraform state push exited ${run.code}`).replace(/\s+/g, " ") };
  const keptAs = `${file}.pushed-${now.toISOString().replace(/[:.]/g, "-")}`;
  renameSync(file, keptAs);
  return { pushed: true, keptAs };
}
