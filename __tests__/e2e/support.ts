import type { CallRecord } from "../../tools/aws-double/server";
import type { Scenario, Step } from "../../tools/proof/reliability";
import type { RunResult } from "../../tools/proof/e2e";

/** A deploy through cdktf, Terraform and the provider takes tens of seconds. */
export const E2E_TIMEOUT_MS = 240_000;

/**
 * Calls that failed or were denied, except those AWS answers that way on
 * every run: the provider's aws_ami data source asks GetInstanceUefiData
 * with an image ID, and reads on after AWS's malformed-ID error; Terraform's
 * S3 backend asks HeadObject for a state or lock that does not exist yet.
 */
export function unexpectedCalls(calls: readonly CallRecord[]): string[] {
  return (
    calls
      .filter((c) => !c.fault && (c.status < 200 || c.status > 299 || c.authorizations.some((a) => !a.allowed)))
      .filter((c) => !(c.action === "GetInstanceUefiData" && c.error === "InvalidInstanceID.Malformed"))
      // A state read before a stack's first deploy: its object is not there yet.
      .filter((c) => !((c.action === "HeadObject" && c.error === "NotFound") || (c.action === "GetObject" && c.error === "NoSuchKey")))
      .map((c) => `${c.service}:${c.action} by ${c.caller ?? "unknown"}: ${c.error ?? "denied"}`)
  );
}

/** A run's output as one line: Terraform wraps long diagnostics and the workflow labels each line with its stack. */
export function folded(output: string): string {
  return output.replace(/\n[\w-]+-(?:iam|ec2) {2}/g, " ").replace(/\s+/g, " ");
}

/** Expects a run to succeed; when it did not, the failure shows its last lines, so a CI log says why. */
export function expectSucceeded(result: RunResult): void {
  const tail = result.output.split("\n").slice(-60).join("\n");
  expect(result.code === 0 ? "exit 0" : `exit ${result.code}; its last lines:\n${tail}`).toBe("exit 0");
}

/** A scenario's step by name (tools/proof/reliability.ts); a missing one fails the test that asked. */
export function stepOf(scenario: Scenario, name: string): Step {
  const found = scenario.steps.find((s) => s.name === name);
  if (!found) throw new Error(`no step "${name}" in the scenario; it ran: ${scenario.steps.map((s) => s.name).join(", ")}`);
  return found;
}

/** The test each scenario's suite starts with: every outcome the scenario checks held. */
export function itHoldsEveryCheck(scenario: () => Scenario): void {
  it("holds every outcome the scenario checks", () => {
    expect(
      scenario()
        .checks.filter((c) => !c.held)
        .map((c) => c.name),
    ).toEqual([]);
    expect(scenario().checks.length).toBeGreaterThanOrEqual(3);
  });
}
