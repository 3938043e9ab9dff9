import { DataAwsAmi } from "@cdktf/provider-aws/lib/data-aws-ami";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Testing } from "cdktf";
import { Ec2Stack } from "../stacks/ec2-stack";
import { target } from "./support/fixtures";

type Json = Record<string, unknown>;
const ROLE_ARN = "arn:aws:iam::222222222222:role/cross-account-ec2";
// As the IAM stack hands them over (cross-stack references in the app; plain values here).
const NETWORK = { subnetId: "subnet-0a1b2c3d4e5f60718", securityGroupId: "sg-0a1b2c3d4e5f60718" };

function synthEc2(overrides: Json = {}, role: Json = {}, instance: Json = { instanceType: "t3.micro" }): string {
  const app = Testing.app();
  const stack = new Ec2Stack(app, "destination-ec2", {
    target: target({ instance, ...overrides }, role),
    outdir: app.outdir,
    roleArn: ROLE_ARN,
    network: NETWORK,
  });
  return Testing.synth(stack);
}

describe("Ec2Stack", () => {
  const json = synthEc2({}, { externalId: "ext-123" });

  it("assumes the role from the source profile", () => {
    expect(json).toHaveProviderWithProperties(AwsProvider, {
      profile: "source",
      region: "us-east-2",
      assume_role: [{ role_arn: ROLE_ARN, session_name: "cdktf-assume-role", external_id: "ext-123" }],
    });
  });

  it("sends session tags and the source identity only when configured", () => {
    expect(json).not.toMatch(/source_identity|"tags":\s*\{\s*"Team"/);
    expect(synthEc2({}, { sourceIdentity: "ci", sessionTags: { Team: "platform" } })).toHaveProviderWithProperties(AwsProvider, {
      assume_role: [expect.objectContaining({ source_identity: "ci", tags: { Team: "platform" } })],
    });
  });

  it("names the session after the source caller's IAM user name when the trust requires it", () => {
    const byUser = synthEc2({}, { requireSessionName: "username" });
    expect(byUser).toHaveProviderWithProperties(AwsProvider, { alias: "source", profile: "source" });
    expect(byUser).toHaveDataSourceWithProperties(DataAwsCallerIdentity, { provider: "aws.source" });
    expect(byUser).toHaveProviderWithProperties(AwsProvider, {
      assume_role: [expect.objectContaining({ session_name: '${element(reverse(split("/", data.aws_caller_identity.source-caller.arn)), 0)}' })],
    });
  });

  it("checks that the assumed session is in the destination account", () => {
    expect(json).toHaveDataSourceWithProperties(DataAwsCallerIdentity, {
      lifecycle: { postcondition: [expect.objectContaining({ condition: '${self.account_id == "222222222222"}' })] },
    });
  });

  it("launches an IMDSv2-only instance with an encrypted root volume and no public IP, in the IAM stack's subnet and security group", () => {
    expect(json).toHaveResourceWithProperties(Instance, {
      ami: "${data.aws_ami.ubuntu.id}",
      instance_type: "t3.micro",
      // With a subnet the provider sends AssociatePublicIpAddress=false; without one, default subnets map a public IP.
      subnet_id: NETWORK.subnetId,
      vpc_security_group_ids: [NETWORK.securityGroupId],
      associate_public_ip_address: false,
      monitoring: true,
      metadata_options: { http_endpoint: "enabled", http_tokens: "required", http_put_response_hop_limit: 1 },
      root_block_device: { encrypted: true, volume_type: "gp3", delete_on_termination: true },
      tags: { Name: "cdktf-assume-role-destination" },
      depends_on: ["data.aws_caller_identity.assumed-account"],
    });
  });

  it("looks up the latest Canonical Ubuntu LTS when no AMI is given", () => {
    expect(json).toHaveDataSourceWithProperties(DataAwsAmi, {
      most_recent: true,
      owners: ["099720109477"],
      filter: expect.arrayContaining([{ name: "name", values: ["ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*"] }]),
    });
  });

  it("uses the configured AMI and public IP setting instead", () => {
    const custom = synthEc2(
      {},
      {},
      { instanceType: "t4g.small", ami: "ami-0123456789abcdef0", subnetId: "subnet-0123456789abcdef0", associatePublicIpAddress: true },
    );
    expect(custom).not.toHaveDataSource(DataAwsAmi);
    expect(custom).toHaveResourceWithProperties(Instance, {
      ami: "ami-0123456789abcdef0",
      instance_type: "t4g.small",
      associate_public_ip_address: true,
    });
  });

  it("outputs the instance and the assumed identity", () => {
    expect(JSON.parse(json).output).toEqual({
      instance_id: expect.objectContaining({ value: "${aws_instance.instance.id}" }),
      assumed_identity_arn: expect.objectContaining({ value: "${data.aws_caller_identity.assumed-account.arn}" }),
      assumed_account_id: expect.objectContaining({ value: "${data.aws_caller_identity.assumed-account.account_id}" }),
    });
  });
});
