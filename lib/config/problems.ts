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

export function problemFrom(issue: z.core.$ZodIssue): ConfigProblem {
  const path = formatPath(issue.path);
  if (issue.code === "unrecognized_keys") return { path, message: issue.message };
  // A record key's own reason is nested one level down.
  if (issue.code === "invalid_key")
    return { path, message: `key ${formatValue(issue.input)}: ${issue.issues.map((inner) => inner.message).join("; ")}` };
  if (issue.code === "invalid_type" && issue.input === undefined)
    return { path, message: `is required (${issue.message.replace(/^Invalid input: /, "")})` };
  return { path, message: `got ${formatValue(issue.input)}; ${issue.message.replace(/^Invalid input: /, "")}` };
}
