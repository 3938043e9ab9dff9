import { parseConfig, referenceWarnings, type AppConfig } from "../lib/config";
import { DESTINATION_ACCOUNT, OTHER_ACCOUNT, rawConfig, SOURCE_ACCOUNT } from "./support/fixtures";

type Json = Record<string, unknown>;

const AMI = "ami-0123456789abcdef0";
const SUBNET = "subnet-0123456789abcdef0";
const two = (second: Json = {}) => [
  { name: "dev", accountId: DESTINATION_ACCOUNT },
  { name: "prod", accountId: OTHER_ACCOUNT, ...second },
];

/** A valid config with `changes` made after validation: the warnings of configs the rules would refuse first. */
function validated(changes: (config: AppConfig) => AppConfig, raw: Json = {}): AppConfig {
  return changes(parseConfig(rawConfig(raw), "test"));
}

describe("referenceWarnings", () => {
  it("warns about sharing an AMI or a subnet only for destinations of one region: across regions the rules refuse them instead", () => {
    const acrossRegions = validated((c) => ({ ...c, instance: { ...c.instance, ami: AMI, subnetId: SUBNET } }), {
      destinations: two({ region: "eu-west-1" }),
      role: { name: "cross-account-ec2", permissions: "ec2-full-access" },
    });
    expect(referenceWarnings(acrossRegions)).toEqual([]);
  });

  it("warns about sharing a subnet only with ec2-full-access, and only across accounts", () => {
    // GIVEN one subnet, under the scoped policy (refused by the rules), and for one destination
    const scoped = validated((c) => ({ ...c, instance: { ...c.instance, subnetId: SUBNET } }), { destinations: two() });
    const single = parseConfig(
      rawConfig({ instance: { instanceType: "t3.micro", subnetId: SUBNET }, role: { name: "r", permissions: "ec2-full-access" } }),
    );
    // THEN
    expect(referenceWarnings(scoped)).toEqual([]);
    expect(referenceWarnings(single)).toEqual([]);
  });

  it("warns of a port in the OIDC provider's URL only when there is one", () => {
    const withUrl = (providerUrl: string) =>
      parseConfig(rawConfig({ source: { accountId: SOURCE_ACCOUNT, ciOidc: { providerUrl, subjects: ["ci"], createProvider: false } } }));
    expect(referenceWarnings(withUrl("https://issuer.example.com:8443/tenant"))).toEqual([
      expect.stringContaining('source.ciOidc.providerUrl "https://issuer.example.com:8443/tenant" holds a port'),
    ]);
    expect(referenceWarnings(withUrl("https://issuer.example.com/tenant"))).toEqual([]);
  });

  it('warns of a "." or ".." segment in the state key prefix, and only of a whole segment', () => {
    // GIVEN S3 state under prefixes with and without dot segments
    const withPrefix = (keyPrefix: string) =>
      referenceWarnings(parseConfig(rawConfig({ backend: { type: "s3", bucket: "org-tf-state", keyPrefix, region: "us-east-1" } })));
    // THEN only whole "." and ".." segments are warned
    expect(withPrefix("team/../assume-role")).toEqual([
      expect.stringContaining('backend.keyPrefix "team/../assume-role" holds a "." or ".." segment'),
    ]);
    expect(withPrefix("./assume-role")).toHaveLength(1);
    expect(withPrefix("team/..hidden/v1.2/a.")).toEqual([]);
  });

  it("warns of the default token audience in China, and of nothing once it is sts.amazonaws.com.cn or outside China", () => {
    // GIVEN a CI role in aws-cn with each audience, and one in aws with the default
    const ci = (partition: string, region: string, audience?: string) =>
      referenceWarnings(
        parseConfig(
          rawConfig({
            partition,
            region,
            source: { accountId: SOURCE_ACCOUNT, ciOidc: { subjects: ["repo:acme/infra:ref:refs/heads/main"], ...(audience ? { audience } : {}) } },
          }),
        ),
      );
    // THEN only the default in China is warned
    expect(ci("aws-cn", "cn-north-1")).toEqual([expect.stringContaining('source.ciOidc.audience "sts.amazonaws.com" in partition aws-cn')]);
    expect(ci("aws-cn", "cn-north-1", "sts.amazonaws.com.cn")).toEqual([]);
    expect(ci("aws", "us-east-2")).toEqual([]);
  });

  it("says nothing of role chaining when MFA is not required", () => {
    const roles = parseConfig(rawConfig({ role: { name: "r", trustedPrincipalArns: [`arn:aws:iam::${SOURCE_ACCOUNT}:role/ops`] } }));
    expect(referenceWarnings(roles)).toEqual([]);
  });
});

describe("the AMI and subnet rules", () => {
  it("name each region's destinations together", () => {
    // GIVEN two destinations in us-east-2 and one in eu-west-1
    const data = rawConfig({
      instance: { instanceType: "t3.micro", ami: AMI },
      destinations: [...two(), { name: "eu", accountId: "444444444444", region: "eu-west-1" }],
    });
    // THEN
    expect(() => parseConfig(data)).toThrow("the destinations launch in 2 (dev, prod in us-east-2; eu in eu-west-1)");
  });
});
