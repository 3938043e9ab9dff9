/**
 * What a saved plan will do, read from `terraform show -json <plan>`: the
 * review a person approves, the table a terminal shows, the Markdown a pull
 * request gets and the JSON a machine reads.
 */

/** The parts of Terraform's JSON plan format this reads. */
export interface PlanJson {
  readonly resource_changes?: readonly {
    readonly address: string;
    readonly mode: string;
    readonly change: { readonly actions: readonly string[] };
  }[];
}

/** Resource addresses by what the plan does to them. */
export interface PlanChanges {
  readonly add: readonly string[];
  readonly change: readonly string[];
  readonly destroy: readonly string[];
  /** Destroyed and created again (counted in add and destroy too, as Terraform counts them). */
  readonly replace: readonly string[];
}

export const NO_CHANGES: PlanChanges = { add: [], change: [], destroy: [], replace: [] };

export function summarizePlan(plan: PlanJson): PlanChanges {
  const add: string[] = [];
  const change: string[] = [];
  const destroy: string[] = [];
  const replace: string[] = [];
  for (const { address, mode, change: c } of plan.resource_changes ?? []) {
    if (mode !== "managed") continue;
    const creates = c.actions.includes("create");
    const deletes = c.actions.includes("delete");
    if (creates) add.push(address);
    if (deletes) destroy.push(address);
    if (creates && deletes) replace.push(address);
    if (c.actions.includes("update")) change.push(address);
  }
  return { add, change, destroy, replace };
}

export const hasChanges = (c: PlanChanges) => c.add.length + c.change.length + c.destroy.length > 0;

/** Terraform's own wording: "2 to add, 0 to change, 1 to destroy". */
export const countsLine = (c: PlanChanges) => `${c.add.length} to add, ${c.change.length} to change, ${c.destroy.length} to destroy`;

/** One line per resource, as a person reviews it: `+ aws_iam_role.role`, `~`, `-`, `-/+` for a replacement. */
export function changeLines(c: PlanChanges): string[] {
  const replaced = new Set(c.replace);
  return [
    ...c.replace.map((a) => `-/+ ${a} (replace)`),
    ...c.add.filter((a) => !replaced.has(a)).map((a) => `  + ${a}`),
    ...c.change.map((a) => `  ~ ${a}`),
    ...c.destroy.filter((a) => !replaced.has(a)).map((a) => `  - ${a}`),
  ];
}
