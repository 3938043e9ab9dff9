/**
 * Reads Stryker's JSON report (the mutation-testing-report schema) and holds
 * each mutated file to a minimum score: Stryker's own `thresholds.break`
 * judges only the total, where a weak file hides behind strong ones.
 */

/** A mutant's outcome, as the report schema names them. */
export type MutantStatus = "Killed" | "Survived" | "NoCoverage" | "Timeout" | "CompileError" | "RuntimeError" | "Ignored" | "Pending";

/** The part of Stryker's JSON report this reads. */
export interface MutationReport {
  readonly files: Readonly<
    Record<
      string,
      {
        readonly mutants: readonly {
          readonly mutatorName: string;
          readonly replacement?: string;
          readonly status: MutantStatus;
          readonly location: { readonly start: { readonly line: number; readonly column: number } };
        }[];
      }
    >
  >;
}

/** One file's score: killed and timed-out mutants over all that ran or had no test, as Stryker counts it. */
export interface FileScore {
  readonly file: string;
  readonly detected: number;
  readonly undetected: number;
  /** Percent; `undefined` when no mutant of the file could be scored. */
  readonly score: number | undefined;
  /** `file:line:column mutator -> replacement`, for every survivor and uncovered mutant. */
  readonly survivors: readonly string[];
}

const DETECTED: ReadonlySet<MutantStatus> = new Set(["Killed", "Timeout"]);
const UNDETECTED: ReadonlySet<MutantStatus> = new Set(["Survived", "NoCoverage"]);

export function fileScores(report: MutationReport): FileScore[] {
  return Object.entries(report.files)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([file, { mutants }]) => {
      const detected = mutants.filter((m) => DETECTED.has(m.status)).length;
      const missed = mutants.filter((m) => UNDETECTED.has(m.status));
      const valid = detected + missed.length;
      return {
        file,
        detected,
        undetected: missed.length,
        score: valid ? (100 * detected) / valid : undefined,
        survivors: missed.map(
          (m) => `${file}:${m.location.start.line}:${m.location.start.column} ${m.mutatorName}${m.replacement ? ` -> ${m.replacement}` : ""}`,
        ),
      };
    });
}

/** The files scoring below `minimum` percent. */
export const belowMinimum = (scores: readonly FileScore[], minimum: number) => scores.filter((s) => s.score !== undefined && s.score < minimum);

/** A table of the scores, and the survivors of each file below `minimum`. */
export function formatScores(scores: readonly FileScore[], minimum: number): string {
  const width = Math.max(...scores.map((s) => s.file.length), 4);
  const rows = scores.map(
    (s) =>
      `${s.file.padEnd(width)}  ${(s.score === undefined ? "-" : s.score.toFixed(1)).padStart(6)}  ${String(s.detected).padStart(6)}  ${String(s.undetected).padStart(6)}`,
  );
  const weak = belowMinimum(scores, minimum);
  return [
    `${"file".padEnd(width)}  ${"score".padStart(6)}  ${"killed".padStart(6)}  ${"missed".padStart(6)}`,
    ...rows,
    ...(weak.length
      ? [
          "",
          `Below ${minimum}%: ${weak.map((s) => s.file).join(", ")}. Mutants no test noticed:`,
          ...weak.flatMap((s) => s.survivors.map((line) => `  ${line}`)),
        ]
      : ["", `Every file scores at least ${minimum}%.`]),
  ].join("\n");
}

/** docs/mutation.md: the scores of the last run, as `npm run test:mutation` wrote them. */
export function mutationDoc(
  scores: readonly FileScore[],
  minimum: number,
  run: { readonly date: string; readonly seconds: number; readonly mutants: number; readonly args: readonly string[] },
): string {
  const detected = scores.reduce((sum, s) => sum + s.detected, 0);
  const undetected = scores.reduce((sum, s) => sum + s.undetected, 0);
  const percent = (score: number | undefined) => (score === undefined ? "-" : `${score.toFixed(1)}%`);
  return [
    "# Mutation scores",
    "",
    `Written by \`npm run test:mutation${run.args.length ? ` -- ${run.args.join(" ")}` : ""}\` on ${run.date}: ${run.mutants} mutants, the run took`,
    `${Math.round(run.seconds)} s (an incremental run tests only what changed since the committed one). Minimum per file: ${minimum}%.`,
    "",
    "| File | Score | Killed | Missed |",
    "| --- | --- | --- | --- |",
    ...scores.map((s) => `| \`${s.file}\` | ${percent(s.score)} | ${s.detected} | ${s.undetected} |`),
    `| all | ${percent(detected + undetected ? (100 * detected) / (detected + undetected) : undefined)} | ${detected} | ${undetected} |`,
    "",
    ...(scores.some((s) => s.survivors.length)
      ? ["Mutants no test noticed:", "", ...scores.flatMap((s) => s.survivors.map((line) => `- \`${line}\``)), ""]
      : []),
  ].join("\n");
}
