import { ec2RehearsalFiles, hclString, iamRehearsalFiles, roleArnReference, WRONG_ACCOUNT } from "../tools/proof/rehearsal";
import { target } from "./support/fixtures";

const ec2Stack = (roleArn: string) => ({ provider: { aws: [{ assume_role: [{ role_arn: roleArn }] }] } });
const REFERENCE = "${data.terraform_remote_state.cross-stack-reference-input-destination-iam.outputs.cross-stack-output-aws_iam_rolerolearn}";

describe("hclString", () => {
  it("escapes quotes, newlines and template sequences", () => {
    expect(hclString('a "b"\n${c} %{d}')).toBe('"a \\"b\\"\\n$${c} %%{d}"');
  });
});

describe("roleArnReference", () => {
  it("finds the remote state the provider reads its role from", () => {
    expect(roleArnReference(ec2Stack(REFERENCE))).toEqual({
      dataSource: "cross-stack-reference-input-destination-iam",
      output: "cross-stack-output-aws_iam_rolerolearn",
    });
  });

  it("fails if the role ARN was pasted instead of referenced", () => {
    expect(() => roleArnReference(ec2Stack("arn:aws:iam::222222222222:role/x"))).toThrow(
      /does not take assume_role.role_arn from a cross-stack reference/,
    );
  });
});

describe("iamRehearsalFiles", () => {
  it("mocks each provider in its own account and expects the wrong-account plans to stop", () => {
    // GIVEN / WHEN
    const [apply, wrongSource, wrongDestination] = iamRehearsalFiles(target({}, { externalId: "ext-123" }));
    // THEN
    expect(apply.expect).toEqual({ outcome: "pass" });
    expect(apply.content).toContain('mock_provider "aws" {\n  alias = "source"');
    expect(apply.content).toContain('mock_resource "aws_iam_role" {\n    defaults = { "arn" = "arn:aws:iam::222222222222:role/cross-account-ec2" }');
    expect(apply.content).toContain('Condition.StringEquals["sts:ExternalId"] == "ext-123"');
    expect(wrongSource.content).toContain(`"account_id" = "${WRONG_ACCOUNT}"`);
    expect(wrongSource.expect).toEqual({
      outcome: "fail",
      message: `The source credentials belong to account ${WRONG_ACCOUNT} (arn:aws:iam::${WRONG_ACCOUNT}:user/rehearsal), but account 111111111111 is configured.`,
    });
    expect(wrongDestination.name).toBe("wrong-destination-account.tftest.hcl");
  });

  it("expects the managed policy attachment with ec2-full-access", () => {
    const [apply] = iamRehearsalFiles(target({}, { permissions: "ec2-full-access" }));
    expect(apply.content).toContain(
      'aws_iam_role_policy_attachment.role-ec2-full-access.policy_arn == "arn:aws:iam::aws:policy/AmazonEC2FullAccess"',
    );
    expect(apply.content).not.toContain("role-scoped-ec2");
  });
});

describe("ec2RehearsalFiles", () => {
  it("overrides the IAM stack's remote state with the proven role ARN", () => {
    const [apply] = ec2RehearsalFiles(target(), ec2Stack(REFERENCE), "arn:aws:iam::222222222222:role/cross-account-ec2");
    expect(apply.content).toContain(
      'override_data {\n  target = data.terraform_remote_state.cross-stack-reference-input-destination-iam\n  values = { outputs = { "cross-stack-output-aws_iam_rolerolearn" = "arn:aws:iam::222222222222:role/cross-account-ec2" } }\n}',
    );
    expect(apply.content).toContain('aws_instance.instance.metadata_options[0].http_tokens == "required"');
  });

  it("does not mock an AMI lookup when the AMI is configured", () => {
    const [apply] = ec2RehearsalFiles(target({ instance: { instanceType: "t3.micro", ami: "ami-0123456789abcdef0" } }), ec2Stack(REFERENCE), "arn:x");
    expect(apply.content).not.toContain("aws_ami");
    expect(apply.content).toContain('aws_instance.instance.ami == "ami-0123456789abcdef0"');
  });
});
