import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient, STSServiceException } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { verifyDestination, type SourceCredentials } from "../tools/operations/verify";
import { target } from "./support/fixtures";
import { withEnv } from "../tools/proof/env";

const sts = mockClient(STSClient);
const staticCredentials: SourceCredentials = () => async () => ({ accessKeyId: "AKIAEXAMPLE", secretAccessKey: "secret" });
const dest = target({}, { externalId: "ext-123" });
const ASSUMED = { AccessKeyId: "ASIAEXAMPLE", SecretAccessKey: "s", SessionToken: "t", Expiration: new Date() };

const stsError = (name: string, message: string) => new STSServiceException({ name, message, $fault: "client", $metadata: {} });

beforeEach(() => sts.reset());

describe("verifyDestination", () => {
  it("assumes the role with the external ID and returns the assumed identity", async () => {
    // GIVEN STS lets the source assume the role
    sts.on(AssumeRoleCommand).resolves({ Credentials: ASSUMED });
    sts.on(GetCallerIdentityCommand).resolves({
      Account: "222222222222",
      Arn: "arn:aws:sts::222222222222:assumed-role/cross-account-ec2/cdktf-assume-role-verify",
      UserId: "AROA:x",
    });
    // WHEN
    const identity = await verifyDestination(dest, staticCredentials);
    // THEN
    expect(identity).toEqual({
      account: "222222222222",
      arn: "arn:aws:sts::222222222222:assumed-role/cross-account-ec2/cdktf-assume-role-verify",
      userId: "AROA:x",
    });
    expect(sts.commandCalls(AssumeRoleCommand)[0].args[0].input).toMatchObject({
      RoleArn: "arn:aws:iam::222222222222:role/cross-account-ec2",
      RoleSessionName: "cdktf-assume-role-verify",
      ExternalId: "ext-123",
      DurationSeconds: 900,
    });
  });

  it("names the session after the caller's IAM user name when the trust requires it", async () => {
    // GIVEN a source user alice, and a trust that requires her name as the session name
    sts.on(AssumeRoleCommand).resolves({ Credentials: ASSUMED });
    sts
      .on(GetCallerIdentityCommand)
      .resolvesOnce({ Account: "111111111111", Arn: "arn:aws:iam::111111111111:user/team/alice", UserId: "AIDA" })
      .resolvesOnce({ Account: "222222222222", Arn: "arn:aws:sts::222222222222:assumed-role/cross-account-ec2/alice", UserId: "AROA:alice" });
    // WHEN
    const identity = await verifyDestination(target({}, { requireSessionName: "username" }), staticCredentials);
    // THEN
    expect(sts.commandCalls(AssumeRoleCommand)[0].args[0].input.RoleSessionName).toBe("alice");
    expect(identity.arn).toBe("arn:aws:sts::222222222222:assumed-role/cross-account-ec2/alice");
  });

  it("fails if the trust requires a user name but the source credentials are a role's", async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: "111111111111", Arn: "arn:aws:sts::111111111111:assumed-role/ci/run-1", UserId: "AROA" });
    await expect(verifyDestination(target({}, { requireSessionName: "username" }), staticCredentials)).rejects.toThrow(
      "The role requires your IAM user name as the session name, but the source credentials are not a user's (arn:aws:sts::111111111111:assumed-role/ci/run-1).",
    );
  });

  it("fails if the session lands in another account", async () => {
    sts.on(AssumeRoleCommand).resolves({ Credentials: ASSUMED });
    sts.on(GetCallerIdentityCommand).resolves({ Account: "333333333333", Arn: "arn:x", UserId: "u" });
    await expect(verifyDestination(dest, staticCredentials)).rejects.toThrow(
      "The assumed session is in account 333333333333, but destination is account 222222222222.",
    );
  });

  it("explains AccessDenied: what to check", async () => {
    sts
      .on(AssumeRoleCommand)
      .rejects(stsError("AccessDenied", "User: arn:aws:iam::111111111111:user/ci is not authorized to perform: sts:AssumeRole"));
    await expect(verifyDestination(dest, staticCredentials)).rejects.toThrow(
      /^Access denied assuming arn:aws:iam::222222222222:role\/cross-account-ec2 from profile "source".\nCheck that destination-iam is deployed, .* that the external ID matches.\nAWS said: User: .* is not authorized/,
    );
  });

  it("explains an expired token", async () => {
    sts.on(AssumeRoleCommand).rejects(stsError("ExpiredToken", "The security token included in the request is expired"));
    await expect(verifyDestination(dest, staticCredentials)).rejects.toThrow(
      'The credentials of profile "source" have expired. Refresh them (for SSO: aws sso login --profile source)',
    );
  });

  it("explains a missing profile, with the real shared-config loader", async () => {
    // GIVEN empty shared config files
    const dir = mkdtempSync(join(tmpdir(), "aws-"));
    writeFileSync(join(dir, "config"), "");
    writeFileSync(join(dir, "credentials"), "");
    // WHEN
    const attempt = withEnv({ AWS_CONFIG_FILE: join(dir, "config"), AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials") }, () =>
      verifyDestination(dest),
    );
    // THEN
    await expect(attempt).rejects.toThrow(/^No credentials for the source profile "source": .*Add it to ~\/.aws\/config/);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });
});
