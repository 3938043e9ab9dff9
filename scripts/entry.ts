import { parseArgs, type ParseArgsConfig } from "node:util";
import { ConfigError } from "../lib/config";
import { SelectionError } from "../lib/targets";
import { WorkflowError } from "../tools/operations/workflow";

type KnownError = new (...args: never[]) => Error;

/** A flag the script does not take, or a value it cannot use: the problem, then the script's usage. */
export class UsageError extends Error {
  constructor(problem: string, usage: string) {
    super(`${problem}\n${usage}`);
    this.name = "UsageError";
  }
}

/** Errors every script knows how to explain: printed once, as one message, exit 1. */
const ALWAYS_KNOWN: readonly KnownError[] = [ConfigError, SelectionError, WorkflowError, UsageError];

/**
 * A script's flags, by Node's own parseArgs, strictly: a misspelt flag
 * (`--jsno`) stops the script with the usage instead of being ignored.
 * @throws UsageError for an unknown flag, a missing value or an argument the script does not take
 */
export function parseFlags<const O extends NonNullable<ParseArgsConfig["options"]>>(options: O, usage: string, args = process.argv.slice(2)) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError((error as Error).message, usage);
  }
}

/**
 * A script's arguments, exactly as many as `names` (`stack`, `address`), by Node's parseArgs: no flag is taken.
 * @throws UsageError for a flag, or another number of arguments
 */
export function parsePositionals(names: readonly string[], usage: string, args = process.argv.slice(2)): string[] {
  try {
    const { positionals } = parseArgs({ args, options: {}, strict: true, allowPositionals: true });
    if (positionals.length !== names.length) throw new Error(`expected ${names.join(", ")}; got ${positionals.length} argument(s)`);
    return positionals;
  } catch (error) {
    throw new UsageError((error as Error).message, usage);
  }
}

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
