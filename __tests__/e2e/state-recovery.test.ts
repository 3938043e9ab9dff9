import { refusedStateWrite, type StateWriteScenario } from "../../tools/proof/reliability";
import { E2E_TIMEOUT_MS, expectSucceeded, itHoldsEveryCheck, stepOf } from "./support";

/**
 * A state write S3 refuses after the resources were created: Terraform
 * leaves what it could not save in errored.tfstate; the workflow keeps it
 * out of cdktf.out, refuses the stack until `npm run recover` pushes it
 * back, and afterwards the backend holds everything AWS does.
 */
let scenario: StateWriteScenario;
const step = (name: string) => stepOf(scenario, name);
const REFUSED =
  "destination-ec2: refused: Terraform could not save destination-ec2's state after an apply, so its backend does not know everything AWS holds; " +
  "what it could not save is in recovery/destination-ec2.errored.tfstate.";

beforeAll(async () => {
  scenario = await refusedStateWrite({ name: "e2e/state-recovery" });
}, 3 * E2E_TIMEOUT_MS);

describe("a state write that S3 refuses after the resources were created", () => {
  itHoldsEveryCheck(() => scenario);

  it("fails the stack with one message saying where the unsaved state is kept and how to recover", () => {
    const deploy = step("deploy, the EC2 state write refused");
    expect(deploy.result.code).toBe(1);
    expect(deploy.result.output.match(/destination-ec2: failed: Terraform changed AWS but could not save the state\./g)).toHaveLength(1);
    expect(deploy.result.output).toContain("Push it back with npm run recover -- destination-ec2, then run this again.");
    expect(deploy.result.output).toContain("deploy: 1 deployed, 0 unchanged, 0 deferred, 1 failed, 0 refused, 0 skipped");
    // The instance exists in AWS, and the unsaved state the workflow kept, out of cdktf.out, holds it.
    expect(deploy.instances).toHaveLength(1);
    expect(scenario.keptInstanceIds).toEqual(deploy.instances);
    expect(scenario.leftInStackFolder).toBe(false);
  });

  it("refuses the stack in every later run, planning nothing over the lost state", () => {
    for (const name of ["deploy again", "plan"]) {
      const { result, launches, instances } = step(name);
      expect(result.code).toBe(1);
      expect(result.output).toContain(REFUSED);
      expect(result.output).not.toMatch(/destination-ec2: (deploy|plan) started|^destination-ec2 {2}(?!\d{12})/m);
      expect({ launches, instances: instances.length }).toEqual({ launches: 1, instances: 1 });
    }
  });

  it("npm run recover pushes the saved state back: every resource AWS holds is in state, and a plan finds no changes", () => {
    const recover = step("recover");
    expectSucceeded(recover.result);
    expect(recover.result.output).toMatch(/destination-ec2: recovered; its backend holds the state again/);
    expect(scenario.recovered.instanceIds).toEqual(recover.instances);
    expect(scenario.recovered.roles).toEqual(["cdktf-assume-role-ec2"]);
    expect(scenario.recovered.files).toEqual([expect.stringMatching(/^destination-ec2\.errored\.tfstate\.pushed-/)]);
    const plan = step("plan again");
    expect(plan.result.code).toBe(0);
    expect(plan.result.output.match(/No changes\. Your infrastructure matches the configuration\./g)).toHaveLength(2);
  });

  it("recover again finds nothing to do, and a destroy then leaves nothing", () => {
    const again = step("recover again");
    expectSucceeded(again.result);
    expect(again.result.output).toContain("destination-ec2: nothing to recover (no unsaved state in recovery/)");
    const destroy = step("destroy");
    expectSucceeded(destroy.result);
    expect(destroy.instances).toEqual([]);
    expect(destroy.left.filter((arn: string) => !arn.startsWith("tf-state-recovery/"))).toEqual([]);
    expect(destroy.launches).toBe(1);
  });
});
