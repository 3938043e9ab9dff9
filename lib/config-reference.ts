import { z } from "zod";
import { configSchema } from "./config/schema";

interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  /** Schema metadata: an optional field whose value, when omitted, comes from another (`.meta({ defaultFrom })`). */
  defaultFrom?: string;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  additionalProperties?: JsonSchema | boolean;
  minimum?: number;
  maximum?: number;
}

function typeOf(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.map((v) => `\`${JSON.stringify(v)}\``).join(" \\| ");
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  if (schema.type === "array") return `${schema.items ? typeOf(schema.items) : "value"}[]`;
  if (schema.type === "object" && schema.additionalProperties && typeof schema.additionalProperties === "object") return "map of string";
  if (schema.type === "integer" && schema.minimum !== undefined) return `integer ${schema.minimum}-${schema.maximum}`;
  return Array.isArray(schema.type) ? schema.type.join(" \\| ") : (schema.type ?? "object");
}

interface Field {
  readonly path: string;
  readonly schema: JsonSchema;
  readonly required: boolean;
  /** A value of its own, not an object of fields (a map, such as tags, is a value). */
  readonly leaf: boolean;
}

/** Every field of the schema, depth first; an array's items as `<field>[]`, each variant of a union in turn. */
function fields(schema: JsonSchema, prefix: string, required: boolean): Field[] {
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants) return variants.flatMap((variant) => fields(variant, prefix, required));
  const item = schema.type === "array" ? schema.items : schema;
  const own = prefix ? [{ path: prefix, schema, required, leaf: !item?.properties }] : [];
  if (!item?.properties) return own;
  const childPrefix = schema.type === "array" ? `${prefix}[]` : prefix;
  return [
    ...own,
    ...Object.entries(item.properties).flatMap(([key, child]) =>
      fields(child, childPrefix ? `${childPrefix}.${key}` : key, item.required?.includes(key) ?? false),
    ),
  ];
}

function row({ path, schema, required }: Field): string {
  const defaultText =
    schema.default !== undefined
      ? `\`${JSON.stringify(schema.default)}\``
      : schema.defaultFrom
        ? schema.defaultFrom
        : required
          ? "required"
          : "optional";
  const description = (schema.description ?? "").replace(/\|/g, "\\|");
  return `| \`${path}\` | ${typeOf(schema)} | ${defaultText} | ${description} |`;
}

const jsonSchema = () => z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }) as JsonSchema;

/** Every field that holds a value, each once (`destinations[].name`, `backend.bucket`): what the config can set. */
export function configValueFields(): string[] {
  return [
    ...new Set(
      fields(jsonSchema(), "", true)
        .filter((f) => f.leaf)
        .map((f) => f.path),
    ),
  ];
}

/** The configuration reference as a Markdown table, generated from the schema the app validates with. */
export function configReference(): string {
  return ["| Field | Type | Default | Meaning |", "| --- | --- | --- | --- |", ...fields(jsonSchema(), "", true).map(row)].join("\n");
}
