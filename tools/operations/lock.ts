import { openSync, readFileSync, unlinkSync, writeSync, closeSync } from "node:fs";
import { WorkflowError } from "./workflow";

interface Holder {
  readonly pid: number;
  readonly command: string;
  readonly started: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Takes the workflow lock, so that a second deploy cannot swap `cdktf.out`
 * under a running one. A lock left by a process that no longer runs (killed)
 * is taken over. Returns the release function.
 * @throws WorkflowError naming the running command when the lock is held
 */
export function acquireWorkflowLock(path: string, command: string, log: (line: string) => void = () => undefined): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, JSON.stringify({ pid: process.pid, command, started: new Date().toISOString() } satisfies Holder));
      closeSync(fd);
      return () => unlinkSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      let holder: Holder | undefined;
      try {
        holder = JSON.parse(readFileSync(path, "utf8")) as Holder;
      } catch {
        holder = undefined;
      }
      if (holder && alive(holder.pid)) {
        throw new WorkflowError(
          `Another workflow is running here (npm run ${holder.command}, pid ${holder.pid}, since ${holder.started}): wait for it to finish. Nothing was changed.`,
        );
      }
      log(`Taking over the lock of a workflow that no longer runs (${holder ? `npm run ${holder.command}, pid ${holder.pid}` : "unreadable lock"}).`);
      unlinkSync(path);
    }
  }
  throw new WorkflowError(`Could not take the workflow lock ${path}.`);
}
