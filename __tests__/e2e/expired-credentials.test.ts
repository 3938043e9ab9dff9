import { expiringCredentials, type Scenario } from "../../tools/proof/reliability";
import { E2E_TIMEOUT_MS, expectSucceeded, itHoldsEveryCheck, stepOf } from "./support";

/** Credentials that expire in the middle of a run, as IAM Identity Center's and CI's session credentials do. */
let scenario: Scenario;
const step = (name: string) => stepOf(scenario, name);

beforeAll(async () => {
  scenario = await expiringCredentials({ name: "e2e/expired-credentials" });
}, 3 * E2E_TIMEOUT_MS);

describe("the source credentials expiring once the IAM stack is applied", () => {
  itHoldsEveryCheck(() => scenario);

  it("are reported as such, with the profile to renew and what to do, once; nothing was retried as if IAM were slow", () => {
    const deploy = step("deploy, the source credentials expiring as the EC2 stack starts");
    expect(deploy.result.code).toBe(1);
    expect(deploy.result.output).toContain("destination-iam: deployed");
    expect(
      deploy.result.output.match(/destination-ec2: failed: the AWS credentials expired during the run \(ExpiredToken; profile source\)/g),
    ).toHaveLength(1);
    expect(deploy.result.output).toContain("renew them (aws sso login --profile source, or new session credentials) and run the same command again");
    expect(deploy.result.output).not.toContain("the role cannot be assumed yet");
    expect(deploy.instances).toEqual([]);
  });

  it("renewed, the same deploy converges: the IAM stack unchanged, the EC2 stack deployed, one instance", () => {
    const again = step("deploy again, renewed");
    expectSucceeded(again.result);
    expect(again.result.output).toContain("deploy: 1 deployed, 1 unchanged, 0 deferred, 0 failed, 0 refused, 0 skipped");
    expect({ launches: again.launches, instances: again.instances.length }).toEqual({ launches: 1, instances: 1 });
    expectSucceeded(step("destroy").result);
    expect(step("destroy").left).toEqual([]);
  });
});
