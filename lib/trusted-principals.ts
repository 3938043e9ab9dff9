import { roleArn, userArn } from "./arn";
import type { AppConfig } from "./config/schema";
import { assumingUserName, ciRoleName } from "./names";

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
  const { accountId } = config.source;
  const created = [
    ...(config.source.ciOidc ? [roleArn(config.partition, accountId, ciRoleName(config.role.name, destination))] : []),
    ...(config.source.createUser ? [userArn(config.partition, accountId, assumingUserName(config.role.name, destination))] : []),
  ];
  return [...named, ...created.filter((arn) => !named.includes(arn))];
}
