import { architectureOf, isKnownInstanceType, needsDedicatedHost } from "../lib/instance-types";

describe("architectureOf", () => {
  it.each([
    ["t3.micro", "x86_64"],
    ["m7i.large", "x86_64"],
    ["m7i-flex.large", "x86_64"],
    ["c5d.xlarge", "x86_64"],
    ["g5.xlarge", "x86_64"],
    ["mac1.metal", "x86_64"],
    ["t4g.small", "arm64"],
    ["m7gd.large", "arm64"],
    ["c8g.medium", "arm64"],
    ["g5g.xlarge", "arm64"],
    ["im4gn.large", "arm64"],
    ["a1.medium", "arm64"],
    ["mac2.metal", "arm64"],
  ])("%s runs %s images", (instanceType, arch) => {
    expect(architectureOf(instanceType)).toBe(arch);
  });

  it("gives every arm64 family the data knows an arm64 answer, and no x86 family", () => {
    // The Graviton and Apple-silicon families of the SDK's list, by name: the rule must agree with each.
    for (const type of ["a1.large", "t4g.nano", "m6g.large", "c6gn.large", "x2gd.large", "r8g.large", "hpc7g.4xlarge", "mac2-m2pro.metal"]) {
      expect([type, isKnownInstanceType(type), architectureOf(type)]).toEqual([type, true, "arm64"]);
    }
  });
});

describe("isKnownInstanceType", () => {
  it("knows the types of the AWS SDK's EC2 model, and no invented one", () => {
    expect(["t3.micro", "p5.48xlarge", "u-6tb1.metal"].map(isKnownInstanceType)).toEqual([true, true, true]);
    expect(["foo.bar", "t3.mega", "t9.micro"].map(isKnownInstanceType)).toEqual([false, false, false]);
  });
});

describe("needsDedicatedHost", () => {
  it("is true for Mac instances only", () => {
    expect(["mac1.metal", "mac2.metal", "mac-m4.metal", "m5.metal"].map(needsDedicatedHost)).toEqual([true, true, true, false]);
  });
});
