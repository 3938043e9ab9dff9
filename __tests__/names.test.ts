import { addressName, assumePolicyName, assumersGroupName, assumingUserName, stackNames } from "../lib/names";
import { synthApp, config } from "./support/fixtures";

describe("derived names", () => {
  it("drop from a principal's name in a resource address only what Terraform's names may not hold: +=,.@", () => {
    expect(addressName("Dev.Ops+ci=1,a@b_c-d")).toBe("DevOpsci1ab_c-d");
  });

  it("prefixes stacks with the destination so a glob selects one account's stacks", () => {
    expect(stackNames("prod-eu")).toEqual({ iam: "prod-eu-iam", ec2: "prod-eu-ec2" });
  });

  it("are the names the IAM stack gives its policy, group and user", () => {
    // GIVEN a config that creates the group and the user
    const iam = synthApp(config({ source: { accountId: "111111111111", profile: "source", createUser: true } })).stack("destination-iam");
    const resources = iam.resource as Record<string, Record<string, { name?: string }>>;
    // THEN
    expect(resources.aws_iam_policy["assume-role-policy"].name).toBe(assumePolicyName("cross-account-ec2", "destination"));
    expect(resources.aws_iam_group.assumers.name).toBe(assumersGroupName("cross-account-ec2", "destination"));
    expect(resources.aws_iam_user["assuming-user"].name).toBe(assumingUserName("cross-account-ec2", "destination"));
    expect(assumingUserName("cross-account-ec2", "destination")).toBe("cross-account-ec2-destination-user");
  });
});
