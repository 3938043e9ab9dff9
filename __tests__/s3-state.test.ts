import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AwsDouble } from "../tools/aws-double/server";
import { orphanedS3States, stateCheckWarnings, stateReader } from "../tools/operations/state";
import { withEnv } from "../tools/proof/env";

const state = (resources: number) =>
  JSON.stringify({
    version: 4,
    resources: resources ? [{ mode: "managed", type: "aws_iam_role", name: "role", instances: Array.from({ length: resources }, () => ({})) }] : [],
    outputs: {},
  });

const backend = {
  type: "s3",
  bucket: "org-tf-state",
  keyPrefix: "assume-role",
  region: "us-east-1",
  useLockfile: true,
  usePathStyle: false,
} as const;
const STACKS = ["destination-iam", "destination-ec2"];
let double: AwsDouble;
let env: Record<string, string>;

beforeAll(async () => {
  // GIVEN the state bucket of the tutorial's source account, after a destination "old" was removed from the config
  double = await AwsDouble.start({
    profiles: [
      { profile: "source", accountId: "111111111111" },
      { profile: "auditor", accountId: "111111111111", admin: false },
      { profile: "outsider", accountId: "999999999999" },
      { profile: "state-admin", accountId: "444444444444" },
    ],
  });
  env = double.writeProfiles(mkdtempSync(join(tmpdir(), "s3-state-")));
  double.s3.createBucket("111111111111", backend.bucket);
  double.s3.putObject(backend.bucket, "assume-role/old-iam.tfstate", state(3));
  double.s3.putObject(backend.bucket, "assume-role/old-ec2.tfstate", state(0));
  double.s3.putObject(backend.bucket, "assume-role/destination-iam.tfstate", state(5));
  double.s3.putObject(backend.bucket, "assume-role/archive/gone-iam.tfstate", state(2));
  double.s3.putObject(backend.bucket, "other-project/elsewhere-iam.tfstate", state(4));
  // A state account with a state-access role that the source account may assume and that may read the state
  double.s3.createBucket("444444444444", "central-tf-state");
  double.s3.putObject("central-tf-state", "assume-role/old-ec2.tfstate", state(1));
  await iam("state-admin", {
    Action: "CreateRole",
    RoleName: "tf-state",
    AssumeRolePolicyDocument: policy("sts:AssumeRole", "*", "arn:aws:iam::111111111111:root"),
  });
  await iam("state-admin", {
    Action: "PutRolePolicy",
    RoleName: "tf-state",
    PolicyName: "read",
    PolicyDocument: policy(["s3:ListBucket", "s3:GetObject"], "*"),
  });
});

const policy = (action: string | string[], resource: string, principal?: string) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: action, Resource: principal ? undefined : resource, Principal: principal ? { AWS: principal } : undefined },
    ],
  });

/** An IAM query call, signed as the SDKs sign it (the double reads the key from the credential scope). */
async function iam(profile: string, body: Record<string, string>): Promise<void> {
  const response = await fetch(double.url, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `AWS4-HMAC-SHA256 Credential=${double.profiles[profile].accessKeyId}/20261124/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: new URLSearchParams(body).toString(),
  });
  if (response.status !== 200) throw new Error(await response.text());
}
afterAll(() => double.stop());

const check = (profile: string) => withEnv(env, () => orphanedS3States(backend, STACKS, profile));

describe("orphanedS3States", () => {
  it("warns about each stack under the key prefix that the config no longer makes and whose state holds resources", async () => {
    // WHEN
    const warnings = await check("source");
    // THEN only old-iam: old-ec2 holds nothing, destination-iam is still made, the rest is not this project's
    expect(warnings).toEqual([
      's3://org-tf-state/assume-role/old-iam.tfstate holds 3 resource(s), but the config makes no stack old-iam: removing a destination destroys nothing. Put it back with "retired": true, run npm run destroy -- old, then remove it.',
    ]);
    const reads = double.calls.filter((c) => c.service === "s3").map((c) => `${c.action} ${c.params.Key ?? c.params.prefix}`);
    expect(reads).toEqual(["ListObjectsV2 assume-role/", "GetObject assume-role/old-ec2.tfstate", "GetObject assume-role/old-iam.tfstate"]);
  });

  it("reads through the backend's state-access role when it has one", async () => {
    const central = { ...backend, bucket: "central-tf-state", roleArn: "arn:aws:iam::444444444444:role/tf-state" };
    const warnings = await withEnv(env, () => orphanedS3States(central, STACKS, "source"));
    expect(warnings).toEqual([expect.stringMatching(/^s3:\/\/central-tf-state\/assume-role\/old-ec2.tfstate holds 1 resource\(s\)/)]);
    const lists = double.calls.filter((c) => c.action === "ListObjectsV2" && c.params.Bucket === "central-tf-state").map((c) => c.caller);
    expect(lists).toEqual(["arn:aws:sts::444444444444:assumed-role/tf-state/cdktf-assume-role-state"]);
  });

  it("fails if the credentials may not list the bucket, with S3's AccessDenied", async () => {
    await expect(check("auditor")).rejects.toThrow(/not authorized to perform: s3:ListBucket on resource: arn:aws:s3:::org-tf-state/);
  });

  it("fails if the bucket belongs to another account that grants nothing, even to an administrator", async () => {
    await expect(check("outsider")).rejects.toThrow(/not authorized to perform: s3:ListBucket/);
  });
});

describe("stateCheckWarnings", () => {
  it("gives the S3 check's warnings before a deploy", async () => {
    const warnings = await withEnv(env, () => stateCheckWarnings(backend, STACKS, "source"));
    expect(warnings).toEqual([expect.stringMatching(/^s3:\/\/org-tf-state\/assume-role\/old-iam.tfstate holds 3 resource\(s\)/)]);
  });

  it("turns a failed check into one warning that says what could not be checked, so the deploy goes on", async () => {
    const warnings = await withEnv(env, () => stateCheckWarnings(backend, STACKS, "auditor"));
    expect(warnings).toEqual([
      expect.stringMatching(
        /^could not check s3:\/\/org-tf-state\/assume-role\/ for the state of stacks the config no longer makes: User: .* is not authorized/,
      ),
    ]);
  });

  it("has nothing to add for local state, which the synth checks itself", async () => {
    expect(await stateCheckWarnings({ type: "local", directory: "state" }, STACKS)).toEqual([]);
  });
});

describe("stateReader", () => {
  it("reads a stack's state from the bucket, without Terraform: its resources, or nothing for a stack never deployed", async () => {
    // GIVEN
    const read = stateReader(backend, "source");
    // WHEN / THEN
    expect(await withEnv(env, () => read("destination-iam"))).toEqual({ resources: 5, outputs: {} });
    expect(await withEnv(env, () => read("destination-ec2"))).toBeUndefined();
    expect(await withEnv(env, () => read("old-ec2"))).toBeUndefined();
  });

  it("reads through the backend's state-access role when it has one", async () => {
    const central = { ...backend, bucket: "central-tf-state", roleArn: "arn:aws:iam::444444444444:role/tf-state" };
    expect(await withEnv(env, () => stateReader(central, "source")("old-ec2"))).toEqual({ resources: 1, outputs: {} });
    const reads = double.calls.filter((c) => c.action === "GetObject" && c.params.Bucket === "central-tf-state").map((c) => c.caller);
    expect(reads).toContain("arn:aws:sts::444444444444:assumed-role/tf-state/cdktf-assume-role-state");
  });

  it("fails if the credentials may not read the state, with S3's AccessDenied, rather than taking the stack for undeployed", async () => {
    await expect(withEnv(env, () => stateReader(backend, "auditor")("destination-iam"))).rejects.toThrow(/not authorized to perform: s3:GetObject/);
  });
});
