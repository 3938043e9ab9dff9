import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** `npm run lint` fails on an import circle (dpdm, type imports included): the check can fail. */
const ROOT = resolve(__dirname, "..");
const dpdm = (cwd: string, files: string[]) =>
  spawnSync(join(ROOT, "node_modules", ".bin", "dpdm"), ["--no-warning", "--no-tree", "--no-progress", "--exit-code", "circular:1", ...files], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, FORCE_COLOR: "0" },
  });

describe("the import-circle check", () => {
  it("fails on a circle closed by type imports alone", () => {
    // GIVEN two modules that import each other's types only
    const dir = mkdtempSync(join(tmpdir(), "cycles-"));
    writeFileSync(join(dir, "a.ts"), 'import type { B } from "./b";\nexport interface A { b?: B }\n');
    writeFileSync(join(dir, "b.ts"), 'import type { A } from "./a";\nexport interface B { a?: A }\n');
    // WHEN / THEN
    const result = dpdm(dir, ["a.ts"]);
    expect({ status: result.status, circle: /1\) a\.ts -> b\.ts/.test(result.stdout) }).toEqual({ status: 1, circle: true });
  });

  it("passes on the project", () => {
    expect(dpdm(ROOT, ["main.ts", "app.ts", "scripts/*.ts", "tools/**/*.ts"]).status).toBe(0);
  });
});
