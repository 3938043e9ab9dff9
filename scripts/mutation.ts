import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { belowMinimum, fileScores, formatScores, mutationDoc, type MutationReport } from "../tools/proof/mutation";
import { runScript } from "./entry";

/** Every mutated file must score at least this (issue: tests that would notice). */
const MINIMUM_SCORE = 90;
const root = join(__dirname, "..");

/**
 * `npm run test:mutation`: Stryker on the security and config modules
 * (stryker.config.mjs), incrementally from the committed last run, then each
 * file's score against the minimum. Extra arguments go to Stryker
 * (`-- --force` for a full run).
 */
runScript(() => {
  const started = Date.now();
  const stryker = spawnSync(join(root, "node_modules", ".bin", "stryker"), ["run", ...process.argv.slice(2)], { stdio: "inherit", cwd: root });
  if (stryker.status !== 0) return stryker.status ?? 1;
  const report = JSON.parse(readFileSync(join(root, "reports", "mutation", "mutation.json"), "utf8")) as MutationReport;
  const scores = fileScores(report);
  console.log(`\n${formatScores(scores, MINIMUM_SCORE)}`);
  const mutants = Object.values(report.files).reduce((sum, f) => sum + f.mutants.length, 0);
  const run = { date: new Date().toISOString().slice(0, 10), seconds: (Date.now() - started) / 1000, mutants, args: process.argv.slice(2) };
  writeFileSync(join(root, "docs", "mutation.md"), mutationDoc(scores, MINIMUM_SCORE, run));
  return belowMinimum(scores, MINIMUM_SCORE).length ? 1 : 0;
});
