/**
 * IAM policy documents as typed data. Stacks serialise them with
 * `policyJson`, so tests and the policy simulator read exactly the JSON that
 * AWS receives.
 */

export type ConditionBlock = Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: { readonly AWS: string | readonly string[] } | { readonly Federated: string };
  readonly Action: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Condition?: ConditionBlock;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

/** A policy document from its statements. */
export function policyDocument(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

/** Every action a document's statements name, each once, in order. */
export function policyActions(document: PolicyDocument): string[] {
  return [...new Set(document.Statement.flatMap((s) => (typeof s.Action === "string" ? [s.Action] : s.Action)))];
}

/**
 * Merges condition entries, dropping operators left empty, so a statement
 * carries a `Condition` only when it has something to check.
 */
export function conditions(
  entries: ReadonlyArray<readonly [operator: string, key: string, value: string | readonly string[] | undefined]>,
): ConditionBlock | undefined {
  const block: Record<string, Record<string, string | readonly string[]>> = {};
  for (const [operator, key, value] of entries) {
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    block[operator] = { ...block[operator], [key]: value };
  }
  return Object.keys(block).length > 0 ? block : undefined;
}

/** The JSON string a policy argument takes; stable key order, no whitespace. */
export function policyJson(document: PolicyDocument): string {
  return JSON.stringify(document);
}

/**
 * A policy as a Terraform string argument. Terraform reads `${...}` in a
 * string as its own interpolation, so IAM policy variables (`${aws:username}`)
 * are escaped as `$${...}`, which Terraform hands to AWS as `${...}`. CDKTF's
 * own references (tokens) are left to CDKTF.
 */
export function terraformPolicy(document: PolicyDocument): string {
  return policyJson(document).replace(/\$\{(?!TfToken\[)/g, "$$${");
}
