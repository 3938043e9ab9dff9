import type { ProofReport } from "../../tools/proof/proof";

/** Terraform's own words when a check did not behave, so a failure explains itself. */
export function explain(report: ProofReport, stack: string): string {
  const validation = report.validations.filter((v) => v.stack === stack && !v.valid).map((v) => `${v.format}: ${v.problems.join("; ")}`);
  const rehearsal = report.rehearsals
    .filter((r) => r.stack === stack)
    .flatMap((r) => r.outcomes.filter((o) => !o.asExpected).map((o) => `${o.file} (${o.status}): ${o.diagnostics.join("; ")}`));
  return [...validation, ...rehearsal].join("\n");
}

/** Each outcome of a stack's rehearsal by file, as `file: status`. */
export function outcomes(report: ProofReport, stack: string): Record<string, string> {
  const rehearsal = report.rehearsals.find((r) => r.stack === stack);
  return Object.fromEntries(
    (rehearsal?.outcomes ?? []).map((o) => [o.file, o.asExpected ? "as expected" : `${o.status}: ${o.diagnostics.join("; ")}`]),
  );
}
