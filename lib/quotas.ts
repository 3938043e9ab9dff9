import type { AppConfig } from "./config/schema";

/** IAM's default quotas per account that this app spends in the source account. */
export const SOURCE_QUOTAS = { groups: 300, managedPolicies: 1500 } as const;
/**
 * Managed policies IAM attaches to one entity: a group 10 (AWS does not raise it), a user or role 10 by default and
 * 20 at most with a raised quota.
 */
export const ATTACHED_POLICY_QUOTAS = { group: 10, principalDefault: 10, principalMax: 20 } as const;

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
  const perAccount = spent
    .filter(([, used, quota]) => used >= quota * QUOTA_WARNING_SHARE)
    .map(
      ([what, used, quota, hint]) =>
        `the config creates ${used} ${what} in source account ${config.source.accountId}, against IAM's default quota of ${quota} per account (${hint}); ask for a higher quota or split the config`,
    );
  // Over 20 the config refuses it (lib/config/rules.ts); between 10 and 20 it takes a raised quota.
  const users = (attachTo?.users.length ?? 0) + (attachTo?.roles.length ?? 0) + config.role.trustedPrincipalArns.length;
  const perPrincipal =
    users > 0 && config.destinations.length > ATTACHED_POLICY_QUOTAS.principalDefault
      ? [
          `each of the ${config.destinations.length} destinations attaches its own managed policy to every user and role named, over IAM's default quota of ${ATTACHED_POLICY_QUOTAS.principalDefault} managed policies per user or role (the policies they hold already count too): ask for a raised quota (at most ${ATTACHED_POLICY_QUOTAS.principalMax}) before deploying, or attach to groups`,
        ]
      : [];
  return [...perAccount, ...perPrincipal];
}

/**
 * STS packs a session's tags into a binary form whose limit AWS does not publish: "your request can fail for this
 * limit even if your plaintext meets the other requirements" (STS API Reference, AssumeRole). One published
 * measurement: 9 tags of a 2-character key and a 250-character value, 2,268 characters in all, took 498% of it
 * ("Packed size of session tags consumes 498% of allotted space", aws-actions/configure-aws-credentials#1898).
 */
export const PACKED_SESSION_TAGS_MEASURED = { characters: 2268, percent: 498 } as const;

/** The characters session tags hold, keys and values, as the measurement counted them. */
export function sessionTagCharacters(tags: Readonly<Record<string, string>>): number {
  return Object.entries(tags).reduce((sum, [key, value]) => sum + key.length + value.length, 0);
}

/**
 * The session tags' share of STS's packed space, extrapolated from the one measurement: AWS documents no size, so
 * the config warns from QUOTA_WARNING_SHARE of it rather than refusing.
 */
export function sessionTagWarnings(config: AppConfig): string[] {
  const characters = sessionTagCharacters(config.role.sessionTags);
  const { characters: measured, percent } = PACKED_SESSION_TAGS_MEASURED;
  const share = Math.round((characters * percent) / measured);
  if (share < QUOTA_WARNING_SHARE * 100) return [];
  return [
    `role.sessionTags hold ${characters} characters: STS packs session tags into a space AWS does not publish, and at the one published measurement (${measured.toLocaleString("en-US")} characters took ${percent}% of it) these would take about ${share}%, so AssumeRole may be refused (PackedPolicyTooLarge): send fewer or shorter tags`,
  ];
}

/**
 * Roles AWS services create under fixed names in the accounts they manage. An account that joined its organization by
 * invitation has neither, so the config cannot tell whether a destination holds one: warned.
 */
const ORGANIZATION_ROLES = [
  { name: "OrganizationAccountAccessRole", by: "AWS Organizations creates in every account it creates" },
  { name: "AWSControlTowerExecution", by: "AWS Control Tower creates in every account it creates or enrolls" },
] as const;

/**
 * Names AWS keeps for its own roles. Its documentation does not say whether CreateRole refuses them in a customer's
 * role, so the config warns rather than refuses.
 */
export function reservedNameWarnings(config: AppConfig): string[] {
  const path = /^\/(aws-reserved|aws-service-role)\//.test(config.role.path)
    ? [
        `role.path "${config.role.path}" is a path AWS keeps for its own roles (IAM Identity Center's, service-linked roles); AWS does not document whether a role of yours may use it: choose another`,
      ]
    : [];
  const name = /^(AWSReservedSSO_|AWSServiceRoleFor)/.test(config.role.name)
    ? [
        `role.name "${config.role.name}" starts like the names AWS gives its own roles; AWS does not document whether a role of yours may use it, and readers will take it for AWS's: choose another`,
      ]
    : [];
  const organizationRole = ORGANIZATION_ROLES.find((role) => role.name.toLowerCase() === config.role.name.toLowerCase());
  const created = organizationRole
    ? [
        `role.name "${config.role.name}" is the role ${organizationRole.by}: in such a destination account CreateRole fails with EntityAlreadyExists (IAM names are unique regardless of case), and adopting that role would hand its trust to this stack: choose another`,
      ]
    : [];
  return [...path, ...name, ...created];
}
