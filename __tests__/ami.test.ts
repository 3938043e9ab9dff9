import { architectureOf, CANONICAL_OWNER_IDS } from "../lib/ami";

describe("architectureOf", () => {
  it.each([
    ["t3.micro", "x86_64"],
    ["m7i.large", "x86_64"],
    ["c5d.xlarge", "x86_64"],
    ["t4g.small", "arm64"],
    ["m7gd.large", "arm64"],
    ["c8g.medium", "arm64"],
  ])("%s runs %s images", (instanceType, arch) => {
    expect(architectureOf(instanceType)).toBe(arch);
  });
});

describe("CANONICAL_OWNER_IDS", () => {
  it("names a publisher account for every partition", () => {
    expect(Object.keys(CANONICAL_OWNER_IDS).sort()).toEqual(["aws", "aws-cn", "aws-us-gov"]);
    expect(Object.values(CANONICAL_OWNER_IDS).every((id) => /^\d{12}$/.test(id))).toBe(true);
  });
});
