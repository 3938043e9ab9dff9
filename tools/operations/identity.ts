import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromNodeProviderChain } from "@aws-sdk/credential-providers";
import type { StackSelection } from "../../lib/targets";

/**
 * The credentials check before any Terraform runs: every profile the
 * selected stacks use is resolved once, in parallel, and asked who it is.
 * A missing profile, expired credentials or credentials of the wrong account
 * become one message per profile, in about a second, instead of a
 * postcondition failure deep in a plan (the postconditions stay as the last
 * line of defence).
 */

/** One set of credentials and the account it must belong to. */
export interface ExpectedIdentity {
  /** @default - the standard credential chain */
  readonly profile?: string;
  readonly accountId: string;
  /** What it is for, for the message: "the source account", "destination prod". */
  readonly field: string;
  readonly region: string;
}

/** Asks who the credentials of `profile` (or the standard chain) are; throws what the SDK throws. */
export type WhoAmI = (profile: string | undefined, region: string) => Promise<{ readonly account: string; readonly arn: string }>;

export const stsWhoAmI: WhoAmI = async (profile, region) => {
  const credentials = fromNodeProviderChain(profile ? { profile } : {});
  const { Account = "", Arn = "" } = await new STSClient({ region, credentials, maxAttempts: 2 }).send(new GetCallerIdentityCommand({}));
  return { account: Account, arn: Arn };
};

/** The identities the selected stacks use: the source for both, the destination's own for IAM stacks. */
export function expectedIdentities(selections: readonly StackSelection[]): ExpectedIdentity[] {
  const all = selections.flatMap(({ target, iam, ec2 }): ExpectedIdentity[] => [
    ...(iam || ec2
      ? [{ profile: target.source.profile, accountId: target.source.accountId, field: "the source account", region: target.destination.region }]
      : []),
    ...(iam
      ? [
          {
            profile: target.destination.profile,
            accountId: target.destination.accountId,
            field: `destination ${target.name}`,
            region: target.destination.region,
          },
        ]
      : []),
  ]);
  const seen = new Set<string>();
  return all.filter((id) => {
    const key = `${id.profile ?? ""}\u0000${id.accountId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const named = (profile: string | undefined) => (profile ? `profile "${profile}"` : "the default credentials (no profile set)");

/** What to fix for one identity that failed; `undefined` when it is right. */
async function problem(id: ExpectedIdentity, whoAmI: WhoAmI): Promise<string | undefined> {
  try {
    const { account, arn } = await whoAmI(id.profile, id.region);
    if (account === id.accountId) return undefined;
    return `${named(id.profile)} (${id.field}) signs in as ${arn} in account ${account}, but the config expects account ${id.accountId}: point the profile at account ${id.accountId}, or correct the account ID in the config.`;
  } catch (error) {
    const { name = "Error", message = String(error) } = error as { name?: string; message?: string };
    if (name === "CredentialsProviderError" || /could not load credentials|profile .* not found/i.test(message))
      return `${named(id.profile)} (${id.field}) has no credentials: ${message}. Add it to ~/.aws/config and ~/.aws/credentials (see the README's quickstart), or sign in (aws sso login${id.profile ? ` --profile ${id.profile}` : ""}).`;
    if (/expired/i.test(`${name} ${message}`))
      return `${named(id.profile)} (${id.field}) has expired credentials: refresh them (aws sso login${id.profile ? ` --profile ${id.profile}` : ""}) and run again.`;
    return `${named(id.profile)} (${id.field}) could not be checked: ${name}: ${message}`;
  }
}

/**
 * Checks every identity at once.
 * @returns one message per identity that is wrong or missing; empty when all are right
 */
export async function identityProblems(ids: readonly ExpectedIdentity[], whoAmI: WhoAmI = stsWhoAmI): Promise<string[]> {
  const problems = await Promise.all(ids.map((id) => problem(id, whoAmI)));
  return problems.filter((p): p is string => p !== undefined);
}
