import { resolveTargets, selectStacks, SelectionError } from "../lib/targets";
import { config } from "./support/fixtures";

describe("resolveTargets", () => {
  it("resolves one target per destination, with overrides over top-level defaults", () => {
    // GIVEN two destinations, one with overrides
    const appConfig = config(
      {
        destinations: [
          { name: "dev", accountId: "222222222222" },
          { name: "prod", accountId: "333333333333", region: "eu-west-1", instanceType: "t3.small", externalId: "prod-ext", tags: { Env: "prod" } },
        ],
        tags: { Team: "platform" },
      },
      { externalId: "shared-ext", path: "/automation/" },
    );
    // WHEN
    const [dev, prod] = resolveTargets(appConfig);
    // THEN
    expect(dev).toMatchObject({
      name: "dev",
      destination: { accountId: "222222222222", region: "us-east-2" },
      instance: { instanceType: "t3.micro" },
      role: { externalId: "shared-ext", arn: "arn:aws:iam::222222222222:role/automation/cross-account-ec2" },
      tags: { Team: "platform", Project: "cdktf-assume-role" },
      iamStackName: "dev-iam",
      ec2StackName: "dev-ec2",
    });
    expect(prod).toMatchObject({
      destination: { accountId: "333333333333", region: "eu-west-1" },
      instance: { instanceType: "t3.small" },
      role: { externalId: "prod-ext", arn: "arn:aws:iam::333333333333:role/automation/cross-account-ec2" },
      tags: { Team: "platform", Env: "prod", Project: "cdktf-assume-role" },
    });
  });

  it("tags everything with the project", () => {
    const [only] = resolveTargets(config({ project: "mine" }));
    expect(only.tags).toEqual({ Project: "mine" });
  });
});

describe("selectStacks", () => {
  const targets = resolveTargets(
    config({
      destinations: [
        { name: "dev", accountId: "222222222222" },
        { name: "prod-eu", accountId: "333333333333" },
      ],
    }),
  );
  const selected = (patterns: string[]) => selectStacks(targets, patterns).map((s) => [s.target.name, s.iam, s.ec2]);

  it("selects both stacks of a destination by its name or a glob", () => {
    expect(selected(["prod-*"])).toEqual([["prod-eu", true, true]]);
    expect(selected([])).toEqual([
      ["dev", true, true],
      ["prod-eu", true, true],
    ]);
  });

  it("selects one stack by its name", () => {
    expect(selected(["dev-ec2"])).toEqual([["dev", false, true]]);
    expect(selected(["*-iam"])).toEqual([
      ["dev", true, false],
      ["prod-eu", true, false],
    ]);
  });

  it("fails if a pattern matches nothing, listing destinations and stacks", () => {
    expect(() => selectStacks(targets, ["dev", "staging"])).toThrow(
      new SelectionError("Nothing matches staging. Destinations: dev, prod-eu; stacks: dev-iam, dev-ec2, prod-eu-iam, prod-eu-ec2."),
    );
  });
});
