import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { CrossAccountRole, type CrossAccountRoleProps } from "../constructs/cross-account-role";
import { target } from "./support/fixtures";

type Json = Record<string, unknown>;
const POLICY = {
  Version: "2012-10-17" as const,
  Statement: [{ Sid: "Read", Effect: "Allow" as const, Action: "ec2:DescribeInstances", Resource: "*" }],
};

function synth(role: Json = {}, permissions: CrossAccountRoleProps["permissions"] = { inlinePolicy: POLICY }): Json {
  return JSON.parse(
    Testing.synthScope((scope) => {
      const provider = new AwsProvider(scope, "destination", { region: "us-east-2", alias: "destination" });
      const settings = target({}, role).role;
      new CrossAccountRole(scope, "cross-account-role", {
        provider,
        partition: "aws",
        sourceAccountId: "111111111111",
        role: settings,
        description: "test",
        permissions,
      });
    }),
  ) as Json;
}
const resources = (json: Json) => json.resource as Record<string, Record<string, Json>>;

describe("CrossAccountRole", () => {
  it("creates the role at the address it had in the stack, trusting the source account, with its ARN proven at apply", () => {
    // GIVEN / WHEN
    const json = synth({ externalId: "ext-1" });
    // THEN
    const role = resources(json).aws_iam_role.role;
    expect(JSON.parse(role.assume_role_policy as string).Statement[0]).toMatchObject({
      Principal: { AWS: "arn:aws:iam::111111111111:root" },
      Condition: { StringEquals: { "sts:ExternalId": "ext-1" } },
    });
    expect(role.lifecycle).toMatchObject({ postcondition: [expect.objectContaining({ condition: expect.stringContaining("self.arn ==") })] });
    expect(JSON.stringify(json)).toContain('"provider":"aws.destination"');
  });

  it("attaches the given inline policy as scoped-ec2", () => {
    const policy = resources(synth()).aws_iam_role_policy["role-scoped-ec2"];
    expect(policy).toMatchObject({ name: "scoped-ec2", role: "${aws_iam_role.role.name}" });
    expect(JSON.parse(policy.policy as string)).toEqual(POLICY);
  });

  it("attaches a managed policy instead, and no inline one", () => {
    const json = JSON.stringify(synth({}, { managedPolicyArn: "arn:aws:iam::aws:policy/AmazonEC2FullAccess", warning: "parity" }));
    expect(json).toHaveResourceWithProperties(IamRolePolicyAttachment, { policy_arn: "arn:aws:iam::aws:policy/AmazonEC2FullAccess" });
    expect(json).not.toHaveResource(IamRolePolicy);
  });

  it("records the CKV_AWS_61 exception on the role, with its reason, only when no principal is named", () => {
    // Testing's synth helpers drop the "//" block the exception lives in: read the stack's own Terraform JSON.
    const exceptions = (role: Json) => {
      const stack = new TerraformStack(Testing.app(), "destination-iam");
      const provider = new AwsProvider(stack, "destination", { region: "us-east-2" });
      const props = {
        provider,
        partition: "aws",
        sourceAccountId: "111111111111",
        description: "test",
        permissions: { inlinePolicy: POLICY },
      } as const;
      new CrossAccountRole(stack, "cross-account-role", { ...props, role: target({}, role).role });
      const json = stack.toTerraform() as Json;
      expect(Testing.synth(stack)).toHaveResource(IamRole);
      return (resources(json).aws_iam_role.role["//"] as Json | undefined)?.exceptions;
    };
    expect(exceptions({})).toEqual([{ rule: "CKV_AWS_61", reason: expect.stringContaining("No role.trustedPrincipalArns") }]);
    expect(exceptions({ trustedPrincipalArns: ["arn:aws:iam::111111111111:user/ci"] })).toBeUndefined();
  });
});
