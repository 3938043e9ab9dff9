import data from "./data/aws-managed-policies.json";

/**
 * AWS's managed policies, from data: lib/data/aws-managed-policies.json holds
 * each one's path, and for those whose document can allow ec2:RunInstances,
 * the actions of the scoped policy they cannot allow (`npm run
 * data:managed-policies` regenerates it from the published catalogue). A
 * permissions boundary is one of these or a policy of the role's own account;
 * the role can do only what both its policies and its boundary allow.
 */
export interface AwsManagedPolicies {
  /** The catalogue it was made from, and the date of its newest policy version. */
  readonly source: string;
  readonly asOf: string;
  /** Each policy's path between `policy/` and its name (`service-role/`), by name: names are unique across paths. */
  readonly paths: Readonly<Record<string, string>>;
  /** The policies that can allow ec2:RunInstances, each with the scoped policy's actions it can never allow. */
  readonly launching: Readonly<Record<string, readonly string[]>>;
}

export const AWS_MANAGED_POLICIES: AwsManagedPolicies = data;

/** A policy statement as AWS publishes it: one action or a list, Action or NotAction. */
export interface PublishedStatement {
  readonly Effect: string;
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Condition?: unknown;
}

const list = (value: string | readonly string[] | undefined): readonly string[] =>
  value === undefined ? [] : typeof value === "string" ? [value] : value;

/** IAM matches actions regardless of case, with `*` and `?` as wildcards. */
function matches(pattern: string, action: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`, "i").test(action);
}

const names = (statement: PublishedStatement, action: string) =>
  statement.NotAction !== undefined
    ? !list(statement.NotAction).some((p) => matches(p, action))
    : list(statement.Action).some((p) => matches(p, action));

/**
 * The actions a policy document can never allow: no Allow statement names them, or a Deny on every resource,
 * without condition, does. Conditions and resources of Allow statements are not read, so an action left out of the
 * answer may still be refused; one in it always is.
 */
export function actionsNeverAllowed(statements: readonly PublishedStatement[], actions: readonly string[]): string[] {
  return actions.filter((action) => {
    const allowed = statements.some((s) => s.Effect === "Allow" && names(s, action));
    const denied = statements.some((s) => s.Effect === "Deny" && s.Condition === undefined && list(s.Resource).includes("*") && names(s, action));
    return !allowed || denied;
  });
}

/** What the catalogue says of an AWS managed policy ARN's path and name. */
export type AwsManagedPolicyLookup =
  | { readonly found: "yes"; readonly neverAllowed: readonly string[] }
  | { readonly found: "elsewhere"; readonly arn: string }
  | { readonly found: "no" };

/**
 * Looks up `arn:<partition>:iam::aws:policy/<path><name>` in the catalogue: where it is, and the scoped policy's
 * actions it never allows (only ec2:RunInstances named, for a policy that never allows that).
 */
export function lookUpAwsManagedPolicy(arn: string): AwsManagedPolicyLookup {
  const parts = /^(?<prefix>arn:[\w-]+:iam::aws:policy\/)(?<path>(?:.*\/)?)(?<name>[^/]+)$/.exec(arn)?.groups;
  if (parts === undefined) return { found: "no" };
  const { prefix, path, name } = parts as Record<"prefix" | "path" | "name", string>;
  const known = AWS_MANAGED_POLICIES.paths[name];
  if (known === undefined) return { found: "no" };
  if (known !== path) return { found: "elsewhere", arn: `${prefix}${known}${name}` };
  return { found: "yes", neverAllowed: AWS_MANAGED_POLICIES.launching[name] ?? ["ec2:RunInstances"] };
}
