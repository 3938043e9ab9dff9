import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsEc2InstanceTypeOfferings } from "@cdktf/provider-aws/lib/data-aws-ec2-instance-type-offerings";
import { DataAwsSecurityGroup } from "@cdktf/provider-aws/lib/data-aws-security-group";
import { DataAwsSubnet } from "@cdktf/provider-aws/lib/data-aws-subnet";
import { IamAccessKey } from "@cdktf/provider-aws/lib/iam-access-key";
import { IamGroup } from "@cdktf/provider-aws/lib/iam-group";
import { IamGroupPolicyAttachment } from "@cdktf/provider-aws/lib/iam-group-policy-attachment";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { IamUserPolicyAttachment } from "@cdktf/provider-aws/lib/iam-user-policy-attachment";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Testing } from "cdktf";
import { awsConfigProfile, IamStack } from "../stacks/iam-stack";
import { policyOf, target } from "./support/fixtures";

type Json = Record<string, unknown>;

function synthIam(overrides: Json = {}, role: Json = {}): { json: string; parsed: Json } {
  const app = Testing.app();
  const stack = new IamStack(app, "destination-iam", { target: target(overrides, role), outdir: app.outdir });
  const json = Testing.synth(stack);
  return { json, parsed: JSON.parse(json) };
}

describe("IamStack", () => {
  const { json, parsed } = synthIam({ tags: { Team: "platform" } }, { externalId: "ext-123" });

  it("configures the source and destination providers with their profiles and default tags", () => {
    const defaultTags = [{ tags: { Team: "platform", Project: "cdktf-assume-role" } }];
    expect(json).toHaveProviderWithProperties(AwsProvider, { alias: "source", profile: "source", region: "us-east-2", default_tags: defaultTags });
    expect(json).toHaveProviderWithProperties(AwsProvider, {
      alias: "destination",
      profile: "destination",
      region: "us-east-2",
      default_tags: defaultTags,
    });
  });

  it("checks both accounts with caller-identity postconditions", () => {
    expect(json).toHaveDataSourceWithProperties(DataAwsCallerIdentity, {
      provider: "aws.source",
      lifecycle: {
        postcondition: [
          {
            condition: '${self.account_id == "111111111111"}',
            error_message: expect.stringMatching(
              /^The source credentials belong to account \$\{self.account_id\} .* but account 111111111111 is configured/,
            ),
          },
        ],
      },
    });
    expect(json).toHaveDataSourceWithProperties(DataAwsCallerIdentity, {
      provider: "aws.destination",
      lifecycle: { postcondition: [expect.objectContaining({ condition: '${self.account_id == "222222222222"}' })] },
    });
  });

  it("creates the role in the destination account with the trust policy and session limit", () => {
    expect(json).toHaveResourceWithProperties(IamRole, {
      provider: "aws.destination",
      name: "cross-account-ec2",
      path: "/",
      max_session_duration: 3600,
      depends_on: ["data.aws_caller_identity.destination-account"],
    });
    expect(policyOf(parsed, "aws_iam_role", "role", "assume_role_policy")).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AssumeFromSourceAccount",
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::111111111111:root" },
          Action: ["sts:AssumeRole"],
          Condition: { StringEquals: { "sts:ExternalId": "ext-123" } },
        },
      ],
    });
  });

  it("never uses the deprecated managed_policy_arns", () => {
    expect(JSON.stringify(parsed.resource)).not.toContain("managed_policy_arns");
  });

  it("attaches the scoped EC2 policy inline by default", () => {
    expect(json).toHaveResourceWithProperties(IamRolePolicy, { provider: "aws.destination", role: "${aws_iam_role.role.name}", name: "scoped-ec2" });
    expect(json).not.toHaveResource(IamRolePolicyAttachment);
    const actions = (policyOf(parsed, "aws_iam_role_policy", "role-scoped-ec2").Statement as Json[]).flatMap((s) => s.Action);
    expect(actions).toContain("ec2:RunInstances");
  });

  it("looks up the launch network with the destination provider: the default subnet in the first zone that offers the type, its VPC's default security group", () => {
    expect(json).toHaveDataSourceWithProperties(DataAwsEc2InstanceTypeOfferings, {
      provider: "aws.destination",
      location_type: "availability-zone",
      filter: [{ name: "instance-type", values: ["t3.micro"] }],
    });
    expect(json).toHaveDataSourceWithProperties(DataAwsSubnet, {
      provider: "aws.destination",
      default_for_az: true,
      availability_zone: "${element(sort(data.aws_ec2_instance_type_offerings.instance-zones.locations), 0)}",
    });
    expect(json).toHaveDataSourceWithProperties(DataAwsSecurityGroup, {
      provider: "aws.destination",
      name: "default",
      vpc_id: "${data.aws_subnet.subnet.vpc_id}",
    });
  });

  it("lets the role launch only into the subnet and security group it looked up", () => {
    const launch = (policyOf(parsed, "aws_iam_role_policy", "role-scoped-ec2").Statement as Json[]).find(
      (s) => s.Sid === "LaunchIntoTheLookedUpNetwork",
    );
    expect(launch?.Resource).toEqual([
      "arn:aws:ec2:us-east-2:222222222222:subnet/${data.aws_subnet.subnet.id}",
      "arn:aws:ec2:us-east-2:222222222222:security-group/${data.aws_security_group.security-group.id}",
    ]);
  });

  it("looks up the configured subnet by its ID instead", () => {
    const { json: custom } = synthIam({ instance: { instanceType: "t3.micro", subnetId: "subnet-0123456789abcdef0" } });
    expect(custom).not.toHaveDataSource(DataAwsEc2InstanceTypeOfferings);
    expect(custom).toHaveDataSourceWithProperties(DataAwsSubnet, { provider: "aws.destination", id: "subnet-0123456789abcdef0" });
  });

  it("escapes IAM's ${aws:username} for Terraform when the trust requires it as the session name", () => {
    const { parsed: byUser } = synthIam({}, { requireSessionName: "username" });
    const resources = byUser.resource as Record<string, Record<string, Json>>;
    expect(resources.aws_iam_role.role.assume_role_policy).toContain('"sts:RoleSessionName":"$${aws:username}"');
  });

  it("attaches AmazonEC2FullAccess for tutorial parity, with a warning", () => {
    const app = Testing.app();
    const stack = new IamStack(app, "destination-iam", { target: target({}, { permissions: "ec2-full-access" }), outdir: app.outdir });
    const synthesized = Testing.synth(stack);
    expect(synthesized).toHaveResourceWithProperties(IamRolePolicyAttachment, {
      provider: "aws.destination",
      policy_arn: "arn:aws:iam::aws:policy/AmazonEC2FullAccess",
    });
    expect(synthesized).not.toHaveResource(IamRolePolicy);
    expect(stack.node.metadata.map((m) => m.data)).toContainEqual(expect.stringContaining("ec2-full-access"));
  });

  it("creates the source-side policy for exactly this role, through the source provider", () => {
    expect(json).toHaveResourceWithProperties(IamPolicy, { provider: "aws.source", name: "cross-account-ec2-assume-destination" });
    expect(policyOf(parsed, "aws_iam_policy", "assume-role-policy")).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Sid: "AssumeDestinationRole", Effect: "Allow", Action: ["sts:AssumeRole"], Resource: "arn:aws:iam::222222222222:role/cross-account-ec2" },
      ],
    });
  });

  it("attaches the source policy to a group it creates when no principal is named", () => {
    expect(json).toHaveResourceWithProperties(IamGroup, { provider: "aws.source", name: "cross-account-ec2-destination-assumers" });
    expect(json).toHaveResourceWithProperties(IamGroupPolicyAttachment, {
      group: "${aws_iam_group.assumers.name}",
      policy_arn: "${aws_iam_policy.assume-role-policy.arn}",
    });
  });

  it("attaches the source policy to configured groups, roles and users instead", () => {
    const { json: attached } = synthIam({ source: { accountId: "111111111111", attachTo: { groups: ["ops"], roles: ["ci"], users: ["alice"] } } });
    expect(attached).not.toHaveResource(IamGroup);
    expect(attached).toHaveResourceWithProperties(IamGroupPolicyAttachment, { provider: "aws.source", group: "ops" });
    expect(attached).toHaveResourceWithProperties(IamRolePolicyAttachment, { provider: "aws.source", role: "ci" });
    expect(attached).toHaveResourceWithProperties(IamUserPolicyAttachment, { provider: "aws.source", user: "alice" });
  });

  it("attaches the source policy to every user and role the trust names, once each, and creates no group for them", () => {
    // GIVEN a trusted role that is also in attachTo, a trusted role on a path, and a trusted user
    const { json: trusted, parsed } = synthIam(
      { source: { accountId: "111111111111", attachTo: { roles: ["ci"] } } },
      {
        trustedPrincipalArns: [
          "arn:aws:iam::111111111111:role/ci",
          "arn:aws:iam::111111111111:role/teams/deployer",
          "arn:aws:iam::111111111111:user/alice",
        ],
      },
    );
    // THEN without this, the trust would name them and their own policies would still allow nothing
    expect(trusted).not.toHaveResource(IamGroup);
    expect(trusted).toHaveResourceWithProperties(IamRolePolicyAttachment, { role: "ci" });
    expect(trusted).toHaveResourceWithProperties(IamRolePolicyAttachment, { role: "deployer" });
    expect(trusted).toHaveResourceWithProperties(IamUserPolicyAttachment, { user: "alice" });
    const roleAttachments = Object.values((parsed.resource as Record<string, Record<string, Json>>).aws_iam_role_policy_attachment);
    expect(roleAttachments.map((a) => a.role).sort()).toEqual(["ci", "deployer"]);
  });

  it("creates CI's OIDC role when asked: the destination trust names it, it gets the policy through its own attachment, and its ARN is an output", () => {
    // GIVEN a trust that names a deployer role, and source.ciOidc
    const ci = "arn:aws:iam::111111111111:role/cross-account-ec2-destination-ci";
    const { json: withCi, parsed } = synthIam(
      { source: { accountId: "111111111111", ciOidc: { subjects: ["repo:acme/infra:ref:refs/heads/main"] } } },
      { trustedPrincipalArns: ["arn:aws:iam::111111111111:role/ci-deployer"] },
    );
    // THEN
    expect(policyOf(parsed, "aws_iam_role", "role", "assume_role_policy")).toMatchObject({
      Statement: [{ Condition: { ArnEquals: { "aws:PrincipalArn": ["arn:aws:iam::111111111111:role/ci-deployer", ci] } } }],
    });
    const roleAttachments = Object.values((parsed.resource as Record<string, Record<string, Json>>).aws_iam_role_policy_attachment);
    expect(roleAttachments.map((a) => a.role).sort()).toEqual(["${aws_iam_role.ci-role.name}", "ci-deployer"]);
    expect(withCi).toHaveResourceWithProperties(IamRole, { name: "cross-account-ec2-destination-ci", provider: "aws.source" });
    expect((parsed.output as Record<string, Json>).ci_role_arn).toEqual(expect.objectContaining({ value: "${aws_iam_role.ci-role.arn}" }));
    expect((synthIam().parsed.output as Record<string, Json>).ci_role_arn).toBeUndefined();
  });

  it("creates no access key unless asked, and marks its secret sensitive when asked", () => {
    expect(json).not.toHaveResource(IamAccessKey);
    const { json: withUser, parsed: withUserParsed } = synthIam({ source: { accountId: "111111111111", createUser: true } });
    expect(withUser).toHaveResourceWithProperties(IamAccessKey, { user: "${aws_iam_user.assuming-user.name}" });
    expect((withUserParsed.output as Record<string, Json>).assuming_user_secret_access_key).toEqual(expect.objectContaining({ sensitive: true }));
  });

  it("sets the permissions boundary when configured", () => {
    const boundary = "arn:aws:iam::222222222222:policy/boundary";
    expect(synthIam({}, { permissionsBoundaryArn: boundary }).json).toHaveResourceWithProperties(IamRole, { permissions_boundary: boundary });
  });

  it("outputs the role ARN and a ready-to-paste profile", () => {
    expect(parsed.output).toMatchObject({
      role_arn: { value: "${aws_iam_role.role.arn}" },
      aws_config_profile: {
        value: [
          "[profile destination-cross-account-ec2]",
          "role_arn = ${aws_iam_role.role.arn}",
          "source_profile = source",
          "role_session_name = cdktf-assume-role",
          "external_id = ext-123",
          "region = us-east-2",
          "",
        ].join("\n"),
      },
    });
  });
});

describe("awsConfigProfile", () => {
  it("falls back to the default profile and reminds about MFA", () => {
    const profile = awsConfigProfile(target({ source: { accountId: "111111111111" } }, { requireMfa: true }), "arn:x");
    expect(profile).toContain("source_profile = default\n");
    expect(profile).toContain("# the role requires MFA: add mfa_serial");
  });
});
