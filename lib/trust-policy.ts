import { accountRootArn } from "./arn";
import type { Partition } from "./config/schema";
import { conditions, policyDocument, type PolicyDocument } from "./policy-document";
import type { CiOidcSettings } from "./ci-oidc";
import type { RoleSettings } from "./targets";

/** IAM's default quota for a role trust policy, counted without whitespace (it can be raised to 4,096 on request). */
export const TRUST_POLICY_MAX_CHARS = 2048;

/** The STS actions a session of this role performs: TagSession and SetSourceIdentity only when used. */
export function sessionActions(role: Pick<RoleSettings, "sessionTags" | "sourceIdentity">): string[] {
  return [
    "sts:AssumeRole",
    ...(Object.keys(role.sessionTags).length > 0 ? ["sts:TagSession"] : []),
    ...(role.sourceIdentity !== undefined ? ["sts:SetSourceIdentity"] : []),
  ];
}

/** IAM's policy variable for the caller's user name: absent for role sessions, so they never match. */
export const USERNAME_VARIABLE = "${aws:username}";

/** The session name the trust requires, if any. */
export function requiredSessionName(role: Pick<RoleSettings, "sessionName" | "requireSessionName">): string | undefined {
  if (role.requireSessionName === "username") return USERNAME_VARIABLE;
  return role.requireSessionName === "sessionName" ? role.sessionName : undefined;
}

/**
 * Trust policy of the destination role.
 *
 * The principal is always the source account; named principals are matched
 * with `ArnEquals aws:PrincipalArn` rather than listed as principals. IAM
 * turns a principal ARN into the principal's unique ID when the policy is
 * saved, so a user or role that is deleted and recreated would silently lose
 * access (and the policy would show a bare ID); the condition compares the
 * ARN at request time and survives that.
 */
export function buildTrustPolicy(
  partition: Partition,
  sourceAccountId: string,
  role: Pick<
    RoleSettings,
    | "trustedPrincipalArns"
    | "externalId"
    | "sourceOrgId"
    | "sourceIdentity"
    | "requireMfa"
    | "maxMfaAgeSeconds"
    | "sessionTags"
    | "sessionName"
    | "requireSessionName"
  >,
): PolicyDocument {
  return policyDocument({
    Sid: "AssumeFromSourceAccount",
    Effect: "Allow",
    Principal: { AWS: accountRootArn(partition, sourceAccountId) },
    Action: sessionActions(role),
    Condition: conditions([
      ["ArnEquals", "aws:PrincipalArn", role.trustedPrincipalArns],
      ["StringEquals", "sts:ExternalId", role.externalId],
      ["StringEquals", "aws:PrincipalOrgID", role.sourceOrgId],
      ["StringEquals", "sts:SourceIdentity", role.sourceIdentity],
      ["StringEquals", "sts:RoleSessionName", requiredSessionName(role)],
      ["Bool", "aws:MultiFactorAuthPresent", role.requireMfa ? "true" : undefined],
      // Absent without MFA, so NumericLessThan also fails for a session without MFA.
      [
        "NumericLessThan",
        "aws:MultiFactorAuthAge",
        role.requireMfa && role.maxMfaAgeSeconds !== undefined ? String(role.maxMfaAgeSeconds) : undefined,
      ],
    ]),
  });
}

/**
 * Identity policy for the source account: lets its holder assume exactly this
 * role (and tag the session or set a source identity only if the role uses them).
 */
export function buildAssumeRoleIdentityPolicy(role: Pick<RoleSettings, "arn" | "sessionTags" | "sourceIdentity">): PolicyDocument {
  return policyDocument({
    Sid: "AssumeDestinationRole",
    Effect: "Allow",
    Action: sessionActions(role),
    Resource: role.arn,
  });
}

/**
 * Trust policy of the CI role: tokens of one OIDC provider, for one audience,
 * from the configured subjects only. IAM's condition keys for an OIDC
 * provider are named by its issuer (`token.actions.githubusercontent.com:sub`).
 */
export function buildWebIdentityTrustPolicy(ci: Pick<CiOidcSettings, "issuer" | "providerArn" | "audience" | "subjects">): PolicyDocument {
  return policyDocument({
    Sid: "AssumeFromCiWorkloads",
    Effect: "Allow",
    Principal: { Federated: ci.providerArn },
    Action: "sts:AssumeRoleWithWebIdentity",
    Condition: conditions([
      ["StringEquals", `${ci.issuer}:aud`, ci.audience],
      ["StringLike", `${ci.issuer}:sub`, ci.subjects],
    ]),
  });
}

/** The CI role's own right besides assuming the destination role: assuming the state role, when the state has one. */
export function buildStateRoleIdentityPolicy(stateRoleArn: string): PolicyDocument {
  return policyDocument({ Sid: "AssumeStateRole", Effect: "Allow", Action: "sts:AssumeRole", Resource: stateRoleArn });
}
