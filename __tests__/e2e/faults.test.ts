import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { FaultOptions } from "../../tools/aws-double/faults";
import { PROJECT_ROOT, TUTORIAL_PROFILES, Workspace } from "../../tools/proof/e2e";
import { E2E_TIMEOUT_MS, expectSucceeded, unexpectedCalls } from "./support";

/**
 * AWS's transient faults, end to end: the real workflow, Terraform and
 * provider against a double that answers a share of the calls with
 * throttling, a server error or a cut connection, before acting on them.
 */
const FAULTS: FaultOptions = { rate: 0.1, seed: 20261204 };
const example = JSON.parse(readFileSync(join(PROJECT_ROOT, "config/default.json"), "utf8")) as Record<string, unknown>;
let ws: Workspace;

beforeAll(async () => {
  ws = await Workspace.open("e2e/faults", example, { profiles: [...TUTORIAL_PROFILES], faults: FAULTS });
});
afterAll(() => ws.close());

/** How many calls got each kind of fault. */
const faultCounts = () =>
  ws.double.calls.reduce<Record<string, number>>((counts, c) => (c.fault ? { ...counts, [c.fault]: (counts[c.fault] ?? 0) + 1 } : counts), {});

describe(`a deploy while AWS throttles, fails and cuts connections on ${FAULTS.rate * 100}% of the calls`, () => {
  it(
    "converges: the provider retries every faulted call, and the instance and role exist once",
    async () => {
      // WHEN
      const result = await ws.run("deploy", ["--auto-approve"]);
      // THEN
      expectSucceeded(result);
      expect(result.output).toContain("deploy: 2 deployed, 0 unchanged, 0 deferred, 0 failed, 0 refused, 0 skipped");
      expect(unexpectedCalls(ws.double.calls)).toEqual([]);
      expect(ws.double.ec2.instances().map((i) => i.state)).toEqual(["running"]);
      expect(ws.double.calls.filter((c) => c.action === "RunInstances" && c.status === 200)).toHaveLength(1);
      expect(ws.double.inventory().iam["222222222222"]).toEqual(["arn:aws:iam::222222222222:role/cdktf-assume-role-ec2"]);
    },
    E2E_TIMEOUT_MS,
  );

  it(
    "leaves nothing to change: a plan with the faults still on finds no changes in either stack",
    async () => {
      // WHEN
      const result = await ws.run("diff");
      // THEN
      expect(result.code).toBe(0);
      expect(result.output.match(/No changes\. Your infrastructure matches the configuration\./g)).toHaveLength(2);
    },
    E2E_TIMEOUT_MS,
  );

  it(
    "destroys to nothing under the same faults",
    async () => {
      // WHEN
      const result = await ws.run("destroy", ["--auto-approve"]);
      // THEN
      expectSucceeded(result);
      expect(Object.values(ws.double.inventory()).flatMap((byAccount) => Object.values(byAccount).flat())).toEqual([]);
      expect(unexpectedCalls(ws.double.calls)).toEqual([]);
      // Over the three runs, every kind of fault was answered, more than once.
      const counts = faultCounts();
      expect(Object.keys(counts).sort()).toEqual(["reset", "server-error", "throttle"]);
      expect(Object.values(counts).every((count) => count >= 2)).toBe(true);
    },
    E2E_TIMEOUT_MS,
  );
});
