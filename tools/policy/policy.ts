import { asArray, resources, type Json } from "./rule";

/** Helpers the IAM rules share: the policy documents of a stack, and what their statements allow. */

export interface Statement {
  readonly Effect?: string;
  readonly Principal?: string | { readonly AWS?: string | string[]; readonly Federated?: string | string[] };
  readonly Action?: string | string[];
  readonly Resource?: string | string[];
  readonly Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyAt {
  readonly address: string;
  readonly trust: boolean;
  readonly statements: readonly Statement[];
}

/** Where policy documents live, and whether each is a trust policy. */
export const POLICY_SOURCES: readonly (readonly [type: string, attribute: string, trust: boolean])[] = [
  ["aws_iam_role", "assume_role_policy", true],
  ["aws_iam_role_policy", "policy", false],
  ["aws_iam_policy", "policy", false],
  ["aws_iam_user_policy", "policy", false],
  ["aws_iam_group_policy", "policy", false],
];
export const POLICY_TYPES = POLICY_SOURCES.map(([type]) => type);
export const PERMISSION_POLICY_TYPES = POLICY_SOURCES.filter(([, , trust]) => !trust).map(([type]) => type);

/** Every policy document of the stack, as AWS receives it (Terraform's `$${` escape undone). */
export function policyDocuments(stack: Json): PolicyAt[] {
  return POLICY_SOURCES.flatMap(([type, attribute, trust]) =>
    resources(stack, type)
      .filter(([, attributes]) => typeof attributes[attribute] === "string")
      .map(([address, attributes]) => ({
        address,
        trust,
        statements: asArray(
          (JSON.parse((attributes[attribute] as string).replaceAll("$${", "${")) as { Statement: Statement | Statement[] }).Statement,
        ),
      })),
  );
}

export const allows = (s: Statement) => s.Effect === "Allow";
export const principals = (s: Statement): string[] => (typeof s.Principal === "string" ? [s.Principal] : asArray(s.Principal?.AWS));
export const federatedPrincipals = (s: Statement): string[] => (typeof s.Principal === "string" ? [] : asArray(s.Principal?.Federated));
export const hasConditionKey = (s: Statement, key: string) =>
  Object.values(s.Condition ?? {}).some((block) => Object.keys(block).some((k) => k.toLowerCase() === key.toLowerCase()));
/** Every value a statement's conditions give `key`, whatever the operator. */
export const conditionValues = (s: Statement, key: string): string[] =>
  Object.values(s.Condition ?? {}).flatMap((block) =>
    Object.entries(block).flatMap(([k, value]) => (k.toLowerCase() === key.toLowerCase() ? asArray(value as string | string[]) : [])),
  );

/** IAM's action matching: case-insensitive, `*` and `?` wildcards. */
export function actionMatches(pattern: string, action: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    "i",
  );
  return regex.test(action);
}

/**
 * Of `actions`, those a permission policy allows on every resource (`*`):
 * the shape checkov's escalation, exposure and exfiltration rules look for.
 * @returns one finding per statement, naming the actions
 */
export function allowedOnEveryResource(stack: Json, actions: readonly string[]): { address: string; message: string }[] {
  return policyDocuments(stack)
    .filter((p) => !p.trust)
    .flatMap((p) =>
      p.statements
        .filter((s) => allows(s) && asArray(s.Resource).includes("*"))
        .map((s) => actions.filter((action) => asArray(s.Action).some((pattern) => actionMatches(pattern, action))))
        .filter((matched) => matched.length > 0)
        .map((matched) => ({ address: p.address, message: `allows ${matched.join(", ")} on "*"` })),
    );
}

/**
 * One finding per allowing statement that fails `test`, among trust policies
 * (`"trust"`), permission policies (`"permissions"`) or both (`"all"`).
 */
export function statementFindings(
  stack: Json,
  kind: "trust" | "permissions" | "all",
  flagged: (s: Statement) => boolean,
  message: string,
): { address: string; message: string }[] {
  return policyDocuments(stack)
    .filter((p) => kind === "all" || p.trust === (kind === "trust"))
    .flatMap((p) => p.statements.filter((s) => allows(s) && flagged(s)).map(() => ({ address: p.address, message })));
}
