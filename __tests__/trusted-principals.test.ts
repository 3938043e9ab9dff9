import { trustedPrincipalArns } from "../lib/trusted-principals";
import { config, SOURCE_ACCOUNT } from "./support/fixtures";

const CI_OIDC = { subjects: ["repo:acme/infra:ref:refs/heads/main"] };
const withCi = (role: Record<string, unknown> = {}, overrides: Record<string, unknown> = {}) =>
  config({ source: { accountId: SOURCE_ACCOUNT, ciOidc: CI_OIDC }, ...overrides }, role);

describe("trustedPrincipalArns", () => {
  const CI_ROLE = `arn:aws:iam::${SOURCE_ACCOUNT}:role/cross-account-ec2-destination-ci`;
  const USER = `arn:aws:iam::${SOURCE_ACCOUNT}:user/cross-account-ec2-destination-user`;
  const DEPLOYER = `arn:aws:iam::${SOURCE_ACCOUNT}:role/ci-deployer`;

  it("adds the CI role to a trust that names principals, so the trust never refuses it", () => {
    expect(trustedPrincipalArns(withCi({ trustedPrincipalArns: [DEPLOYER] }), "destination")).toEqual([DEPLOYER, CI_ROLE]);
  });

  it("leaves an empty list empty: it already trusts every principal of the source account", () => {
    expect(trustedPrincipalArns(withCi(), "destination")).toEqual([]);
    expect(trustedPrincipalArns(config({ source: { accountId: SOURCE_ACCOUNT, createUser: true } }), "destination")).toEqual([]);
  });

  it("names the CI role once when the list already holds it", () => {
    expect(trustedPrincipalArns(withCi({ trustedPrincipalArns: [CI_ROLE] }), "destination")).toEqual([CI_ROLE]);
  });

  it("is the configured list without source.ciOidc or source.createUser", () => {
    expect(trustedPrincipalArns(config({}, { trustedPrincipalArns: [DEPLOYER] }), "destination")).toEqual([DEPLOYER]);
  });

  it("adds the destination's own created user, and only its own: another destination's key cannot reach this role", () => {
    // GIVEN a created user and a CI role per destination, with a trust that names a deployer
    const both = config(
      {
        source: { accountId: SOURCE_ACCOUNT, ciOidc: CI_OIDC, createUser: true },
        destinations: [
          { name: "destination", accountId: "222222222222" },
          { name: "prod", accountId: "333333333333" },
        ],
      },
      { trustedPrincipalArns: [DEPLOYER] },
    );
    // WHEN each destination's trust is read
    // THEN each names the deployer and its own CI role and user, never the other's
    expect(trustedPrincipalArns(both, "destination")).toEqual([DEPLOYER, CI_ROLE, USER]);
    expect(trustedPrincipalArns(both, "prod")).toEqual([
      DEPLOYER,
      `arn:aws:iam::${SOURCE_ACCOUNT}:role/cross-account-ec2-prod-ci`,
      `arn:aws:iam::${SOURCE_ACCOUNT}:user/cross-account-ec2-prod-user`,
    ]);
  });

  it("names the created user once when the list already holds it", () => {
    const user = config({ source: { accountId: SOURCE_ACCOUNT, createUser: true } }, { trustedPrincipalArns: [USER] });
    expect(trustedPrincipalArns(user, "destination")).toEqual([USER]);
  });
});
