import type { AppConfig } from "./config/schema";

/** IAM's default quotas per account that this app spends in the source account. */
export const SOURCE_QUOTAS = { groups: 300, managedPolicies: 1500 } as const;
/** Warn from this share of a quota on: the account's other groups and policies count too. */
export const QUOTA_WARNING_SHARE = 0.8;

/**
 * What the config spends of the source account's quotas: one managed policy
 * per destination, and one group per destination when no principal is named
 * (source.attachTo or role.trustedPrincipalArns). Returns a warning for each
 * quota the config alone takes to 80% or more.
 */
export function sourceQuotaWarnings(config: AppConfig): string[] {
  const attachTo = config.source.attachTo;
  const named = (attachTo ? attachTo.groups.length + attachTo.roles.length + attachTo.users.length : 0) + config.role.trustedPrincipalArns.length;
  const spent: [string, number, number, string][] = [
    ["customer managed policies", config.destinations.length, SOURCE_QUOTAS.managedPolicies, "one per destination"],
    ["groups", named > 0 ? 0 : config.destinations.length, SOURCE_QUOTAS.groups, "name existing groups in source.attachTo to create none"],
  ];
  return spent
    .filter(([, used, quota]) => used >= quota * QUOTA_WARNING_SHARE)
    .map(
      ([what, used, quota, hint]) =>
        `the config creates ${used} ${what} in source account ${config.source.accountId}, against IAM's default quota of ${quota} per account (${hint}); ask for a higher quota or split the config`,
    );
}
