import type { z } from "zod";

/** One problem in the configuration: where, what was there, what is allowed. */
export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
}

/** Thrown with every problem of a config at once. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    super(`Invalid configuration in ${source} (${count}):\n${problems.map((p) => `  - ${p.path}: ${p.message}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  return (
    path.reduce<string>((acc, key) => (typeof key === "number" ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), "") || "(root)"
  );
}

export function formatValue(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** What a JSON value is, in words. */
function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : typeof value === "string" ? "a string" : `a ${typeof value}`;
}

const EXPECTED: Record<string, string> = { string: "a string", number: "a number", boolean: "true or false", array: "a list", object: "an object" };

/**
 * The shape of each top-level section, for a config that lacks one or is
 * not an object at all: placeholders, never real accounts (config/default.json
 * is the full example).
 */
export const SECTION_EXAMPLES: Readonly<Record<string, string>> = {
  region: '"us-east-2"',
  source: '{ "accountId": "<12-digit account ID>", "profile": "<profile in ~/.aws/config>" }',
  destinations: '[{ "name": "dev", "accountId": "<12-digit account ID>", "profile": "<profile in ~/.aws/config>" }]',
  role: '{ "name": "cdktf-assume-role-ec2", "externalId": "<a shared secret>" }',
  instance: '{ "instanceType": "t3.micro" }',
};

/** The whole expected shape, for a document that is not an object. */
export const CONFIG_SHAPE = `one JSON object such as { ${Object.entries(SECTION_EXAMPLES)
  .map(([key, example]) => `"${key}": ${example}`)
  .join(", ")} } (config/default.json is a complete example)`;

export function problemFrom(issue: z.core.$ZodIssue): ConfigProblem {
  const path = formatPath(issue.path);
  if (issue.code === "unrecognized_keys") return { path, message: issue.message };
  // A record key's own reason is nested one level down.
  if (issue.code === "invalid_key")
    return { path, message: `key ${formatValue(issue.input)}: ${issue.issues.map((inner) => inner.message).join("; ")}` };
  // A type the schema names without its own message ("int" has one: whole seconds).
  if (issue.code === "invalid_type" && issue.expected in EXPECTED) {
    const expected = EXPECTED[issue.expected];
    if (issue.path.length === 0) return { path, message: `got ${kindOf(issue.input)}; the config is ${CONFIG_SHAPE}` };
    const example = issue.path.length === 1 ? SECTION_EXAMPLES[String(issue.path[0])] : undefined;
    if (issue.input === undefined) return { path, message: `is required: ${expected}${example ? `, such as ${example}` : ""}` };
    // A quoted number is the usual slip: account IDs are strings so that leading zeros survive.
    const quote = issue.expected === "string" && (typeof issue.input === "number" || typeof issue.input === "boolean");
    return {
      path,
      message: `got ${formatValue(issue.input)} (${kindOf(issue.input)}); expected ${expected}${quote ? `: put it in quotes, "${String(issue.input)}"` : example ? `, such as ${example}` : ""}`,
    };
  }
  return { path, message: `got ${formatValue(issue.input)}; ${issue.message.replace(/^Invalid input: /, "")}` };
}
