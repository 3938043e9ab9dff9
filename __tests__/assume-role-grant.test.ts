import { IamAccessKey } from "@cdktf/provider-aws/lib/iam-access-key";
import { IamGroup } from "@cdktf/provider-aws/lib/iam-group";
import { IamGroupPolicyAttachment } from "@cdktf/provider-aws/lib/iam-group-policy-attachment";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { IamUser } from "@cdktf/provider-aws/lib/iam-user";
import { IamUserPolicyAttachment } from "@cdktf/provider-aws/lib/iam-user-policy-attachment";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Testing } from "cdktf";
import { AssumeRoleGrant, type AssumeRoleGrantProps } from "../constructs/assume-role-grant";

type Json = Record<string, unknown>;
const ROLE = { arn: "arn:aws:iam::222222222222:role/cross-account-ec2", sessionTags: {}, sourceIdentity: undefined };
const NONE = { groups: [], roles: [], users: [] };

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

  it("attaches it to a group of its own when no principal is named", () => {
    const json = synth();
    expect(json).toHaveResourceWithProperties(IamGroup, { name: "cross-account-ec2-dev-assumers" });
    expect(json).toHaveResourceWithProperties(IamGroupPolicyAttachment, { group: "${aws_iam_group.assumers.name}" });
  });

  it("attaches it to every named group, role and user instead, and creates no group", () => {
    const json = synth({ principals: { groups: ["ops"], roles: ["ci-deployer"], users: ["alice"] } });
    expect(json).not.toHaveResource(IamGroup);
    expect(json).toHaveResourceWithProperties(IamGroupPolicyAttachment, { group: "ops" });
    expect(json).toHaveResourceWithProperties(IamRolePolicyAttachment, { role: "ci-deployer" });
    expect(json).toHaveResourceWithProperties(IamUserPolicyAttachment, { user: "alice" });
  });

  it("creates the opt-in user with its access key only when asked", () => {
    expect(synth()).not.toHaveResource(IamUser);
    const json = synth({ userName: "cross-account-ec2-dev-user" });
    expect(json).toHaveResourceWithProperties(IamUser, { name: "cross-account-ec2-dev-user" });
    expect(json).toHaveResourceWithProperties(IamUserPolicyAttachment, { user: "${aws_iam_user.assuming-user.name}" });
    expect(json).toHaveResource(IamAccessKey);
  });
});
