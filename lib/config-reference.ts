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

function rows(schema: JsonSchema, prefix: string, required: boolean): string[] {
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants) return variants.flatMap((variant) => rows(variant, prefix, required));
  const defaultText =
    schema.default !== undefined
      ? `\`${JSON.stringify(schema.default)}\``
      : schema.defaultFrom
        ? schema.defaultFrom
        : required
          ? "required"
          : "optional";
  const description = (schema.description ?? "").replace(/\|/g, "\\|");
  const own = prefix ? [`| \`${prefix}\` | ${typeOf(schema)} | ${defaultText} | ${description} |`] : [];
  const item = schema.type === "array" ? schema.items : schema;
  if (!item?.properties) return own;
  const childPrefix = schema.type === "array" ? `${prefix}[]` : prefix;
  return [
    ...own,
    ...Object.entries(item.properties).flatMap(([key, child]) =>
      rows(child, childPrefix ? `${childPrefix}.${key}` : key, item.required?.includes(key) ?? false),
    ),
  ];
}

/** The configuration reference as a Markdown table, generated from the schema the app validates with. */
export function configReference(): string {
  const schema = z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  return ["| Field | Type | Default | Meaning |", "| --- | --- | --- | --- |", ...rows(schema, "", true)].join("\n");
}
