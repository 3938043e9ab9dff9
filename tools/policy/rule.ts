/**
 * Static rules over synthesized stacks, in cdk-nag's manner: one rule per
 * module with its explanation; each result is pass, fail, not applicable (an
 * EC2 rule on an IAM stack) or exception, and an exception is recorded next
 * to the resource it excuses (`"//": { "exceptions": [{ rule, reason }] }` in
 * the Terraform JSON, which Terraform ignores), never inside a test.
 */

export type Json = Record<string, unknown>;

export interface Finding {
  readonly rule: string;
  readonly address: string;
  readonly message: string;
}

/** A finding on a resource that records an exception for the rule, with the reason given there. */
export interface Excused extends Finding {
  readonly reason: string;
}

export interface RuleResult {
  readonly rule: string;
  readonly status: "pass" | "fail" | "not applicable" | "exception";
  readonly findings: readonly Finding[];
  readonly excused: readonly Excused[];
}

export interface StaticRule {
  /** The id in the tool it mirrors (checkov, KICS, Prowler). */
  readonly id: string;
  readonly title: string;
  /** Why it matters, for the README's rule table and for whoever reads a failure. */
  readonly explanation: string;
  /**
   * What a failure does at the plan gate of `npm run deploy` and `apply`:
   * `block` stops that stack's apply; `warn` prints the finding and goes on,
   * for a deliberate, configurable choice (detailed monitoring, a public IP).
   * @default "block"
   */
  readonly enforcement?: "block" | "warn";
  /** Resource (or `data.`-prefixed data source) types it inspects: without any, it does not apply. */
  readonly appliesTo: readonly string[];
  check(stack: Json): Promise<readonly { readonly address: string; readonly message: string }[]>;
}

/** The record of conscious exceptions a resource carries, written by the stack that makes it. */
export interface RuleException {
  readonly rule: string;
  readonly reason: string;
}

export const asArray = <T>(value: T | readonly T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? [...(value as readonly T[])] : [value as T];

function blocks(stack: Json, type: string): [string, Json][] {
  const [kind, name] = type.startsWith("data.") ? ["data", type.slice(5)] : ["resource", type];
  const byName = ((stack[kind] ?? {}) as Record<string, Record<string, Json>>)[name] ?? {};
  return Object.entries(byName).map(([id, attributes]) => [`${type}.${id}`, attributes]);
}

/** The resources (or `data.` sources) of one type, by address. */
export const resources = (stack: Json, type: string): [string, Json][] => blocks(stack, type);

function exceptionsAt(stack: Json, address: string): readonly RuleException[] {
  const type = address.slice(0, address.lastIndexOf("."));
  const attributes = blocks(stack, type).find(([a]) => a === address)?.[1];
  return ((attributes?.["//"] as Json | undefined)?.exceptions as RuleException[] | undefined) ?? [];
}

/** Runs a rule on a stack: its findings, those excused by an exception recorded on their resource, and the status. */
export async function evaluate(rule: StaticRule, stack: Json): Promise<RuleResult> {
  if (!rule.appliesTo.some((type) => blocks(stack, type).length > 0)) return { rule: rule.id, status: "not applicable", findings: [], excused: [] };
  const findings: Finding[] = [];
  const excused: Excused[] = [];
  for (const found of await rule.check(stack)) {
    const exception = exceptionsAt(stack, found.address).find((e) => e.rule === rule.id);
    if (exception) excused.push({ rule: rule.id, ...found, reason: exception.reason });
    else findings.push({ rule: rule.id, ...found });
  }
  return { rule: rule.id, status: findings.length ? "fail" : excused.length ? "exception" : "pass", findings, excused };
}
