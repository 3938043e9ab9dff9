import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, parseConfig, referenceWarnings } from "../lib/config";
import { configValueFields } from "../lib/config-reference";
import { API_CONSTRAINTS, apiConstraintsTable, schemaField, WITHOUT_AWS_CONSTRAINT, type ApiConstraint } from "../lib/config/api-constraints";
import { reservedNameWarnings, sessionTagWarnings, sourceQuotaWarnings } from "../lib/quotas";
import { rawConfig, SOURCE_ACCOUNT } from "./support/fixtures";

type Json = Record<string, unknown>;

/** The example config with the sections a field needs (CI's OIDC role, S3 state). */
function baseFor(field: string): Json {
  const base = rawConfig();
  if (field.startsWith("source.ciOidc")) base.source = { ...(base.source as Json), ciOidc: { subjects: ["repo:acme/infra:ref:refs/heads/main"] } };
  if (field.startsWith("backend.")) base.backend = { type: "s3", bucket: "org-tf-state", keyPrefix: "assume-role", region: "us-east-1" };
  return base;
}

/** Sets `value` at a dotted path (`role.name`, `destinations[0].accountId`); an array value replaces the list a `[0]` names. */
function withValue(data: Json, field: string, value: unknown): Json {
  const path = Array.isArray(value) ? field.replace(/\[0\]$/, "") : field;
  const keys = path.split(".").flatMap((part) => part.split(/\[(\d+)\]/).filter(Boolean));
  const copy = structuredClone(data);
  let at: Record<string, unknown> = copy;
  keys.slice(0, -1).forEach((key) => {
    at[key] ??= {};
    at = at[key] as Record<string, unknown>;
  });
  at[keys.at(-1) as string] = value;
  return copy;
}

/** A row's violating config: its value, the other fields it needs (`alongside`), or a violation a single value cannot carry. */
function violating({ field, violation, alongside = {} }: ApiConstraint): Json {
  return Object.entries(alongside).reduce((data, [path, value]) => withValue(data, path, value), violatingValue(field, violation));
}

function violatingValue(field: string, violation: unknown): Json {
  if (violation === "many") {
    const principals = Array.from({ length: 60 }, (_, i) => `arn:aws:iam::${SOURCE_ACCOUNT}:role/deployer-${String(i).padStart(3, "0")}`);
    return withValue(baseFor(field), "role.trustedPrincipalArns", principals);
  }
  if (violation === "many subjects")
    return withValue(
      baseFor(field),
      field,
      Array.from({ length: 60 }, (_, i) => `repo:acme/infra:environment:production-${String(i).padStart(3, "0")}`),
    );
  if (violation === "51 tags") return withValue(baseFor(field), field, Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, "v"])));
  const many = /^(\d+) destinations$/.exec(String(violation));
  if (many) {
    const base = baseFor(field);
    const destinations = Array.from({ length: Number(many[1]) }, (_, i) => ({ name: `d${i}`, accountId: String(300000000000 + i) }));
    const named =
      field === "source.attachTo.groups"
        ? withValue(base, "source.attachTo", { groups: ["deployers"] })
        : withValue(base, "role.trustedPrincipalArns", [`arn:aws:iam::${SOURCE_ACCOUNT}:role/deployer`]);
    return withValue(named, "destinations", destinations);
  }
  return withValue(baseFor(field), field, violation);
}

function problemPaths(data: Json): string[] {
  try {
    parseConfig(data, "test");
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.path);
    throw error;
  }
  return [];
}

/** Warnings a synth would print for a config. */
function warningsOf(data: Json): string[] {
  const config = parseConfig(data, "test");
  return [...sourceQuotaWarnings(config), ...sessionTagWarnings(config), ...reservedNameWarnings(config), ...referenceWarnings(config)];
}

const REFUSED = API_CONSTRAINTS.filter((row) => !row.warned);
const WARNED = API_CONSTRAINTS.filter((row) => row.warned);

describe("every value that reaches an AWS API", () => {
  it.each(WARNED.map((row) => [row.field, row.constraint, row]))("warns, without refusing, if %s is %s", (_field, _constraint, row) => {
    const data = violating(row);
    expect(problemPaths(data)).toEqual([]);
    // A value the warning can quote is quoted; a map of session tags is named by its field.
    expect(warningsOf(data).join("\n")).toContain(typeof row.violation === "string" ? `${row.field} "${row.violation}"` : row.field);
  });

  it.each(REFUSED.map((row) => [row.field, row.parameter, row]))("fails if %s breaks %s's rule", (_field, _parameter, row) => {
    const paths = problemPaths(violating(row));
    expect(paths.filter((path) => path === row.field || path.startsWith(`${row.field}.`) || path.startsWith(`${row.field}[`))).not.toEqual([]);
  });

  it("the example config meets every rule, without a warning", () => {
    for (const row of API_CONSTRAINTS)
      expect({ field: row.field, problems: problemPaths(baseFor(row.field)), warnings: warningsOf(baseFor(row.field)) }).toEqual({
        field: row.field,
        problems: [],
        warnings: [],
      });
  });

  it("marks each row a model or a service rule, and the service rules found beyond the model number at least ten", () => {
    expect(API_CONSTRAINTS.filter((row) => (row.kind ?? "model") === "service rule").length).toBeGreaterThanOrEqual(10);
  });

  it("accounts for every field of the config: each has rows, or says why no AWS rule applies, never both", () => {
    // GIVEN every field the schema lets a config set
    const fields = configValueFields();
    // WHEN each is looked up among the rows and the fields without a constraint
    const accounted = fields.map((field) => ({
      field,
      rows: API_CONSTRAINTS.some((row) => schemaField(row.field) === field),
      why: field in WITHOUT_AWS_CONSTRAINT,
    }));
    // THEN
    expect(accounted.filter((f) => f.rows === f.why)).toEqual([]);
    expect(fields.length).toBeGreaterThan(50);
    expect(
      [...API_CONSTRAINTS.map((row) => schemaField(row.field)), ...Object.keys(WITHOUT_AWS_CONSTRAINT)].filter((f) => !fields.includes(f)),
    ).toEqual([]);
  });

  it("is what docs/api-constraints.md shows (npm run docs:config after changing it)", () => {
    expect(readFileSync(join(__dirname, "..", "docs", "api-constraints.md"), "utf8")).toBe(apiConstraintsTable());
  });
});
