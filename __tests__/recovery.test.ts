import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keepErroredState, pendingRecovery, pushErroredState, recoveryFile, recoveryNeeded } from "../tools/operations/recovery";

/** A project folder with one stack folder in it, as a synth leaves it. */
function project() {
  const root = mkdtempSync(join(tmpdir(), "recovery-"));
  const stackDir = join(root, "cdktf.out", "stacks", "dev-ec2");
  mkdirSync(stackDir, { recursive: true });
  const leave = (text: string) => writeFileSync(join(stackDir, "errored.tfstate"), text);
  return { root, stackDir, leave };
}

describe("keepErroredState", () => {
  it("moves errored.tfstate out of the stack folder into recovery/, and says where", () => {
    // GIVEN a failed apply left its unsaved state
    const { root, stackDir, leave } = project();
    leave('{"serial": 3}');
    // WHEN
    const kept = keepErroredState("dev-ec2", stackDir, root);
    // THEN
    expect(kept).toBe(join(root, "recovery", "dev-ec2.errored.tfstate"));
    expect(readFileSync(kept as string, "utf8")).toBe('{"serial": 3}');
    expect(existsSync(join(stackDir, "errored.tfstate"))).toBe(false);
  });

  it("never writes over an earlier unsaved state: the next one gets a number", () => {
    // GIVEN one unsaved state kept already, and another left since
    const { root, stackDir, leave } = project();
    leave("first");
    keepErroredState("dev-ec2", stackDir, root);
    leave("second");
    // WHEN
    const kept = keepErroredState("dev-ec2", stackDir, root);
    // THEN
    expect(kept).toBe(join(root, "recovery", "dev-ec2.2.errored.tfstate"));
    expect(readFileSync(recoveryFile("dev-ec2", root), "utf8")).toBe("first");
    expect(readFileSync(kept as string, "utf8")).toBe("second");
    // AND a third gets the next number
    leave("third");
    expect(keepErroredState("dev-ec2", stackDir, root)).toBe(join(root, "recovery", "dev-ec2.3.errored.tfstate"));
  });

  it("does nothing when there is no errored.tfstate", () => {
    const { root, stackDir } = project();
    expect(keepErroredState("dev-ec2", stackDir, root)).toBeUndefined();
    expect(existsSync(join(root, "recovery"))).toBe(false);
  });
});

describe("pendingRecovery", () => {
  it("finds a stack's unsaved state in recovery/, moving one still in the stack folder there first", () => {
    // GIVEN a run killed between the failed apply and the move
    const { root, stackDir, leave } = project();
    leave("unsaved");
    // WHEN / THEN
    expect(pendingRecovery("dev-ec2", stackDir, root)).toBe(join(root, "recovery", "dev-ec2.errored.tfstate"));
    expect(pendingRecovery("dev-iam", join(root, "cdktf.out", "stacks", "dev-iam"), root)).toBeUndefined();
  });
});

describe("recoveryNeeded", () => {
  it("says why the stack is refused, where its unsaved state is, and the one command that puts it right", () => {
    expect(recoveryNeeded("dev-ec2", "/p/recovery/dev-ec2.errored.tfstate", "/p")).toBe(
      "Terraform could not save dev-ec2's state after an apply, so its backend does not know everything AWS holds; " +
        "what it could not save is in recovery/dev-ec2.errored.tfstate. Planning now would plan over the lost state and create again what exists. " +
        "Push it back with npm run recover -- dev-ec2, then run this again.",
    );
  });
});

describe("pushErroredState", () => {
  it("runs terraform state push with the file, then keeps it under a name that is never pushed again", async () => {
    // GIVEN
    const { root, stackDir, leave } = project();
    leave("unsaved");
    const file = keepErroredState("dev-ec2", stackDir, root) as string;
    const calls: string[][] = [];
    // WHEN
    const result = await pushErroredState(
      file,
      async (args) => {
        calls.push([...args]);
        return { code: 0, stdout: "", stderr: "" };
      },
      new Date("2026-12-04T15:00:00.000Z"),
    );
    // THEN
    expect(calls).toEqual([["state", "push", file]]);
    expect(result).toEqual({ pushed: true, keptAs: `${file}.pushed-2026-12-04T15-00-00-000Z` });
    expect(readdirSync(join(root, "recovery"))).toEqual(["dev-ec2.errored.tfstate.pushed-2026-12-04T15-00-00-000Z"]);
    expect(pendingRecovery("dev-ec2", stackDir, root)).toBeUndefined();
  });

  it("fails if Terraform refuses the push, with its reason on one line, and keeps the file where it was", async () => {
    // GIVEN
    const { root, stackDir, leave } = project();
    leave("unsaved");
    const file = keepErroredState("dev-ec2", stackDir, root) as string;
    // WHEN
    const result = await pushErroredState(file, async () => ({
      code: 1,
      stdout: "",
      stderr: 'Failed to write state: cannot import\n  state with lineage "a" over unrelated state with lineage "b"',
    }));
    // THEN
    expect(result).toEqual({
      pushed: false,
      reason: 'Failed to write state: cannot import state with lineage "a" over unrelated state with lineage "b"',
    });
    expect(existsSync(file)).toBe(true);
  });

  it.each([
    [
      "Terraform's reason on stdout when stderr has only blank lines",
      { stderr: "\n  \n", stdout: " Error: state serial is older \n" },
      "Error: state serial is older",
    ],
    ["the exit code when Terraform said nothing", { stderr: "", stdout: "  " }, "terraform state push exited 1"],
  ])("fails with %s", async (_case, printed, reason) => {
    // GIVEN
    const { root, stackDir, leave } = project();
    leave("unsaved");
    const file = keepErroredState("dev-ec2", stackDir, root) as string;
    // WHEN / THEN
    expect(await pushErroredState(file, async () => ({ code: 1, ...printed }))).toEqual({ pushed: false, reason });
  });
});
