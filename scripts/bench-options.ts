import { parseFlags, UsageError } from "./entry";

/** `npm run bench`'s flags (scripts/bench.ts), apart so that they can be tested without running the bench. */
export const USAGE = "usage: npm run bench [-- --runs N] [--synth-only | --deploy-only [--sizes 1,10]] [--write]";

export interface BenchOptions {
  /** Measured runs of each synth case and each Terraform command setting. @default 5 */
  readonly runs: number;
  readonly synthOnly: boolean;
  /** The deploy path alone, printed: a quick check beside plain Terraform after a workflow change (never written). */
  readonly deployOnly: boolean;
  /** Destinations on the deploy path; `--deploy-only` may narrow them (`--sizes 1`). @default [1, 10] */
  readonly deploySizes: readonly number[];
  readonly write: boolean;
}

/** @throws UsageError for a flag the bench does not take or a value it cannot use */
export function benchOptions(args = process.argv.slice(2)): BenchOptions {
  const flags = parseFlags(
    {
      runs: { type: "string", default: "5" },
      "synth-only": { type: "boolean", default: false },
      "deploy-only": { type: "boolean", default: false },
      sizes: { type: "string" },
      write: { type: "boolean", default: false },
    },
    USAGE,
    args,
  );
  const whole = (value: string) => /^[1-9]\d*$/.test(value);
  if (!whole(flags.runs)) throw new UsageError(`--runs takes a whole number of at least 1; got ${flags.runs}.`, USAGE);
  if (flags.sizes !== undefined && !flags["deploy-only"]) throw new UsageError("--sizes narrows --deploy-only; add --deploy-only.", USAGE);
  if (flags.sizes !== undefined && !flags.sizes.split(",").every(whole))
    throw new UsageError(`--sizes takes destination counts separated by commas (1,10); got ${flags.sizes}.`, USAGE);
  if (flags["synth-only"] && flags["deploy-only"]) throw new UsageError("--synth-only and --deploy-only exclude each other.", USAGE);
  return {
    runs: Number(flags.runs),
    synthOnly: flags["synth-only"],
    deployOnly: flags["deploy-only"],
    deploySizes: flags.sizes?.split(",").map(Number) ?? [1, 10],
    write: flags.write,
  };
}
