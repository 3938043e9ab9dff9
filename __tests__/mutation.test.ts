import { belowMinimum, fileScores, formatScores, mutationDoc, type MutantStatus, type MutationReport } from "../tools/proof/mutation";

const mutant = (status: MutantStatus, line = 1) => ({
  mutatorName: "ConditionalExpression",
  replacement: "true",
  status,
  location: { start: { line, column: 5 } },
});
const report = (files: Record<string, MutantStatus[]>): MutationReport => ({
  files: Object.fromEntries(Object.entries(files).map(([file, statuses]) => [file, { mutants: statuses.map((status, i) => mutant(status, i + 1)) }])),
});

describe("mutation scores per file", () => {
  it("counts killed and timed-out mutants as detected, survivors and uncovered ones as missed, and leaves out the rest", () => {
    // GIVEN
    const scores = fileScores(
      report({ "lib/a.ts": ["Killed", "Timeout", "Survived", "NoCoverage", "Ignored", "CompileError", "RuntimeError", "Killed"] }),
    );
    // THEN 3 of 5 scored mutants
    expect(scores).toEqual([
      {
        file: "lib/a.ts",
        detected: 3,
        undetected: 2,
        score: 60,
        survivors: ["lib/a.ts:3:5 ConditionalExpression -> true", "lib/a.ts:4:5 ConditionalExpression -> true"],
      },
    ]);
  });

  it("judges each file alone: a weak file fails even when the total passes", () => {
    // GIVEN 19 of 20 killed in one file, 8 of 10 in another: 90% in all
    const scores = fileScores(
      report({ "lib/strong.ts": [...Array(19).fill("Killed"), "Survived"], "lib/weak.ts": [...Array(8).fill("Killed"), "Survived", "Survived"] }),
    );
    // THEN
    expect(belowMinimum(scores, 90).map((s) => s.file)).toEqual(["lib/weak.ts"]);
  });

  it("passes a file at exactly the minimum, and one with no scored mutant", () => {
    const scores = fileScores(report({ "lib/edge.ts": [...Array(9).fill("Killed"), "Survived"], "lib/none.ts": ["Ignored"] }));
    expect(scores.map((s) => s.score)).toEqual([90, undefined]);
    expect(belowMinimum(scores, 90)).toEqual([]);
  });

  it("lists the mutants no test noticed in the files below the minimum, and only those", () => {
    // GIVEN
    const scores = fileScores(report({ "lib/strong.ts": ["Killed"], "lib/weak.ts": ["Killed", "Survived"] }));
    // WHEN
    const text = formatScores(scores, 90);
    // THEN
    expect(text).toContain("Below 90%: lib/weak.ts. Mutants no test noticed:\n  lib/weak.ts:2:5 ConditionalExpression -> true");
    expect(text).toMatch(/lib\/strong\.ts\s+100\.0\s+1\s+0/);
    expect(formatScores(fileScores(report({ "lib/strong.ts": ["Killed"] })), 90)).toContain("Every file scores at least 90%.");
  });

  it("writes the doc from the report: a row per file, the total, and every mutant no test noticed", () => {
    // GIVEN
    const scores = fileScores(report({ "lib/a.ts": ["Killed", "Killed", "Killed", "Survived"], "lib/b.ts": ["Killed"] }));
    // WHEN
    const doc = mutationDoc(scores, 90, { date: "2026-11-29", seconds: 61.6, mutants: 5, args: [] });
    // THEN
    expect(doc).toContain("Written by `npm run test:mutation` on 2026-11-29: 5 mutants, the run took\n62 s");
    expect(doc).toContain("| `lib/a.ts` | 75.0% | 3 | 1 |\n| `lib/b.ts` | 100.0% | 1 | 0 |\n| all | 80.0% | 4 | 1 |");
    expect(doc).toContain("- `lib/a.ts:4:5 ConditionalExpression -> true`");
  });
});
