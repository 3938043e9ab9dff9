import type { FaultOptions } from "../../tools/aws-double/faults";
import { transientFaults, type Scenario } from "../../tools/proof/reliability";
import { E2E_TIMEOUT_MS, expectSucceeded, itHoldsEveryCheck, stepOf } from "./support";

/**
 * AWS's transient faults, end to end: the real workflow, Terraform and
 * provider against a double that answers a share of the calls with
 * throttling, a server error or a cut connection, before acting on them.
 */
const FAULTS: FaultOptions = { rate: 0.1, seed: 20261204 };
let scenario: Scenario;
const step = (name: string) => stepOf(scenario, name);

beforeAll(async () => {
  scenario = await transientFaults(FAULTS, { name: "e2e/faults" });
}, 3 * E2E_TIMEOUT_MS);

describe(`a deploy while AWS throttles, fails and cuts connections on ${FAULTS.rate * 100}% of the calls`, () => {
  itHoldsEveryCheck(() => scenario);

  it("converges: the provider retries every faulted call, and the role and one instance exist", () => {
    const deploy = step("deploy");
    expectSucceeded(deploy.result);
    expect(deploy.result.output).toContain("deploy: 2 deployed, 0 unchanged, 0 deferred, 0 failed, 0 refused, 0 skipped");
    expect(deploy.launches).toBe(1);
    expect(deploy.instances).toHaveLength(1);
    expect(deploy.left).toContain("arn:aws:iam::222222222222:role/cdktf-assume-role-ec2");
  });

  it("leaves nothing to change: a plan with the faults still on finds no changes in either stack", () => {
    const plan = step("plan again");
    expect(plan.result.code).toBe(0);
    expect(plan.result.output.match(/No changes\. Your infrastructure matches the configuration\./g)).toHaveLength(2);
  });

  it("destroys to nothing under the same faults, having answered every kind of fault more than once", () => {
    const destroy = step("destroy");
    expectSucceeded(destroy.result);
    expect(destroy.left).toEqual([]);
    const total: Record<string, number> = {};
    for (const s of scenario.steps) for (const [kind, count] of Object.entries(s.faults)) total[kind] = (total[kind] ?? 0) + count;
    expect(Object.keys(total).sort()).toEqual(["reset", "server-error", "throttle"]);
    expect(Object.values(total).every((count) => count >= 2)).toBe(true);
  });
});
