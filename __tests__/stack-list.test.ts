import { resolveTargets } from "../lib/targets";
import { destinationEntries, formatRows, stackRows } from "../tools/operations/stack-list";
import { config } from "./support/fixtures";

describe("stackRows", () => {
  it("lists both stacks of each destination with account, region, credentials and role", () => {
    const rows = stackRows(
      resolveTargets(config({ destinations: [{ name: "prod", accountId: "333333333333", region: "eu-west-1", profile: "prod-admin" }] })),
    );
    expect(rows).toEqual([
      {
        stack: "prod-iam",
        account: "333333333333 + 111111111111",
        region: "eu-west-1",
        credentials: "prod-admin + source",
        role: "arn:aws:iam::333333333333:role/cross-account-ec2",
      },
      {
        stack: "prod-ec2",
        account: "333333333333",
        region: "eu-west-1",
        credentials: "source as role",
        role: "arn:aws:iam::333333333333:role/cross-account-ec2",
      },
    ]);
  });
});

describe("formatRows", () => {
  it("aligns columns and sorts by stack name", () => {
    const text = formatRows(stackRows(resolveTargets(config())));
    expect(text.split("\n")).toEqual([
      "STACK            ACCOUNT                      REGION     CREDENTIALS           ROLE",
      "destination-ec2  222222222222                 us-east-2  source as role        arn:aws:iam::222222222222:role/cross-account-ec2",
      "destination-iam  222222222222 + 111111111111  us-east-2  destination + source  arn:aws:iam::222222222222:role/cross-account-ec2",
    ]);
  });
});

describe("destinationEntries", () => {
  it("gives each destination's name, account, region, stacks and profiles, for a CI matrix", () => {
    const targets = resolveTargets(
      config({
        destinations: [
          { name: "prod", accountId: "333333333333", region: "eu-west-1", profile: "prod-admin" },
          { name: "dev", accountId: "222222222222" },
        ],
      }),
    );
    expect(destinationEntries(targets)).toEqual([
      {
        name: "prod",
        account: "333333333333",
        region: "eu-west-1",
        stacks: { iam: "prod-iam", ec2: "prod-ec2" },
        profiles: { source: "source", destination: "prod-admin" },
        partition: "aws",
        ciRoleArn: "",
        ciAudience: "",
        retired: false,
      },
      {
        name: "dev",
        account: "222222222222",
        region: "us-east-2",
        stacks: { iam: "dev-iam", ec2: "dev-ec2" },
        profiles: { source: "source", destination: "" },
        partition: "aws",
        ciRoleArn: "",
        ciAudience: "",
        retired: false,
      },
    ]);
  });
});
