import { reservedNameWarnings, sourceQuotaWarnings } from "../lib/quotas";
import { config, destinations } from "./support/fixtures";

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

describe("reservedNameWarnings", () => {
  it.each([
    [{ path: "/aws-reserved/mine/" }, 'role.path "/aws-reserved/mine/" is a path AWS keeps for its own roles'],
    [{ path: "/aws-service-role/x/" }, 'role.path "/aws-service-role/x/" is a path AWS keeps for its own roles'],
    [{ name: "AWSReservedSSO_mine" }, 'role.name "AWSReservedSSO_mine" starts like the names AWS gives its own roles'],
    [{ name: "AWSServiceRoleForMine" }, 'role.name "AWSServiceRoleForMine" starts like the names AWS gives its own roles'],
  ])("warns for the role %j, which AWS does not document as refused", (role, warning) => {
    const [found] = reservedNameWarnings(config({ role: { name: "cross-account-ec2", ...role } }));
    expect(found).toContain(warning);
  });

  it("says nothing for other paths and names", () => {
    expect(reservedNameWarnings(config({ role: { name: "aws-reserved-ish", path: "/platform/aws-reserved/" } }))).toEqual([]);
  });

  it("says nothing for the example's scale", () => {
    expect(sourceQuotaWarnings(config())).toEqual([]);
  });
});
