import { ConfigError } from "../lib/config";
import { SelectionError } from "../lib/targets";
import { WorkflowError } from "../tools/operations/workflow";

type KnownError = new (...args: never[]) => Error;

/** Errors every script knows how to explain: printed once, as one message, exit 1. */
const ALWAYS_KNOWN: readonly KnownError[] = [ConfigError, SelectionError, WorkflowError];

/**
 * Runs a script's main: known errors become their message on stderr and exit
 * code 1; anything else is a bug and keeps its stack trace.
 */
export function runScript(main: () => Promise<number> | number, known: readonly KnownError[] = []): void {
  Promise.resolve()
    .then(main)
    .then(
      (code) => {
        process.exitCode = code;
      },
      (error: unknown) => {
        if (![...ALWAYS_KNOWN, ...known].some((kind) => error instanceof kind)) throw error;
        console.error((error as Error).message);
        process.exitCode = 1;
      },
    );
}
