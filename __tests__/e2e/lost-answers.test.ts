import { lostAnswers, type Scenario } from "../../tools/proof/reliability";
import { E2E_TIMEOUT_MS, expectSucceeded, itHoldsEveryCheck, stepOf } from "./support";

/**
 * AWS acts on a call and its answer never arrives (the connection cut after the effect), end to end: the SDK inside
 * the provider retries, and meets what the first call did.
 */
let scenario: Scenario;
const step = (name: string) => stepOf(scenario, name);

beforeAll(async () => {
  scenario = await lostAnswers({ name: "e2e/lost-answers" });
}, 3 * E2E_TIMEOUT_MS);

describe("answers AWS acted on and lost on the way", () => {
  itHoldsEveryCheck(() => scenario);

  it("a lost RunInstances launches one instance: the retry's ClientToken is the first call's, and EC2 answers with that launch", () => {
    const deploy = step("deploy, the RunInstances answer lost");
    expectSucceeded(deploy.result);
    expect(deploy.faults).toEqual({ "lost-response": 1 });
    expect(deploy.instances).toHaveLength(1);
    expect(deploy.launches).toBe(1);
  });

  it("a lost CreateRole fails the IAM stack once, naming the role, its address and the import that adopts it; the EC2 stack waits", () => {
    const deploy = step("deploy, the CreateRole answer lost");
    expect(deploy.result.code).toBe(1);
    expect(deploy.faults).toEqual({ "lost-response": 1 });
    expect(
      deploy.result.output.match(
        /destination-iam: failed: IAM Role cdktf-assume-role-ec2 \(aws_iam_role\.role\) exists in AWS but not in the state: npm run import -- destination-iam aws_iam_role\.role cdktf-assume-role-ec2\. /g,
      ),
    ).toHaveLength(1);
    expect(deploy.result.output).toContain("destination-ec2: skipped: destination-iam did not deploy");
    expect(deploy.left).toContain("arn:aws:iam::222222222222:role/cdktf-assume-role-ec2");
  });

  it("after the import, the deploy adopts the role instead of creating it again, and the destroy removes it", () => {
    const imported = step("import the role");
    const deploy = step("deploy again");
    expectSucceeded(imported.result);
    expect(imported.result.output).toContain("Import successful!");
    expect(imported.result.output).not.toContain("\u001b[");
    expectSucceeded(deploy.result);
    expect(deploy.result.output).not.toMatch(/aws_iam_role\.role: Creating/);
    expect(step("destroy again").left).toEqual([]);
  });
});
