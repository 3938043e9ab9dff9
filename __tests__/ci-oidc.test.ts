import { ciOidcSettings } from "../lib/ci-oidc";
import { config, SOURCE_ACCOUNT } from "./support/fixtures";

const CI_OIDC = { subjects: ["repo:acme/infra:ref:refs/heads/main"] };
const withCi = (role: Record<string, unknown> = {}, overrides: Record<string, unknown> = {}) =>
  config({ source: { accountId: SOURCE_ACCOUNT, ciOidc: CI_OIDC }, ...overrides }, role);

describe("ciOidcSettings", () => {
  it("names one CI role per destination, and the provider and condition keys by the issuer", () => {
    // GIVEN / WHEN
    const ci = ciOidcSettings(withCi(), "destination");
    // THEN
    expect(ci).toEqual({
      roleName: "cross-account-ec2-destination-ci",
      roleArn: `arn:aws:iam::${SOURCE_ACCOUNT}:role/cross-account-ec2-destination-ci`,
      issuer: "token.actions.githubusercontent.com",
      providerUrl: "https://token.actions.githubusercontent.com",
      providerArn: `arn:aws:iam::${SOURCE_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
      audience: "sts.amazonaws.com",
      subjects: CI_OIDC.subjects,
      createProvider: false,
    });
  });

  it("is absent without source.ciOidc", () => {
    expect(ciOidcSettings(config(), "destination")).toBeUndefined();
  });

  it("carries the S3 backend's state role, which CI must assume to reach state", () => {
    const stateRoleArn = `arn:aws:iam::${SOURCE_ACCOUNT}:role/state`;
    const backend = { type: "s3", bucket: "state-bucket", keyPrefix: "cdktf", region: "us-east-2", roleArn: stateRoleArn };
    expect(ciOidcSettings(withCi({}, { backend }), "destination")?.stateRoleArn).toBe(stateRoleArn);
  });
});
