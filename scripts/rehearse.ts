import { join } from "node:path";
import { loadConfig } from "../lib/config";
import { proveConfig } from "../tools/proof/proof";
import { ProvidersUnavailableError } from "../tools/proof/terraform";
import { runScript } from "./entry";

/**
 * `npm run rehearse`: validates every stack of the selected config (JSON and
 * HCL) and rehearses its apply with mocked providers, then prints what would
 * be created, in which account, through which role.
 */
async function main(): Promise<number> {
  const started = Date.now();
  const report = await proveConfig(loadConfig(), { workDir: join(".terraform-work", "rehearse"), progress: (line) => console.log(line) });
  for (const v of report.validations) {
    console.log(`${v.valid ? "ok  " : "FAIL"} terraform validate ${v.stack} (${v.format})${v.problems.map((p) => `\n       ${p}`).join("")}`);
  }
  for (const r of report.rehearsals) {
    console.log(`\n${r.summary.join("\n")}`);
    for (const o of r.outcomes) {
      const detail = o.asExpected ? "" : o.diagnostics.map((d) => `\n       ${d}`).join("");
      console.log(
        `  ${o.asExpected ? "ok  " : "FAIL"} rehearsal ${o.file}: ${o.status}${o.file.startsWith("wrong-") && o.asExpected ? " (stopped, as it must)" : ""}${detail}`,
      );
    }
  }
  console.log(`\n${report.ok ? "Rehearsal passed" : "Rehearsal FAILED"} in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return report.ok ? 0 : 1;
}

runScript(main, [ProvidersUnavailableError]);
