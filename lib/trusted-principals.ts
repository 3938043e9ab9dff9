import { roleArn, userArn } from "./arn";
import type { AppConfig } from "./config/schema";
import { assumingUserName, ciRoleName } from "./names";

/** A principal a destination's IAM stack creates in the source account. */
export interface CreatedPrincipal {
  readonly kind: "role" | "user";
  readonly name: string;
  readonly arn: string;
  readonly destination: string;
}

/** The CI role (`source.ciOidc`) and the user (`source.createUser`) one destination's IAM stack creates. */
export function createdPrincipals(config: AppConfig, destination: string): CreatedPrincipal[] {
  const made = (kind: "role" | "user", name: string) => ({
    kind,
    name,
    arn: (kind === "role" ? roleArn : userArn)(config.partition, config.source.accountId, name),
    destination,
  });
  return [
    ...(config.source.ciOidc ? [made("role", ciRoleName(config.role.name, destination))] : []),
    ...(config.source.createUser ? [made("user", assumingUserName(config.role.name, destination))] : []),
  ];
}

/**
 * The principals a destination's trust names: `role.trustedPrincipalArns`,
 * and, when that list is not empty (an empty list trusts the whole source
 * account, the created principals included), the CI role and the user the
 * destination's IAM stack creates. Each destination trusts only its own, so a
 * CI job or a created user's key reaches one destination, and `source.ciOidc`
 * or `source.createUser` never yields a principal its destination refuses.
 */
export function trustedPrincipalArns(config: AppConfig, destination: string): readonly string[] {
  const named = config.role.trustedPrincipalArns;
  if (named.length === 0) return named;
  const created = createdPrincipals(config, destination).map((principal) => principal.arn);
  return [...named, ...created.filter((arn) => !named.includes(arn))];
}
