import { buildAssumeRoleIdentityPolicy, buildTrustPolicy, sessionActions } from "../lib/trust-policy";
import { target } from "./support/fixtures";

const ROLE_ARN = "arn:aws:iam::222222222222:role/cross-account-ec2";
const SOURCE_ROOT = "arn:aws:iam::111111111111:root";

describe("buildTrustPolicy", () => {
  it("trusts the source account and nothing more when no option is set", () => {
    // GIVEN the tutorial's defaults
    const { partition, source, role } = target();
    // WHEN / THEN
    expect(buildTrustPolicy(partition, source.accountId, role)).toEqual({
      Version: "2012-10-17",
      Statement: [{ Sid: "AssumeFromSourceAccount", Effect: "Allow", Principal: { AWS: SOURCE_ROOT }, Action: ["sts:AssumeRole"] }],
    });
  });

  it("narrows to named principals with an aws:PrincipalArn condition", () => {
    const arns = ["arn:aws:iam::111111111111:role/ci", "arn:aws:iam::111111111111:user/alice"];
    const { partition, source, role } = target({}, { trustedPrincipalArns: arns });
    expect(buildTrustPolicy(partition, source.accountId, role).Statement[0]).toEqual({
      Sid: "AssumeFromSourceAccount",
      Effect: "Allow",
      Principal: { AWS: SOURCE_ROOT },
      Action: ["sts:AssumeRole"],
      Condition: { ArnEquals: { "aws:PrincipalArn": arns } },
    });
  });

  it("requires the external ID, MFA and organization when configured", () => {
    const { partition, source, role } = target({}, { externalId: "ext-123", requireMfa: true, sourceOrgId: "o-a1b2c3d4e5" });
    expect(buildTrustPolicy(partition, source.accountId, role).Statement[0].Condition).toEqual({
      StringEquals: { "sts:ExternalId": "ext-123", "aws:PrincipalOrgID": "o-a1b2c3d4e5" },
      Bool: { "aws:MultiFactorAuthPresent": "true" },
    });
  });

  it("uses a destination's own external ID over the role's", () => {
    const { partition, source, role } = target(
      { destinations: [{ name: "prod", accountId: "222222222222", externalId: "prod-ext" }] },
      { externalId: "shared-ext" },
    );
    expect(buildTrustPolicy(partition, source.accountId, role).Statement[0].Condition).toEqual({ StringEquals: { "sts:ExternalId": "prod-ext" } });
  });

  it("allows sts:TagSession only when the EC2 stack sends session tags", () => {
    const { partition, source, role } = target({}, { sessionTags: { Team: "platform" } });
    expect(buildTrustPolicy(partition, source.accountId, role).Statement[0].Action).toEqual(["sts:AssumeRole", "sts:TagSession"]);
  });

  it("allows sts:SetSourceIdentity and requires that identity when one is configured", () => {
    const { partition, source, role } = target({}, { sourceIdentity: "terraform-ci", externalId: "ext-123" });
    expect(buildTrustPolicy(partition, source.accountId, role).Statement[0]).toMatchObject({
      Action: ["sts:AssumeRole", "sts:SetSourceIdentity"],
      Condition: { StringEquals: { "sts:ExternalId": "ext-123", "sts:SourceIdentity": "terraform-ci" } },
    });
  });

  it("requires the caller's IAM user name, or the configured name, as sts:RoleSessionName when asked", () => {
    const byUser = target({}, { requireSessionName: "username" });
    expect(buildTrustPolicy(byUser.partition, byUser.source.accountId, byUser.role).Statement[0].Condition).toEqual({
      StringEquals: { "sts:RoleSessionName": "${aws:username}" },
    });
    const fixed = target({}, { requireSessionName: "sessionName", sessionName: "deployer" });
    expect(buildTrustPolicy(fixed.partition, fixed.source.accountId, fixed.role).Statement[0].Condition).toEqual({
      StringEquals: { "sts:RoleSessionName": "deployer" },
    });
  });

  it("builds the principal ARN in the configured partition", () => {
    const { partition, source, role } = target({ partition: "aws-cn", region: "cn-north-1" });
    expect(buildTrustPolicy(partition, source.accountId, role).Statement[0].Principal).toEqual({ AWS: "arn:aws-cn:iam::111111111111:root" });
  });
});

describe("buildAssumeRoleIdentityPolicy", () => {
  it("allows sts:AssumeRole on exactly the role", () => {
    expect(buildAssumeRoleIdentityPolicy(target().role)).toEqual({
      Version: "2012-10-17",
      Statement: [{ Sid: "AssumeDestinationRole", Effect: "Allow", Action: ["sts:AssumeRole"], Resource: ROLE_ARN }],
    });
  });

  it("adds the session actions the role trusts, on the same role only", () => {
    const role = target({}, { sessionTags: { Team: "platform" }, sourceIdentity: "ci", path: "/automation/" }).role;
    expect(buildAssumeRoleIdentityPolicy(role).Statement).toEqual([
      {
        Sid: "AssumeDestinationRole",
        Effect: "Allow",
        Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
        Resource: "arn:aws:iam::222222222222:role/automation/cross-account-ec2",
      },
    ]);
  });
});

describe("sessionActions", () => {
  it("is only sts:AssumeRole without tags or source identity", () => {
    expect(sessionActions({ sessionTags: {}, sourceIdentity: undefined })).toEqual(["sts:AssumeRole"]);
  });
});
