import { IamAccessKey } from "@cdktf/provider-aws/lib/iam-access-key";
import { IamGroup } from "@cdktf/provider-aws/lib/iam-group";
import { IamGroupPolicyAttachment } from "@cdktf/provider-aws/lib/iam-group-policy-attachment";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { IamUser } from "@cdktf/provider-aws/lib/iam-user";
import { IamUserPolicyAttachment } from "@cdktf/provider-aws/lib/iam-user-policy-attachment";
import { DataAwsIamOpenidConnectProvider } from "@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Testing } from "cdktf";
import { AssumeRoleGrant, type AssumeRoleGrantProps } from "../constructs/assume-role-grant";

type Json = Record<string, unknown>;
const ROLE = { arn: "arn:aws:iam::222222222222:role/cross-account-ec2", sessionTags: {}, sourceIdentity: undefined };
const NONE = { groups: [], roles: [], users: [] };
const CI = {
  roleName: "cross-account-ec2-dev-ci",
  roleArn: "arn:aws:iam::111111111111:role/cross-account-ec2-dev-ci",
  issuer: "token.actions.githubusercontent.com",
  providerUrl: "https://token.actions.githubusercontent.com",
  providerArn: "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com",
  audience: "sts.amazonaws.com",
  subjects: ["repo:acme/infra:ref:refs/heads/main"],
  createProvider: false,
};

function synth(overrides: Partial<AssumeRoleGrantProps> = {}): string {
  return Testing.synthScope((scope) => {
    const provider = new AwsProvider(scope, "source", { region: "us-east-2", alias: "source" });
    new AssumeRoleGrant(scope, "assume-role-grant", {
      provider,
      role: ROLE,
      policyName: "cross-account-ec2-assume-dev",
      description: "test",
      principals: NONE,
      groupName: "cross-account-ec2-dev-assumers",
      ...overrides,
    });
  });
}

describe("AssumeRoleGrant", () => {
  it("creates a policy that allows assuming exactly the role, at the address it had in the stack", () => {
    const json = JSON.parse(synth()) as Json;
    const policy = (json.resource as Record<string, Record<string, Json>>).aws_iam_policy["assume-role-policy"];
    expect(JSON.parse(policy.policy as string).Statement).toEqual([
      { Sid: "AssumeDestinationRole", Effect: "Allow", Action: ["sts:AssumeRole"], Resource: ROLE.arn },
    ]);
    expect(policy.provider).toBe("aws.source");
  });

  it("names and describes the policy as given, and makes it wait for what the stack says it depends on", () => {
    // GIVEN a dependency (the stack's check of the source account)
    const json = Testing.synthScope((scope) => {
      const provider = new AwsProvider(scope, "source", { region: "us-east-2", alias: "source" });
      const check = new IamGroup(scope, "check", { provider, name: "check" });
      new AssumeRoleGrant(scope, "assume-role-grant", {
        provider,
        role: ROLE,
        policyName: "cross-account-ec2-assume-dev",
        description: "Lets its principals assume the dev role",
        principals: NONE,
        groupName: "g",
        ci: CI,
        dependsOn: [check],
      });
    });
    // THEN
    expect(json).toHaveResourceWithProperties(IamPolicy, {
      name: "cross-account-ec2-assume-dev",
      description: "Lets its principals assume the dev role",
      depends_on: ["aws_iam_group.check"],
    });
    // AND the CI role waits for the same, after its OIDC provider, and says what it is for
    expect(json).toHaveResourceWithProperties(IamRole, {
      description: `Assumed by CI with an OIDC token from ${CI.providerUrl} to assume ${ROLE.arn}`,
      depends_on: ["data.aws_iam_openid_connect_provider.ci-oidc-provider", "aws_iam_group.check"],
    });
  });

  it("attaches it to a group of its own when no principal is named", () => {
    const json = synth();
    expect(json).toHaveResourceWithProperties(IamGroup, { name: "cross-account-ec2-dev-assumers", provider: "aws.source" });
    expect(json).toHaveResourceWithProperties(IamGroupPolicyAttachment, {
      group: "${aws_iam_group.assumers.name}",
      policy_arn: "${aws_iam_policy.assume-role-policy.arn}",
      provider: "aws.source",
    });
  });

  it("attaches it to every named group, role and user instead, and creates no group", () => {
    const json = synth({ principals: { groups: ["ops"], roles: ["ci-deployer"], users: ["alice"] } });
    expect(json).not.toHaveResource(IamGroup);
    // Each in the source account, through its provider.
    const inSource = { provider: "aws.source", policy_arn: "${aws_iam_policy.assume-role-policy.arn}" };
    expect(json).toHaveResourceWithProperties(IamGroupPolicyAttachment, { group: "ops", ...inSource });
    expect(json).toHaveResourceWithProperties(IamRolePolicyAttachment, { role: "ci-deployer", ...inSource });
    expect(json).toHaveResourceWithProperties(IamUserPolicyAttachment, { user: "alice", ...inSource });
  });

  it("gives a principal whose name holds +=,.@ an address Terraform takes, and still attaches to its exact name", () => {
    // GIVEN names with every character IAM takes and Terraform's resource names do not
    const json = JSON.parse(synth({ principals: { groups: ["dev.ops"], roles: ["ci+deploy=1"], users: ["alice,b@example.com"] } })) as {
      resource: Record<string, Record<string, Json>>;
    };
    // THEN the addresses drop them; the attachments name the principals as IAM does
    expect(Object.keys(json.resource.aws_iam_group_policy_attachment)).toEqual(["assume-policy-group-devops"]);
    expect(json.resource.aws_iam_role_policy_attachment["assume-policy-role-cideploy1"].role).toBe("ci+deploy=1");
    expect(json.resource.aws_iam_user_policy_attachment["assume-policy-user-alicebexamplecom"].user).toBe("alice,b@example.com");
  });

  it.each([
    ["a role alone", { groups: [], roles: ["ci-deployer"], users: [] }],
    ["a user alone", { groups: [], roles: [], users: ["alice"] }],
    ["a role and a user", { groups: [], roles: ["ci-deployer"], users: ["alice"] }],
  ])("creates no assumers group when the principals name %s", (_what, principals) => {
    const json = synth({ principals });
    expect(json).not.toHaveResource(IamGroup);
    expect(json).not.toHaveResource(IamGroupPolicyAttachment);
    for (const role of principals.roles) expect(json).toHaveResourceWithProperties(IamRolePolicyAttachment, { role });
    for (const user of principals.users) expect(json).toHaveResourceWithProperties(IamUserPolicyAttachment, { user });
  });

  it("creates the opt-in user with its access key only when asked", () => {
    expect(synth()).not.toHaveResource(IamUser);
    const json = synth({ userName: "cross-account-ec2-dev-user" });
    expect(json).toHaveResourceWithProperties(IamUser, { name: "cross-account-ec2-dev-user", path: "/", provider: "aws.source" });
    expect(json).toHaveResourceWithProperties(IamUserPolicyAttachment, {
      user: "${aws_iam_user.assuming-user.name}",
      policy_arn: "${aws_iam_policy.assume-role-policy.arn}",
      provider: "aws.source",
    });
    expect(json).toHaveResourceWithProperties(IamAccessKey, { user: "${aws_iam_user.assuming-user.name}", provider: "aws.source" });
  });

  it("creates no CI role unless asked", () => {
    expect(synth()).not.toHaveResource(IamRole);
  });

  it("creates the CI role, trusted by the OIDC provider for the audience and subjects only, holding the assume-role policy", () => {
    // GIVEN / WHEN
    const json = synth({ ci: CI });
    // THEN
    const role = (JSON.parse(json) as { resource: { aws_iam_role: Record<string, Json> } }).resource.aws_iam_role["ci-role"];
    expect(role).toMatchObject({ name: "cross-account-ec2-dev-ci", provider: "aws.source" });
    expect(JSON.parse(role.assume_role_policy as string).Statement).toEqual([
      {
        Sid: "AssumeFromCiWorkloads",
        Effect: "Allow",
        Principal: { Federated: CI.providerArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
          StringLike: { "token.actions.githubusercontent.com:sub": ["repo:acme/infra:ref:refs/heads/main"] },
        },
      },
    ]);
    expect(json).toHaveResourceWithProperties(IamRolePolicyAttachment, {
      role: "${aws_iam_role.ci-role.name}",
      policy_arn: "${aws_iam_policy.assume-role-policy.arn}",
    });
    expect(json).not.toHaveResource(IamRolePolicy);
  });

  it("looks the OIDC provider up, so a missing one fails the plan, and creates it only when asked", () => {
    const lookedUp = synth({ ci: CI });
    expect(lookedUp).toHaveDataSourceWithProperties(DataAwsIamOpenidConnectProvider, { url: CI.providerUrl });
    expect(lookedUp).not.toHaveResource(IamOpenidConnectProvider);
    expect(lookedUp).toHaveResourceWithProperties(IamRole, { depends_on: ["data.aws_iam_openid_connect_provider.ci-oidc-provider"] });
    const created = synth({ ci: { ...CI, createProvider: true } });
    expect(created).toHaveResourceWithProperties(IamOpenidConnectProvider, { url: CI.providerUrl, client_id_list: ["sts.amazonaws.com"] });
    expect(created).toHaveResourceWithProperties(IamRole, { depends_on: ["aws_iam_openid_connect_provider.ci-oidc-provider"] });
  });

  it("lets the CI role assume the state role too when the state has one", () => {
    const json = synth({ ci: { ...CI, stateRoleArn: "arn:aws:iam::111111111111:role/state" } });
    const inline = (JSON.parse(json) as { resource: { aws_iam_role_policy: Record<string, Json> } }).resource.aws_iam_role_policy[
      "ci-role-state-access"
    ];
    expect(inline).toMatchObject({ role: "${aws_iam_role.ci-role.name}", name: "assume-state-role", provider: "aws.source" });
    expect(JSON.parse(inline.policy as string).Statement).toEqual([
      { Sid: "AssumeStateRole", Effect: "Allow", Action: "sts:AssumeRole", Resource: "arn:aws:iam::111111111111:role/state" },
    ]);
  });
});
