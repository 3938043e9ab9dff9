import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromNodeProviderChain } from "@aws-sdk/credential-providers";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";
import type { DeploymentTarget } from "../../lib/targets";

export interface VerifiedIdentity {
  readonly account: string;
  readonly arn: string;
  readonly userId: string;
}

export class VerifyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "VerifyError";
  }
}

/** The source credentials: the configured profile, or the standard chain (environment, SSO, files, instance role). Tests inject their own. */
export type SourceCredentials = (target: DeploymentTarget) => AwsCredentialIdentityProvider;
export const profileCredentials: SourceCredentials = (target) =>
  fromNodeProviderChain(target.source.profile ? { profile: target.source.profile } : {});

/**
 * The session name verify uses: what the trust requires (the caller's IAM
 * user name, or role.sessionName), else role.sessionName with `-verify`, so
 * CloudTrail tells the check from a deploy.
 */
async function sessionName(target: DeploymentTarget, source: STSClient): Promise<string> {
  if (target.role.requireSessionName === "sessionName") return target.role.sessionName;
  if (target.role.requireSessionName !== "username") return `${target.role.sessionName}-verify`.slice(0, 64);
  const { Arn = "" } = await source.send(new GetCallerIdentityCommand({}));
  if (!/:user\//.test(Arn))
    throw new VerifyError(`The role requires your IAM user name as the session name, but the source credentials are not a user's (${Arn}).`);
  return Arn.split("/").at(-1) ?? "";
}

/** Turns what the SDK throws into what to do about it. */
function explain(error: unknown, target: DeploymentTarget): VerifyError {
  const { name, message } = error as { name?: string; message?: string };
  const profile = target.source.profile ?? "default";
  switch (name) {
    case "CredentialsProviderError":
      return new VerifyError(
        `No credentials for the source profile "${profile}": ${message}. Add it to ~/.aws/config or ~/.aws/credentials, or set source.profile.`,
      );
    case "ExpiredToken":
    case "ExpiredTokenException":
      return new VerifyError(
        `The credentials of profile "${profile}" have expired. Refresh them (for SSO: aws sso login --profile ${profile}) and try again.`,
      );
    case "AccessDenied":
      return new VerifyError(
        [
          `Access denied assuming ${target.role.arn} from profile "${profile}".`,
          `Check that ${target.iamStackName} is deployed, that the caller is in the assumers group or source.attachTo${target.role.trustedPrincipalArns.length ? " and in role.trustedPrincipalArns" : ""}, that the external ID matches${target.role.requireMfa ? ", and that the session has MFA" : ""}.`,
          `AWS said: ${message}`,
        ].join("\n"),
      );
    default:
      return new VerifyError(`Could not verify ${target.name}: ${name ?? "Error"}: ${message ?? String(error)}`);
  }
}

/**
 * The cheat sheet's check, in TypeScript: assume the role with the source
 * credentials, then ask STS who we are. Fails unless the session is in the
 * destination account.
 */
export async function verifyDestination(
  target: DeploymentTarget,
  sourceCredentials: SourceCredentials = profileCredentials,
): Promise<VerifiedIdentity> {
  const region = target.destination.region;
  try {
    // Resolved up front: a missing profile or expired login is reported before any STS call.
    const source = new STSClient({ region, credentials: await sourceCredentials(target)() });
    const assumed = await source.send(
      new AssumeRoleCommand({
        RoleArn: target.role.arn,
        RoleSessionName: await sessionName(target, source),
        ExternalId: target.role.externalId,
        SourceIdentity: target.role.sourceIdentity,
        Tags: Object.entries(target.role.sessionTags).map(([Key, Value]) => ({ Key, Value })),
        DurationSeconds: 900,
      }),
    );
    const c = assumed.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new VerifyError(`AssumeRole on ${target.role.arn} returned no credentials.`);
    const credentials: AwsCredentialIdentity = {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    };
    const identity = await new STSClient({ region, credentials }).send(new GetCallerIdentityCommand({}));
    if (identity.Account !== target.destination.accountId) {
      throw new VerifyError(`The assumed session is in account ${identity.Account}, but ${target.name} is account ${target.destination.accountId}.`);
    }
    return { account: identity.Account ?? "", arn: identity.Arn ?? "", userId: identity.UserId ?? "" };
  } catch (error) {
    throw error instanceof VerifyError ? error : explain(error, target);
  }
}
