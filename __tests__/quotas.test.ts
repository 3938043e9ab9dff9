import { sourceQuotaWarnings } from "../lib/quotas";
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
    const named = config({ destinations: destinations(240), source: { accountId: "111111111111", attachTo: { groups: ["ops"] } } });
    expect(sourceQuotaWarnings(named)).toEqual([]);
  });

  it("says nothing for the example's scale", () => {
    expect(sourceQuotaWarnings(config())).toEqual([]);
  });
});
