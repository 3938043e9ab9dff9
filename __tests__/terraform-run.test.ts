import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runTerraform, TERRAFORM_GOGC } from "../tools/terraform/run";
import { withEnv } from "../tools/proof/env";

/**
 * A stand-in `terraform` first on PATH that prints its arguments and the
 * environment runTerraform gives it: what is tested here is what this module
 * hands the process, not what Terraform does with it (the Terraform and
 * end-to-end projects run the real one).
 */
function standIn(): string {
  const bin = mkdtempSync(join(tmpdir(), "terraform-stand-in-"));
  const script = join(bin, "terraform");
  writeFileSync(script, '#!/bin/sh\necho "args=$*"\necho "GOGC=$GOGC TF_INPUT=$TF_INPUT EXTRA=$EXTRA"\necho "to stderr" >&2\nexit 3\n');
  chmodSync(script, 0o755);
  return `${bin}:${process.env.PATH ?? ""}`;
}

describe("runTerraform", () => {
  it("starts Terraform with Go's collector at TERRAFORM_GOGC and the unattended settings, and streams each line", async () => {
    // GIVEN no GOGC of the user's
    const lines: string[] = [];
    // WHEN
    const run = await withEnv({ PATH: standIn(), GOGC: undefined, TF_INPUT: "1" }, () =>
      runTerraform(["plan", "-input=false"], { cwd: tmpdir(), env: { EXTRA: "x" }, onLine: (line, stream) => lines.push(`${stream}: ${line}`) }),
    );
    // THEN the settings win over the process's own, and every line arrives whole, once
    expect(run).toEqual({ code: 3, stdout: `args=plan -input=false\nGOGC=${TERRAFORM_GOGC} TF_INPUT=0 EXTRA=x\n`, stderr: "to stderr\n" });
    expect(lines.sort()).toEqual(["stderr: to stderr", `stdout: GOGC=${TERRAFORM_GOGC} TF_INPUT=0 EXTRA=x`, "stdout: args=plan -input=false"].sort());
  });

  it("keeps a GOGC the user set", async () => {
    const run = await withEnv({ PATH: standIn(), GOGC: "150" }, () => runTerraform(["version"], { cwd: tmpdir() }));
    expect(run.stdout).toContain("GOGC=150 ");
  });

  it("fails with code 127, never a throw, when terraform cannot start", async () => {
    const run = await withEnv({ PATH: mkdtempSync(join(tmpdir(), "empty-path-")) }, () => runTerraform(["version"], { cwd: tmpdir() }));
    expect(run.code).toBe(127);
    expect(run.stderr).toContain("ENOENT");
  });
});
