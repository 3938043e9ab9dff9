/**
 * Every name this project derives from the config, in one place: the stacks
 * build resources with these functions and the config validator checks IAM's
 * limits with the same functions, so a limit is checked on the very name AWS
 * will receive.
 */

/** IAM's length limits (CreateUser, CreateRole, CreatePolicy, CreateGroup API references). */
export const IAM_NAME_LIMITS = { user: 64, role: 64, policy: 128, group: 128 } as const;

/**
 * A principal's name as it appears in a resource address. IAM names may hold
 * `+=,.@`, which Terraform's resource names may not (`terraform validate`:
 * "Invalid resource name"), so the address drops them; the config refuses two
 * names that differ only in those, which would share an address.
 */
export function addressName(name: string): string {
  return name.replace(/[+=,.@]/g, "");
}

/** Stack names start with the destination, so `npm run deploy -- 'prod-*'` selects one account's stacks. */
export function stackNames(destination: string): { iam: string; ec2: string } {
  return { iam: `${destination}-iam`, ec2: `${destination}-ec2` };
}

/** The source-account managed policy that allows assuming one destination's role. */
export function assumePolicyName(roleName: string, destination: string): string {
  return `${roleName}-assume-${destination}`;
}

/** The source-account group the IAM stack creates when `source.attachTo` names no principal. */
export function assumersGroupName(roleName: string, destination: string): string {
  return `${roleName}-${destination}-assumers`;
}

/** The source-account user `source.createUser` creates. */
export function assumingUserName(roleName: string, destination: string): string {
  return `${roleName}-${destination}-user`;
}

/** The source-account role `source.ciOidc` creates: CI's way in, one per destination so a CI job can reach only its destination. */
export function ciRoleName(roleName: string, destination: string): string {
  return `${roleName}-${destination}-ci`;
}
