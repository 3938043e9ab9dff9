import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { PROJECT_ROOT, TUTORIAL_PROFILES, Workspace } from "../../tools/proof/e2e";
import { E2E_TIMEOUT_MS, expectSucceeded, folded, unexpectedCalls } from "./support";

/**
 * Terraform's S3 backend, end to end: state written, locked with
 * `use_lockfile`'s conditional writes and read across stacks, through a
 * state role the backend assumes, in the AWS double's S3.
 */
type Json = Record<string, unknown>;
const example = JSON.parse(readFileSync(join(PROJECT_ROOT, "config/default.json"), "utf8")) as Json;
const BUCKET = "tf-state-e2e";
const PREFIX = "assume-role";
const STATE_ROLE = "arn:aws:iam::111111111111:role/tf-state";
const config = (tags: Json = { ManagedBy: "cdktf" }): Json => ({
  ...example,
  tags,
  backend: { type: "s3", bucket: BUCKET, keyPrefix: PREFIX, region: "us-east-2", roleArn: STATE_ROLE, usePathStyle: true },
});
const statePolicy = (actions: readonly string[]) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: "s3:ListBucket", Resource: `arn:aws:s3:::${BUCKET}` },
      { Effect: "Allow", Action: actions, Resource: `arn:aws:s3:::${BUCKET}/${PREFIX}/*` },
    ],
  });

let ws: Workspace;
let iam: IAMClient;
let s3: S3Client;
const objects = () => ws.double.inventory().s3["111111111111"] ?? [];
/** What the bucket holds between runs: the two states, no lock. */
const BOTH_STATES = [`${BUCKET}/${PREFIX}/destination-ec2.tfstate`, `${BUCKET}/${PREFIX}/destination-iam.tfstate`];
const state = (stack: string) => JSON.parse(ws.double.s3.objectText(BUCKET, `${PREFIX}/${stack}.tfstate`) ?? "{}") as { resources?: unknown[] };

beforeAll(async () => {
  ws = await Workspace.open("e2e/s3-backend", config(), { profiles: [...TUTORIAL_PROFILES] });
  const source = { region: "us-east-2", endpoint: ws.double.url, credentials: ws.double.profiles.source };
  s3 = new S3Client({ ...source, forcePathStyle: true });
  iam = new IAMClient(source);
  // The bucket and the state role, as the source account's administrator makes them.
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const trust = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "sts:AssumeRole" }],
  };
  await iam.send(new CreateRoleCommand({ RoleName: "tf-state", AssumeRolePolicyDocument: JSON.stringify(trust) }));
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: "tf-state",
      PolicyName: "state",
      PolicyDocument: statePolicy(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]),
    }),
  );
});
afterAll(() => ws.close());

describe("Terraform's S3 backend, end to end in the AWS double", () => {
  it(
    "deploys with both states in the bucket, written by the state role, and no lock left",
    async () => {
      const result = await ws.run("deploy", ["--auto-approve"]);
      expectSucceeded(result);
      expect([...objects()].sort()).toEqual(BOTH_STATES);
      expect(state("destination-iam").resources?.length).toBeGreaterThan(0);
      expect(state("destination-ec2").resources?.length).toBeGreaterThan(0);
      const writes = ws.double.calls.filter((c) => c.service === "s3" && c.action === "PutObject" && c.status === 200);
      expect(new Set(writes.map((c) => c.caller?.replace(/\/[^/]+$/, "")))).toEqual(new Set(["arn:aws:sts::111111111111:assumed-role/tf-state"]));
      // Every state write was locked first: a conditional write of the lock object.
      expect(ws.double.calls.some((c) => c.action === "PutObject" && c.params.Key.endsWith(".tflock"))).toBe(true);
      expect(unexpectedCalls(ws.double.calls)).toEqual([]);
    },
    E2E_TIMEOUT_MS,
  );

  it(
    "deploys again with nothing to change, reading the IAM stack's outputs from S3",
    async () => {
      const before = ws.double.calls.length;
      const result = await ws.run("deploy", ["--auto-approve"]);
      expectSucceeded(result);
      expect(result.output).toMatch(/deploy: 0 deployed, 2 unchanged/);
      expect(result.output).toContain("data.terraform_remote_state.cross-stack-reference-input-destination-iam: Read complete");
      // The workflow read the IAM stack's state from the bucket itself, through the state role, found the role there
      // and planned the EC2 stack alongside.
      expect(result.output).toContain("destination-ec2: deploy started (planned alongside destination-iam, which has no changes)");
      const reads = ws.double.calls
        .slice(before)
        .filter((c) => c.action === "GetObject" && c.caller?.endsWith("assumed-role/tf-state/cdktf-assume-role-state"));
      expect(reads.length).toBeGreaterThan(0);
    },
    E2E_TIMEOUT_MS,
  );

  it(
    "fails on a lock another run holds, with Terraform's message, and leaves the state intact",
    async () => {
      // GIVEN another run holds the IAM stack's lock
      const before = ws.double.s3.objectText(BUCKET, `${PREFIX}/destination-iam.tfstate`);
      const lock = {
        ID: "a1b2c3",
        Operation: "OperationTypeApply",
        Who: "someone@ci",
        Version: "1.11.4",
        Created: new Date().toISOString(),
        Path: `${BUCKET}/${PREFIX}/destination-iam.tfstate`,
      };
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}/destination-iam.tfstate.tflock`, Body: JSON.stringify(lock) }));
      // WHEN a deploy changes it
      ws.writeConfig(config({ ManagedBy: "cdktf", CostCenter: "platform" }));
      const result = await ws.run("deploy", ["--auto-approve"]);
      // THEN
      expect(result.code).toBe(1);
      expect(folded(result.output)).toContain("Error acquiring the state lock");
      expect(folded(result.output)).toContain("someone@ci");
      expect(result.output).toContain("destination-ec2: skipped: destination-iam did not deploy");
      expect(ws.double.s3.objectText(BUCKET, `${PREFIX}/destination-iam.tfstate`)).toBe(before);
      // AND once the other run is done, the IAM stack's deploy goes through
      ws.double.s3.deleteObjectDirect(BUCKET, `${PREFIX}/destination-iam.tfstate.tflock`);
      expectSucceeded(await ws.run("deploy", ["destination-iam", "--auto-approve"]));
      expect(ws.double.s3.objectText(BUCKET, `${PREFIX}/destination-iam.tfstate`)).not.toBe(before);
    },
    E2E_TIMEOUT_MS,
  );

  it(
    "a state role without s3:DeleteObject cannot release its lock, and Terraform says why",
    async () => {
      // GIVEN the state role loses s3:DeleteObject
      await iam.send(
        new PutRolePolicyCommand({ RoleName: "tf-state", PolicyName: "state", PolicyDocument: statePolicy(["s3:GetObject", "s3:PutObject"]) }),
      );
      // WHEN a deploy changes the IAM stack
      ws.writeConfig(config({ ManagedBy: "cdktf", CostCenter: "finance" }));
      const result = await ws.run("deploy", ["destination-iam", "--auto-approve"]);
      // THEN the state was written, but the lock stays, and the message names the refusal
      expect(result.code).not.toBe(0);
      expect(folded(result.output)).toMatch(/Error releasing the state lock[\s\S]*(AccessDenied|not authorized)/);
      expect(objects()).toContain(`${BUCKET}/${PREFIX}/destination-iam.tfstate.tflock`);
      // Put right for the rest: the right back, the stale lock removed by its owner.
      await iam.send(
        new PutRolePolicyCommand({
          RoleName: "tf-state",
          PolicyName: "state",
          PolicyDocument: statePolicy(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]),
        }),
      );
      ws.double.s3.deleteObjectDirect(BUCKET, `${PREFIX}/destination-iam.tfstate.tflock`);
    },
    E2E_TIMEOUT_MS,
  );

  it(
    "destroys both stacks: both states stay in the bucket, empty, and no lock is left",
    async () => {
      const result = await ws.run("destroy", ["--auto-approve"]);
      expectSucceeded(result);
      expect([...objects()].sort()).toEqual(BOTH_STATES);
      expect(state("destination-iam").resources ?? []).toEqual([]);
      expect(state("destination-ec2").resources ?? []).toEqual([]);
      expect(ws.double.inventory().ec2["222222222222"]).toEqual([]);
      // One instance in the whole run: no lock or state problem made Terraform forget it and launch another.
      expect(ws.double.calls.filter((c) => c.action === "RunInstances" && c.status === 200)).toHaveLength(1);
    },
    E2E_TIMEOUT_MS,
  );
});
