import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { main } from "../main";
import { rawConfig } from "./support/fixtures";
import { withEnv } from "../tools/proof/env";

/** A config file and an outdir of their own. */
function workspace(config: unknown): { configPath: string; outdir: string } {
  const dir = mkdtempSync(join(tmpdir(), "main-test-"));
  writeFileSync(join(dir, "config.json"), JSON.stringify(config));
  return { configPath: join(dir, "config.json"), outdir: join(dir, "cdktf.out") };
}

describe("main.ts, as npm run synth runs it", () => {
  it("exits 1 before writing anything when the config is invalid, listing every problem", async () => {
    // GIVEN an existing synth output and a config with two mistakes
    const { configPath, outdir } = workspace(rawConfig({ region: "moon-1", source: { accountId: "123" } }));
    mkdirSync(join(outdir, "stacks", "kept"), { recursive: true });
    writeFileSync(join(outdir, "manifest.json"), "previous");
    // WHEN the real process runs
    const { status, stderr } = await new Promise<{ status: number; stderr: string }>((done) =>
      execFile(
        process.execPath,
        ["--import", "tsx", "main.ts"],
        { cwd: resolve(__dirname, ".."), env: { ...process.env, ASSUME_ROLE_CONFIG: configPath, CDKTF_OUTDIR: outdir } },
        (error, _stdout, stderr) => done({ status: error ? Number(error.code ?? 1) : 0, stderr }),
      ),
    );
    // THEN
    expect(status).toBe(1);
    expect(stderr).toContain("(2 problems)");
    expect(stderr).toContain('- region: got "moon-1"');
    expect(stderr).toContain('- source.accountId: got "123"');
    expect(readFileSync(join(outdir, "manifest.json"), "utf8")).toBe("previous");
  }, 30_000);
});

describe("main()", () => {
  it("synthesizes the stacks of a valid config and drops stale stack folders", () => {
    // GIVEN a stale stack from an earlier synth
    const { configPath, outdir } = workspace(rawConfig());
    mkdirSync(join(outdir, "stacks", "removed-destination-iam"), { recursive: true });
    // WHEN
    const code = withEnv({ ASSUME_ROLE_CONFIG: configPath, CDKTF_OUTDIR: outdir }, main);
    // THEN
    expect(code).toBe(0);
    expect(Object.keys(JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")).stacks).sort()).toEqual([
      "destination-ec2",
      "destination-iam",
    ]);
    expect(() => readFileSync(join(outdir, "stacks", "removed-destination-iam"))).toThrow(/ENOENT/);
  });
});
