import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { rawConfig } from "./support/fixtures";

const root = resolve(__dirname, "..");

/** Runs `npm run synth`'s command with a config file and a private outdir. */
function synth(configText: string, outdir: string) {
  const configPath = join(mkdtempSync(join(tmpdir(), "main-test-")), "config.json");
  writeFileSync(configPath, configText);
  return spawnSync(process.execPath, ["--import", "tsx", "main.ts"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, ASSUME_ROLE_CONFIG: configPath, CDKTF_OUTDIR: outdir },
  });
}

describe("main.ts", () => {
  it("fails before writing anything when the config is invalid, listing every problem", () => {
    // GIVEN an existing synth output
    const outdir = mkdtempSync(join(tmpdir(), "main-out-"));
    mkdirSync(join(outdir, "stacks", "kept"), { recursive: true });
    writeFileSync(join(outdir, "manifest.json"), "previous");
    // WHEN synth runs with two mistakes
    const result = synth(JSON.stringify(rawConfig({ region: "moon-1", source: { accountId: "123" } })), outdir);
    // THEN it exits non-zero, names both, and leaves the output alone
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("(2 problems)");
    expect(result.stderr).toContain('- region: got "moon-1"');
    expect(result.stderr).toContain('- source.accountId: got "123"');
    expect(readFileSync(join(outdir, "manifest.json"), "utf8")).toBe("previous");
  });

  it("synthesizes the stacks of a valid config", () => {
    const outdir = mkdtempSync(join(tmpdir(), "main-out-"));
    const result = synth(JSON.stringify(rawConfig()), outdir);
    expect(result.status).toBe(0);
    expect(Object.keys(JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")).stacks).sort()).toEqual([
      "destination-ec2",
      "destination-iam",
    ]);
  });
});
