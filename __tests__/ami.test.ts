import { CANONICAL_OWNER_IDS } from "../lib/ami";

describe("CANONICAL_OWNER_IDS", () => {
  it("names a publisher account for every partition", () => {
    expect(Object.keys(CANONICAL_OWNER_IDS).sort()).toEqual(["aws", "aws-cn", "aws-us-gov"]);
    expect(Object.values(CANONICAL_OWNER_IDS).every((id) => /^\d{12}$/.test(id))).toBe(true);
  });
});
