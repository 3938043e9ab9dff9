import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseConfig, type AppConfig } from "../../lib/config";
import { synthesize, validateStack, type SynthesizedStacks } from "../../tools/proof/proof";
import { terraform, useInstall } from "../../tools/proof/terraform";
import { edgeRawConfig } from "../support/fixtures";
import { sharedInstall, TERRAFORM_TIMEOUT_MS, WORK_DIR } from "./install";

/**
 * What the pinned provider's own validation says of the largest values the config lets through: a value the config
 * takes and hashicorp/aws 5.100.0 refuses would fail a real deploy at plan, after the config said yes.
 */
const DESTINATION = "222222222222";
const word = (letter: string, length: number) => letter.repeat(length);
const EDGE: AppConfig = parseConfig(edgeRawConfig(), "edge");

let stacks: SynthesizedStacks;
beforeAll(() => {
  stacks = synthesize(EDGE, join(WORK_DIR, "edge"), "json");
});

describe("the largest values the config takes, through hashicorp/aws 5.100.0's own validation", () => {
  it.each(["d".repeat(32) + "-iam", "d".repeat(32) + "-ec2"])(
    "%s is valid",
    async (stack) => {
      const report = await validateStack(stack, stacks.stackDirs[stack], "json", await sharedInstall());
      expect({ valid: report.valid, problems: report.problems }).toEqual({ valid: true, problems: [] });
    },
    TERRAFORM_TIMEOUT_MS,
  );

  it(
    "fails one past them: a role name of 65 characters and a session of 43,201 seconds, edited into the synthesized stack, are the provider's errors",
    async () => {
      // GIVEN the IAM stack with two values one past the config's limits
      const stack = `${"d".repeat(32)}-iam`;
      const file = join(stacks.stackDirs[stack], "cdk.tf.json");
      const json = JSON.parse(readFileSync(file, "utf8")) as { resource: { aws_iam_role: Record<string, Record<string, unknown>> } };
      const [role] = Object.values(json.resource.aws_iam_role);
      role.name = word("r", 65);
      role.max_session_duration = 43201;
      writeFileSync(file, JSON.stringify(json));
      // WHEN
      const report = await validateStack(stack, stacks.stackDirs[stack], "json", await sharedInstall());
      // THEN the provider, not the config, refuses each
      expect(report.valid).toBe(false);
      expect(report.problems.join("\n")).toMatch(/expected length of name to be in the range \(1 - 64\)/);
      expect(report.problems.join("\n")).toMatch(/expected max_session_duration to be in the range \(3600 - 43200\)/);
    },
    TERRAFORM_TIMEOUT_MS,
  );
});

type Json = Record<string, unknown>;

/**
 * The EC2 stack's provider, as synthesized, planned on its own: `terraform validate` does not check a provider's
 * configuration, a plan does, before it calls AWS. The role ARN (a cross-stack reference) is made literal, and STS
 * is pointed at a closed port: past the provider's validation, the plan can only fail to reach STS.
 */
async function planAssumeRole(name: string, edit: (assumeRole: Json) => void = () => undefined) {
  const stack = `${"d".repeat(32)}-ec2`;
  const synthesized = JSON.parse(readFileSync(join(stacks.stackDirs[stack], "cdk.tf.json"), "utf8")) as {
    terraform: { required_providers: Json };
    provider: { aws: { assume_role: Json[] }[] };
  };
  const assumeRole = { ...synthesized.provider.aws[0].assume_role[0], role_arn: `arn:aws:iam::${DESTINATION}:role/${word("r", 64)}` };
  edit(assumeRole);
  const dir = join(WORK_DIR, "edge-provider", name);
  mkdirSync(dir, { recursive: true });
  const offline = { skip_credentials_validation: true, skip_requesting_account_id: true, skip_metadata_api_check: true, max_retries: 1 };
  writeFileSync(
    join(dir, "main.tf.json"),
    JSON.stringify({
      terraform: { required_providers: synthesized.terraform.required_providers },
      provider: {
        aws: [
          {
            region: "us-east-2",
            access_key: "AKIAEXAMPLE",
            secret_key: "example",
            ...offline,
            endpoints: [{ sts: "http://127.0.0.1:9" }],
            assume_role: [assumeRole],
          },
        ],
      },
      data: { aws_region: { here: {} } },
    }),
  );
  const install = await sharedInstall();
  useInstall(dir, install);
  const plan = await terraform(["plan", "-input=false", "-no-color"], { cwd: dir, install });
  return (plan.stdout + plan.stderr).replace(/\s+/g, " ");
}

describe("the EC2 stack's assume_role at the config's limits, through the provider's own validation at plan", () => {
  it(
    "takes the longest external ID, session name and source identity, and 50 session tags: the plan gets as far as calling STS",
    async () => {
      const output = await planAssumeRole("edge");
      expect(output).toContain("Error: Cannot assume IAM Role");
      expect(output).not.toMatch(/expected length of/);
    },
    TERRAFORM_TIMEOUT_MS,
  );

  it(
    "fails one past them, each named by the provider, before calling STS",
    async () => {
      const output = await planAssumeRole("past", (assumeRole) => {
        assumeRole.external_id = word("e", 1225);
        assumeRole.session_name = word("n", 65);
        assumeRole.source_identity = word("i", 65);
      });
      for (const [field, range] of [
        ["external_id", "2 - 1224"],
        ["session_name", "2 - 64"],
        ["source_identity", "2 - 64"],
      ])
        expect(output).toContain(`Error: expected length of assume_role.0.${field} to be in the range (${range})`);
      expect(output).not.toContain("Cannot assume IAM Role");
    },
    TERRAFORM_TIMEOUT_MS,
  );
});

/**
 * The S3 backend of the edge config, as synthesized, initialized on its own: Terraform's S3 backend validates its
 * settings at init, then assumes the state role, here at a closed port.
 */
async function initBackend(name: string, edit: (backend: Json) => void = () => undefined) {
  const withState = parseConfig(
    {
      ...edgeRawConfig(),
      backend: {
        type: "s3",
        bucket: word("b", 63),
        // The longest prefix whose state keys (<prefix>/<stack>.tfstate) fit S3's 1,024 bytes.
        keyPrefix: word("k", 1024 - `/${"d".repeat(32)}-iam.tfstate`.length),
        region: "us-east-2",
        roleArn: `arn:aws:iam::111111111111:role/${word("a", 510)}/${word("r", 64)}`,
        endpoint: "http://127.0.0.1:9",
        usePathStyle: true,
      },
    },
    "edge-backend",
  );
  const synthesized = synthesize(withState, join(WORK_DIR, "edge-backend", "out"), "json");
  const stack = JSON.parse(readFileSync(join(synthesized.stackDirs[`${"d".repeat(32)}-iam`], "cdk.tf.json"), "utf8")) as {
    terraform: { backend: { s3: Json } };
  };
  const backend: Json = {
    ...stack.terraform.backend.s3,
    endpoints: { s3: "http://127.0.0.1:9", sts: "http://127.0.0.1:9" },
    access_key: "AKIAEXAMPLE",
    secret_key: "example",
    max_retries: 1,
  };
  // The profile names credentials this machine lacks; the keys above stand for them.
  delete backend.profile;
  edit(backend);
  const dir = join(WORK_DIR, "edge-backend", name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "main.tf.json"), JSON.stringify({ terraform: { backend: { s3: backend } } }));
  const init = await terraform(["init", "-input=false", "-no-color"], { cwd: dir });
  return { backend, output: (init.stdout + init.stderr).replace(/\s+/g, " ") };
}

describe("the S3 backend at the config's limits, through Terraform 1.11's own validation at init", () => {
  it(
    "takes the longest bucket name, state key and state role: init gets as far as assuming the role",
    async () => {
      const { backend, output } = await initBackend("edge");
      expect(Buffer.byteLength(String(backend.key))).toBe(1024);
      expect(output).toContain("Error: Cannot assume IAM Role");
      expect(output).not.toMatch(/Invalid Value|Invalid ARN/);
    },
    TERRAFORM_TIMEOUT_MS,
  );

  it.each([
    ["a key holding //", (backend: Json) => void (backend.key = "a//b.tfstate"), ["Error: Invalid Value", 'Value must not contain "//"']],
    ["a state role that is not an ARN", (backend: Json) => void (assumeRoleOf(backend).role_arn = "role/state"), ["Error: Invalid ARN"]],
  ])(
    "fails one past them, %s, in the backend's own words, before calling AWS",
    async (name, edit, errors) => {
      const { output } = await initBackend(name.replace(/\W+/g, "-"), edit);
      for (const error of errors) expect(output).toContain(error);
      expect(output).not.toContain("Cannot assume IAM Role");
    },
    TERRAFORM_TIMEOUT_MS,
  );
});

function assumeRoleOf(backend: Json): Json {
  return backend.assume_role as Json;
}
