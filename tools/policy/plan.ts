import { evaluate, type Excused, type Finding, type Json, type RuleException, type StaticRule } from "./rule";

/**
 * The static rules at the plan gate: run on what Terraform will really set
 * (`terraform show -json <plan>`), values known only at plan time included,
 * before a stack's plan is applied. This is the place Sentinel and OPA hold
 * in HCP Terraform and Spacelift.
 */

interface PlannedResource {
  readonly mode: string;
  readonly type: string;
  readonly name: string;
  readonly values?: Json;
}

interface PlannedModule {
  readonly resources?: readonly PlannedResource[];
  readonly child_modules?: readonly PlannedModule[];
}

/** The parts of `terraform show -json <plan>` the gate reads. */
export interface PlanValues {
  readonly planned_values?: { readonly root_module?: PlannedModule };
  readonly prior_state?: { readonly values?: { readonly root_module?: PlannedModule } };
}

const allResources = (module: PlannedModule | undefined): PlannedResource[] =>
  module ? [...(module.resources ?? []), ...(module.child_modules ?? []).flatMap(allResources)] : [];

/**
 * Terraform's JSON plan writes every nested block as a list; the synthesized
 * stack (which the rules were written for) writes a single block as an
 * object. A list holding one object becomes that object.
 */
function asSynthesized(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(asSynthesized);
    return items.length === 1 && typeof items[0] === "object" && items[0] !== null && !Array.isArray(items[0]) ? items[0] : items;
  }
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asSynthesized(v)]));
  return value;
}

/**
 * The plan as a stack the rules can read: each planned resource (and each
 * data source the plan read) under `resource` / `data` with its planned
 * values, and the exceptions the synthesized stack records on it.
 */
export function stackFromPlan(plan: PlanValues, synthesized: Json): Json {
  const stack: { resource: Record<string, Record<string, Json>>; data: Record<string, Record<string, Json>> } = { resource: {}, data: {} };
  const exceptions = (kind: "resource" | "data", type: string, name: string): readonly RuleException[] | undefined =>
    (((synthesized[kind] as Record<string, Record<string, Json>> | undefined)?.[type]?.[name]?.["//"] as Json | undefined)?.exceptions as
      RuleException[] | undefined) ?? undefined;
  const add = (kind: "resource" | "data", r: PlannedResource) => {
    const values = asSynthesized(r.values ?? {}) as Json;
    const recorded = exceptions(kind, r.type, r.name);
    stack[kind][r.type] = { ...stack[kind][r.type], [r.name]: recorded ? { ...values, "//": { exceptions: recorded } } : values };
  };
  for (const r of allResources(plan.planned_values?.root_module)) add(r.mode === "data" ? "data" : "resource", r);
  for (const r of allResources(plan.prior_state?.values?.root_module)) if (r.mode === "data") add("data", r);
  return stack;
}

/** What the gate found in one stack's plan. */
export interface GateResult {
  /** Failures of blocking rules: the plan must not be applied. */
  readonly blocking: readonly (Finding & { readonly explanation: string })[];
  /** Failures of warn-only rules. */
  readonly warnings: readonly Finding[];
  /** Failures excused by an exception recorded on their resource. */
  readonly excused: readonly Excused[];
}

/** Runs `rules` on a plan (see stackFromPlan). */
export async function gatePlan(rules: readonly StaticRule[], plan: PlanValues, synthesized: Json): Promise<GateResult> {
  const stack = stackFromPlan(plan, synthesized);
  const blocking: (Finding & { explanation: string })[] = [];
  const warnings: Finding[] = [];
  const excused: Excused[] = [];
  for (const rule of rules) {
    const result = await evaluate(rule, stack);
    excused.push(...result.excused);
    if ((rule.enforcement ?? "block") === "block") blocking.push(...result.findings.map((f) => ({ ...f, explanation: rule.explanation })));
    else warnings.push(...result.findings);
  }
  return { blocking, warnings, excused };
}
