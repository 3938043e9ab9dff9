import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { installProviders, pool, ProvidersUnavailableError } from "../tools/proof/terraform";
import { withEnv } from "../tools/proof/env";

describe("installProviders", () => {
  it("fails with one message saying what is missing when terraform is not on PATH", async () => {
    // GIVEN a PATH without terraform
    const attempt = withEnv({ PATH: mkdtempSync(join(tmpdir(), "empty-path-")) }, () =>
      installProviders(mkdtempSync(join(tmpdir(), "work-")), { aws: { source: "aws", version: "5.100.0" } }).catch((error: unknown) => error),
    );
    // WHEN / THEN
    const error = await attempt;
    expect(error).toBeInstanceOf(ProvidersUnavailableError);
    expect((error as Error).message).toMatch(
      /terraform is not on PATH[^\n]*\nProvide it one of two ways:[\s\S]*online:[\s\S]*offline:[\s\S]*TF_PROVIDER_MIRROR/,
    );
  });
});

describe("pool", () => {
  it("runs at most `concurrency` tasks at once and keeps their order", async () => {
    let running = 0;
    let peak = 0;
    const task = (value: number) => async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      return value;
    };
    expect(await pool([1, 2, 3, 4, 5].map(task), 2)).toEqual([1, 2, 3, 4, 5]);
    expect(peak).toBe(2);
  });
});
