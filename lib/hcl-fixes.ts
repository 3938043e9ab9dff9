import { TerraformDataSource, TerraformResource, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";

type HclAttributes = Record<string, unknown>;

const CONDITION_BLOCKS = ["precondition", "postcondition"] as const;

/** A value the renderer writes verbatim: an unquoted reference or list of them. */
function reference(expression: string): HclAttributes {
  return { type: "reference", value: expression };
}

/** An unresolved token inside a string; the renderer turns it into `${...}`. */
const TOKEN = /(\$\{TfToken\[[^\]]+\]\})/;

interface RenderedString {
  type: "simple";
  storageClassType: "string";
  value: string;
}

function isTemplateWithQuotes(attribute: unknown): attribute is RenderedString {
  if (typeof attribute !== "object" || attribute === null) return false;
  const { type, storageClassType, value } = attribute as Partial<RenderedString>;
  // A reference, or an escaped `$${` (an IAM policy variable), makes the renderer treat the string as a template.
  return type === "simple" && storageClassType === "string" && typeof value === "string" && value.includes("${") && value.includes('"');
}

/** Escapes quotes and backslashes outside the tokens: the renderer quotes such a string as a template without escaping it. */
function escapeLiteralParts(value: string): string {
  return value
    .split(TOKEN)
    .map((part, index) => (index % 2 === 1 ? part : part.replace(/\\/g, "\\\\").replace(/"/g, '\\"')))
    .join("");
}

/** Rewrites one rendered resource or data source into the typed form the HCL renderer handles. */
export function fixHclAttributes(attributes: HclAttributes): void {
  const lifecycle = attributes.lifecycle as HclAttributes | undefined;
  if (lifecycle) {
    const value: HclAttributes = { ...lifecycle };
    for (const name of CONDITION_BLOCKS) {
      const conditions = lifecycle[name];
      if (Array.isArray(conditions)) value[name] = { isBlock: true, type: "list", storageClassType: "object", value: conditions };
    }
    attributes.lifecycle = { isBlock: true, value };
  }
  for (const attribute of Object.values(attributes)) {
    if (isTemplateWithQuotes(attribute)) attribute.value = escapeLiteralParts(attribute.value);
  }
  if (typeof attributes.provider === "string") attributes.provider = reference(attributes.provider);
  if (Array.isArray(attributes.depends_on)) attributes.depends_on = reference(`[${attributes.depends_on.join(", ")}]`);
}

/**
 * Makes `cdktf synth --hcl` output valid, warning-free Terraform: CDKTF 0.21's
 * HCL renderer writes lifecycle pre/postconditions as an argument
 * (`postcondition = [...]`, rejected by Terraform; open-constructs/cdk-terrain#313)
 * quotes `provider` and `depends_on` references (deprecated since
 * Terraform 0.12), and writes a string that holds both quotes and a
 * reference or a policy variable (a policy naming a looked-up subnet, a
 * trust requiring `${aws:username}`) unescaped. Touches only the HCL path; JSON output is unchanged.
 *
 * CDKTF does not pass an App's aspects down to its stacks, so each stack adds it.
 * Aspects run on every synth: each node is wrapped once, so a second synth
 * of the same app does not apply the fix to its own output.
 */
export class HclSynthesisFixes implements IAspect {
  private static readonly fixed = new WeakSet<IConstruct>();

  visit(node: IConstruct): void {
    if (!(node instanceof TerraformResource || node instanceof TerraformDataSource)) return;
    if (HclSynthesisFixes.fixed.has(node)) return;
    HclSynthesisFixes.fixed.add(node);
    const render = node.toHclTerraform.bind(node);
    node.toHclTerraform = () => {
      const rendered = render();
      for (const blockKind of ["resource", "data"] as const) {
        const byType: Record<string, Record<string, HclAttributes>> | undefined = rendered[blockKind];
        const attributes = byType?.[node.terraformResourceType]?.[node.friendlyUniqueId];
        if (attributes) fixHclAttributes(attributes);
      }
      return rendered;
    };
  }
}
