import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { AwsError } from "../../tools/aws-double/protocol";
import { PROJECT_ROOT, TUTORIAL_PROFILES, Workspace } from "../../tools/proof/e2e";
import { E2E_TIMEOUT_MS, expectSucceeded, unexpectedCalls } from "./support";

/**
 * A state write S3 refuses after the resources were created: Terraform
 * leaves what it could not save in errored.tfstate; the workflow keeps it
 * out of cdktf.out, refuses the stack until `npm run recover` pushes it
 * back, and afterwards the backend holds everything AWS does.
 */
type Json = Record<string, unknown>;
type State = { resources?: { type: string; instances: { attributes: { id?: string; arn?: string } }[] }[] };
const example = JSON.parse(readFileSync(join(PROJECT_ROOT, "config/default.json"), "utf8")) as Json;
const BUCKET = "tf-state-recovery";
const PREFIX = "assume-role";
const EC2_STATE = `${PREFIX}/destination-ec2.tfstate`;
let ws: Workspace;
let kept: string;
const stateIn = (key: string) => JSON.parse(ws.double.s3.objectText(BUCKET, key) ?? "{}") as State;
const idsOf = (state: State, type: string) =>
  (state.resources ?? []).filter((r) => r.type === type).flatMap((r) => r.instances.map((i) => i.attributes.id));
const instanceIds = () =>
  ws.double.ec2
    .instances()
    .filter((i) => i.state !== "terminated")
    .map((i) => i.id);
const launches = () => ws.double.calls.filter((c) => c.action === "RunInstances" && c.status === 200).length;

beforeAll(async () => {
  ws = await Workspace.open(
    "e2e/state-recovery",
    { ...example, backend: { type: "s3", bucket: BUCKET, keyPrefix: PREFIX, region: "us-east-2", usePathStyle: true } },
    { profiles: [...TUTORIAL_PROFILES] },
  );
  kept = join(ws.dir, "recovery", "destination-ec2.errored.tfstate");
  const s3 = new S3Client({ region: "us-east-2", endpoint: ws.double.url, credentials: ws.double.profiles.source, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});
afterAll(() => ws.close());

describe("a state write that S3 refuses after the resources were created", () => {
  it(
    "fails the stack with one message saying where the unsaved state is kept and how to recover",
    async () => {
      // GIVEN S3 refuses every write of the EC2 stack's state
      const lift = ws.double.injectTargetedFault({
        matches: (call) => call.action === "PutObject" && call.params.get("Key") === EC2_STATE,
        error: new AwsError("AccessDenied", "Access Denied", 403),
      });
      // WHEN
      const result = await ws.run("deploy", ["--auto-approve"]);
      lift();
      // THEN the instance exists in AWS, the backend does not know it, and the state Terraform could not save is kept
      expect(result.code).toBe(1);
      expect(result.output.match(/destination-ec2: failed: Terraform changed AWS but could not save the state\./g)).toHaveLength(1);
      expect(result.output).toContain("Push it back with npm run recover -- destination-ec2, then run this again.");
      expect(result.output).toContain("deploy: 1 deployed, 0 unchanged, 0 deferred, 1 failed, 0 refused, 0 skipped");
      expect(instanceIds()).toHaveLength(1);
      expect(ws.double.s3.objectText(BUCKET, EC2_STATE)).toBeUndefined();
      expect(idsOf(JSON.parse(readFileSync(kept, "utf8")) as State, "aws_instance")).toEqual(instanceIds());
      expect(existsSync(join(ws.dir, "cdktf.out", "stacks", "destination-ec2", "errored.tfstate"))).toBe(false);
    },
    E2E_TIMEOUT_MS,
  );

  it(
    "refuses the stack in every later run, planning nothing over the lost state",
    async () => {
      // GIVEN S3 takes writes again
      const launched = launches();
      // WHEN deploy and plan run again
      const deploy = await ws.run("deploy", ["--auto-approve"]);
      const plan = await ws.run("plan");
      // THEN both refuse the EC2 stack; no second instance, no plan of it
      for (const result of [deploy, plan]) {
        expect(result.code).toBe(1);
        expect(result.output).toContain(
          "destination-ec2: refused: Terraform could not save destination-ec2's state after an apply, so its backend does not know everything AWS holds; what it could not save is in recovery/destination-ec2.errored.tfstate.",
        );
        expect(result.output).not.toMatch(/destination-ec2: (deploy|plan) started|^destination-ec2 {2}(?!\d{12})/m);
      }
      expect(launches()).toBe(launched);
      expect(instanceIds()).toHaveLength(1);
    },
    E2E_TIMEOUT_MS,
  );

  it(
    "npm run recover pushes the saved state back: every resource AWS holds is in state, and a plan finds no changes",
    async () => {
      // WHEN
      const recover = await ws.run("recover", ["destination-ec2"]);
      const diff = await ws.run("diff");
      // THEN
      expectSucceeded(recover);
      expect(recover.output).toMatch(/destination-ec2: recovered; its backend holds the state again/);
      expect(existsSync(kept)).toBe(false);
      expect(readdirSync(join(ws.dir, "recovery")).filter((f) => f.startsWith("destination-ec2.errored.tfstate.pushed-"))).toHaveLength(1);
      expect(idsOf(stateIn(EC2_STATE), "aws_instance")).toEqual(instanceIds());
      expect(idsOf(stateIn(`${PREFIX}/destination-iam.tfstate`), "aws_iam_role")).toEqual(["cdktf-assume-role-ec2"]);
      expect(diff.code).toBe(0);
      expect(diff.output.match(/No changes\. Your infrastructure matches the configuration\./g)).toHaveLength(2);
    },
    E2E_TIMEOUT_MS,
  );

  it(
    "recover again finds nothing to do, and a destroy then leaves nothing",
    async () => {
      // WHEN
      const again = await ws.run("recover", ["destination-ec2"]);
      const destroy = await ws.run("destroy", ["--auto-approve"]);
      // THEN
      expectSucceeded(again);
      expect(again.output).toContain("destination-ec2: nothing to recover (no unsaved state in recovery/)");
      expectSucceeded(destroy);
      expect(instanceIds()).toEqual([]);
      expect(ws.double.inventory().iam["222222222222"] ?? []).toEqual([]);
      expect(unexpectedCalls(ws.double.calls).filter((c) => !c.startsWith("s3:PutObject"))).toEqual([]);
    },
    E2E_TIMEOUT_MS,
  );
});
