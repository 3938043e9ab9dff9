import { buildScopedEc2Policy, INSTANCE_LIFECYCLE_ACTIONS, type Ec2ScopeProps } from "../lib/ec2-permissions";
import type { PolicyStatement } from "../lib/policy-document";

const scope: Ec2ScopeProps = { partition: "aws", accountId: "222222222222", regions: ["us-east-2"], instanceTypes: ["t3.micro"], project: "demo" };

function statement(sid: string): PolicyStatement {
  const found = buildScopedEc2Policy(scope).Statement.find((s) => s.Sid === sid);
  if (!found) throw new Error(`no statement ${sid}`);
  return found;
}

const actionsOf = (s: PolicyStatement) => (typeof s.Action === "string" ? [s.Action] : [...s.Action]);

describe("buildScopedEc2Policy", () => {
  it("grants only EC2 actions, never a wildcard service or *", () => {
    const actions = buildScopedEc2Policy(scope).Statement.flatMap(actionsOf);
    expect(actions.every((a) => a.startsWith("ec2:"))).toBe(true);
    expect(actions.filter((a) => a.includes("*"))).toEqual(["ec2:Describe*"]);
  });

  it("binds every statement to the configured regions", () => {
    for (const s of buildScopedEc2Policy(scope).Statement) {
      expect(s.Condition?.StringEquals?.["aws:RequestedRegion"]).toEqual(["us-east-2"]);
    }
  });

  it("launches only allowed types, with IMDSv2 and the project tag", () => {
    expect(statement("LaunchProjectInstances")).toEqual({
      Sid: "LaunchProjectInstances",
      Effect: "Allow",
      Action: "ec2:RunInstances",
      Resource: ["arn:aws:ec2:us-east-2:222222222222:instance/*"],
      Condition: {
        StringEquals: {
          "aws:RequestedRegion": ["us-east-2"],
          "ec2:InstanceType": ["t3.micro"],
          "ec2:MetadataHttpTokens": "required",
          "aws:RequestTag/Project": "demo",
        },
      },
    });
  });

  it("launches only with encrypted volumes", () => {
    expect(statement("LaunchWithEncryptedVolumes").Condition).toEqual({
      StringEquals: { "aws:RequestedRegion": ["us-east-2"] },
      Bool: { "ec2:Encrypted": "true" },
    });
  });

  it("names public images without an account", () => {
    expect(statement("LaunchIntoNetworkWithImage").Resource).toContain("arn:aws:ec2:us-east-2::image/*");
  });

  it("changes and terminates only instances that carry the project tag", () => {
    const manage = statement("ManageProjectInstances");
    expect(manage.Action).toEqual([...INSTANCE_LIFECYCLE_ACTIONS]);
    expect(manage.Condition?.StringEquals).toEqual({ "aws:RequestedRegion": ["us-east-2"], "aws:ResourceTag/Project": "demo" });
  });

  it("never lets the project tag be removed", () => {
    expect(statement("UntagProjectResourcesButNotProjectTag").Condition?.["ForAllValues:StringNotEquals"]).toEqual({ "aws:TagKeys": ["Project"] });
  });

  it("tags freely only as part of RunInstances", () => {
    expect(statement("TagOnLaunch").Condition?.StringEquals).toMatchObject({ "ec2:CreateAction": "RunInstances" });
  });

  it("lists one ARN per region when several are allowed", () => {
    const policy = buildScopedEc2Policy({ ...scope, regions: ["us-east-2", "eu-west-1"] });
    expect(policy.Statement.find((s) => s.Sid === "ManageProjectInstances")?.Resource).toEqual([
      "arn:aws:ec2:us-east-2:222222222222:instance/*",
      "arn:aws:ec2:eu-west-1:222222222222:instance/*",
    ]);
  });
});
