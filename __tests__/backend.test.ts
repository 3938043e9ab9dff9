import { join } from "node:path";
import { localStatePath, s3StateKey } from "../lib/backend";
import { config, synthApp } from "./support/fixtures";

type Json = Record<string, unknown>;
const terraformBlock = (stack: Json) => stack.terraform as Record<string, Record<string, Json>>;
const remoteState = (stack: Json) => (stack.data as Record<string, Record<string, Json>>).terraform_remote_state;

describe("localStatePath", () => {
  it("is relative to the stack's working directory and outside cdktf.out", () => {
    expect(localStatePath("cdktf.out", "prod-iam", "state", "/project")).toBe(join("..", "..", "..", "state", "prod-iam.tfstate"));
  });
});

describe("backend wiring", () => {
  it("keeps local state under the project, and the EC2 stack reads the IAM state from the same file", () => {
    // GIVEN the default local backend
    const app = synthApp(config());
    // WHEN
    const iamBackend = terraformBlock(app.stack("destination-iam")).backend.local;
    const reference = remoteState(app.stack("destination-ec2"))["cross-stack-reference-input-destination-iam"];
    // THEN the path is relative (no machine path baked in) and both stacks agree on it
    expect(iamBackend.path).toMatch(/^(\.\.\/)+.*state\/destination-iam\.tfstate$/);
    expect(reference).toEqual({ backend: "local", config: { path: iamBackend.path }, workspace: "${terraform.workspace}" });
  });

  it("stores each stack under its own S3 key with native locking, and reads the IAM state with the same settings", () => {
    // GIVEN an S3 backend with a separate state-access role
    const s3 = {
      type: "s3",
      bucket: "org-tf-state",
      keyPrefix: "assume-role",
      region: "us-east-1",
      roleArn: "arn:aws:iam::444444444444:role/tf-state",
    };
    const app = synthApp(config({ backend: s3 }));
    // WHEN
    const iamBackend = terraformBlock(app.stack("destination-iam")).backend.s3;
    const ec2Backend = terraformBlock(app.stack("destination-ec2")).backend.s3;
    const reference = remoteState(app.stack("destination-ec2"))["cross-stack-reference-input-destination-iam"];
    // THEN
    const common = {
      bucket: "org-tf-state",
      region: "us-east-1",
      profile: "source",
      encrypt: true,
      assume_role: { role_arn: "arn:aws:iam::444444444444:role/tf-state", session_name: "destination-iam-state" },
    };
    expect(iamBackend).toEqual({ ...common, key: s3StateKey("assume-role", "destination-iam"), use_lockfile: true });
    expect(ec2Backend).toMatchObject({ key: "assume-role/destination-ec2.tfstate", use_lockfile: true });
    expect(reference).toEqual({
      backend: "s3",
      config: { ...common, key: "assume-role/destination-iam.tfstate" },
      workspace: "${terraform.workspace}",
    });
  });
});

describe("an S3-compatible state store", () => {
  it("passes backend.endpoint and usePathStyle to the backend and to the cross-stack remote state", () => {
    // GIVEN a MinIO reached by hostname
    const s3 = { type: "s3", bucket: "state", keyPrefix: "p", region: "us-east-1", endpoint: "https://minio.example.com:9000", usePathStyle: true };
    const app = synthApp(config({ backend: s3 }));
    // WHEN
    const backend = terraformBlock(app.stack("destination-iam")).backend.s3;
    const reference = remoteState(app.stack("destination-ec2"))["cross-stack-reference-input-destination-iam"] as Json;
    // THEN
    expect(backend).toMatchObject({ endpoints: { s3: "https://minio.example.com:9000" }, use_path_style: true });
    expect(reference.config).toMatchObject({ endpoints: { s3: "https://minio.example.com:9000" }, use_path_style: true });
  });

  it("sets neither for AWS's own S3", () => {
    const app = synthApp(config({ backend: { type: "s3", bucket: "state", keyPrefix: "p", region: "us-east-1" } }));
    const backend = terraformBlock(app.stack("destination-iam")).backend.s3;
    expect(backend).not.toHaveProperty("endpoints");
    expect(backend).not.toHaveProperty("use_path_style");
  });
});
