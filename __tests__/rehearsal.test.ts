import {
  crossStackInputs,
  ec2RehearsalFiles,
  hclString,
  iamRehearsalFiles,
  REHEARSAL_SECURITY_GROUP,
  REHEARSAL_SUBNET,
  WRONG_ACCOUNT,
} from "../tools/proof/rehearsal";
import { target } from "./support/fixtures";

const input = (output: string) => `\${data.terraform_remote_state.cross-stack-reference-input-destination-iam.outputs.${output}}`;
const REFERENCE = input("cross-stack-output-aws_iam_rolerolearn");
const ec2Stack = (roleArn: string, subnetId = input("cross-stack-output-dataaws_subnetsubnetid")) => ({
  provider: { aws: [{ assume_role: [{ role_arn: roleArn }] }] },
  resource: {
    aws_instance: { instance: { subnet_id: subnetId, vpc_security_group_ids: [input("cross-stack-output-dataaws_security_groupsecurity-groupid")] } },
  },
});

describe("hclString", () => {
  it("escapes quotes, newlines and template sequences", () => {
    expect(hclString('a "b"\n${c} %{d}')).toBe('"a \\"b\\"\\n$${c} %%{d}"');
  });
});

describe("crossStackInputs", () => {
  it("finds the remote state the provider reads its role from, and the instance its subnet and security group", () => {
    expect(crossStackInputs(ec2Stack(REFERENCE))).toEqual({
      dataSource: "cross-stack-reference-input-destination-iam",
      outputs: {
        roleArn: "cross-stack-output-aws_iam_rolerolearn",
        subnetId: "cross-stack-output-dataaws_subnetsubnetid",
        securityGroupId: "cross-stack-output-dataaws_security_groupsecurity-groupid",
      },
    });
  });

  it("fails if the role ARN was pasted instead of referenced", () => {
    expect(() => crossStackInputs(ec2Stack("arn:aws:iam::222222222222:role/x"))).toThrow(
      /does not take the provider's assume_role.role_arn from a cross-stack reference/,
    );
  });

  it("fails if the EC2 stack looks up a subnet of its own instead of the IAM stack's", () => {
    expect(() => crossStackInputs(ec2Stack(REFERENCE, "${data.aws_subnet.subnet.id}"))).toThrow(
      /does not take the instance's subnet_id from a cross-stack reference/,
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
  it("overrides the IAM stack's remote state with the proven role ARN and the mocked network", () => {
    const [apply] = ec2RehearsalFiles(target(), ec2Stack(REFERENCE), "arn:aws:iam::222222222222:role/cross-account-ec2");
    expect(apply.content).toContain(
      `override_data {\n  target = data.terraform_remote_state.cross-stack-reference-input-destination-iam\n  values = { outputs = { "cross-stack-output-aws_iam_rolerolearn" = "arn:aws:iam::222222222222:role/cross-account-ec2", "cross-stack-output-dataaws_subnetsubnetid" = "${REHEARSAL_SUBNET}", "cross-stack-output-dataaws_security_groupsecurity-groupid" = "${REHEARSAL_SECURITY_GROUP}" } }\n}`,
    );
    expect(apply.content).toContain('aws_instance.instance.metadata_options[0].http_tokens == "required"');
  });

  it("does not mock an AMI lookup when the AMI is configured", () => {
    const [apply] = ec2RehearsalFiles(target({ instance: { instanceType: "t3.micro", ami: "ami-0123456789abcdef0" } }), ec2Stack(REFERENCE), "arn:x");
    expect(apply.content).not.toContain("aws_ami");
    expect(apply.content).toContain('aws_instance.instance.ami == "ami-0123456789abcdef0"');
  });
});
