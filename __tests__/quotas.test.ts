import { reservedNameWarnings, sessionTagCharacters, sessionTagWarnings, sourceQuotaWarnings } from "../lib/quotas";
import { parseConfig } from "../lib/config";
import { config, destinations, edgeRawConfig, policyOf, synthApp } from "./support/fixtures";

describe("sourceQuotaWarnings", () => {
  it("warns when the config alone takes the source account's groups to 80% of IAM's quota", () => {
    // GIVEN 240 destinations and no named principal: 240 assumers groups, 240 policies
    const warnings = sourceQuotaWarnings(config({ destinations: destinations(240) }));
    // THEN groups warn (240 of 300), policies do not (240 of 1,500)
    expect(warnings).toEqual([
      "the config creates 240 groups in source account 111111111111, against IAM's default quota of 300 per account (name existing groups in source.attachTo to create none); ask for a higher quota or split the config",
    ]);
  });

  it("creates no group, and so warns of none, when principals are named", () => {
    const named = config({ destinations: destinations(10), source: { accountId: "111111111111", attachTo: { groups: ["ops"] } } });
    expect(sourceQuotaWarnings(named)).toEqual([]);
  });

  it("warns when a named user or role would hold more managed policies than IAM's default quota of 10, one a destination", () => {
    // GIVEN a user named in source.attachTo, and 11 destinations
    const eleven = config({ destinations: destinations(11), source: { accountId: "111111111111", attachTo: { users: ["deployer"] } } });
    const ten = config({ destinations: destinations(10), source: { accountId: "111111111111", attachTo: { users: ["deployer"] } } });
    // THEN
    expect(sourceQuotaWarnings(eleven)).toEqual([
      "each of the 11 destinations attaches its own managed policy to every user and role named, over IAM's default quota of 10 managed policies per user or role (the policies they hold already count too): ask for a raised quota (at most 20) before deploying, or attach to groups",
    ]);
    expect(sourceQuotaWarnings(ten)).toEqual([]);
  });
});

describe("sessionTagWarnings", () => {
  const tagged = (sessionTags: Record<string, string>) => config({}, { sessionTags });

  it("warns of the one published measurement's tags: 9 values of 250 characters took 498% of STS's packed space", () => {
    // GIVEN the measured tags
    const measured = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`T${i + 1}`, "a".repeat(250)]));
    // THEN
    expect(sessionTagCharacters(measured)).toBe(2268);
    expect(sessionTagWarnings(tagged(measured))).toEqual([
      "role.sessionTags hold 2268 characters: STS packs session tags into a space AWS does not publish, and at the one published measurement (2,268 characters took 498% of it) these would take about 498%, so AssumeRole may be refused (PackedPolicyTooLarge): send fewer or shorter tags",
    ]);
  });

  it("warns from 80% of the space as the measurement puts it: 363 characters, not 362", () => {
    // GIVEN two tags of 1-character keys whose values make 363 and 362 characters in all
    const warnings = (characters: number) => sessionTagWarnings(tagged({ a: "v".repeat(180), b: "v".repeat(characters - 182) }));
    // THEN
    expect(warnings(363)).toEqual([expect.stringContaining("would take about 80%")]);
    expect(warnings(362)).toEqual([]);
  });

  it("says nothing of a few short tags", () => {
    expect(sessionTagWarnings(tagged({ team: "platform", env: "prod" }))).toEqual([]);
  });
});

describe("reservedNameWarnings", () => {
  it.each([
    [{ path: "/aws-reserved/mine/" }, 'role.path "/aws-reserved/mine/" is a path AWS keeps for its own roles'],
    [{ path: "/aws-service-role/x/" }, 'role.path "/aws-service-role/x/" is a path AWS keeps for its own roles'],
    [{ name: "AWSReservedSSO_mine" }, 'role.name "AWSReservedSSO_mine" starts like the names AWS gives its own roles'],
    [{ name: "AWSServiceRoleForMine" }, 'role.name "AWSServiceRoleForMine" starts like the names AWS gives its own roles'],
    [
      { name: "OrganizationAccountAccessRole" },
      'role.name "OrganizationAccountAccessRole" is the role AWS Organizations creates in every account it creates',
    ],
    [
      { name: "awscontroltowerexecution" },
      'role.name "awscontroltowerexecution" is the role AWS Control Tower creates in every account it creates or enrolls',
    ],
  ])("warns for the role %j, which AWS does not document as refused", (role, warning) => {
    const [found] = reservedNameWarnings(config({ role: { name: "cross-account-ec2", ...role } }));
    expect(found).toContain(warning);
  });

  it("says nothing for other paths and names", () => {
    expect(reservedNameWarnings(config({ role: { name: "aws-reserved-ish", path: "/platform/aws-reserved/" } }))).toEqual([]);
    expect(reservedNameWarnings(config({ role: { name: "OrganizationAccountAccessRole-ec2" } }))).toEqual([]);
  });

  it("says nothing for the example's scale", () => {
    expect(sourceQuotaWarnings(config())).toEqual([]);
  });
});

describe("the documents the largest config derives, against IAM's size quotas", () => {
  it("stay within them: the trust 2,048, the role's inline policy 10,240, the source's managed policy 6,144 characters", () => {
    // GIVEN every bounded value at the largest the config takes, synthesized
    const app = synthApp(parseConfig(edgeRawConfig(), "edge"));
    const iam = app.stack(`${"d".repeat(32)}-iam`);
    // WHEN each document is measured as IAM counts it, without whitespace (a reference such as the subnet's ID is
    // longer here than the ID it becomes, so this is an upper bound)
    const size = (type: string, name: string, attribute?: string) => JSON.stringify(policyOf(iam, type, name, attribute)).length;
    // THEN
    expect(size("aws_iam_role", "role", "assume_role_policy")).toBeLessThanOrEqual(2048);
    expect(size("aws_iam_role_policy", "role-scoped-ec2")).toBeLessThanOrEqual(10240);
    expect(size("aws_iam_policy", "assume-role-policy")).toBeLessThanOrEqual(6144);
  });
});
