/** What a stack's Terraform state holds. */
export interface StackState {
  readonly resources: number;
  readonly outputs: Readonly<Record<string, unknown>>;
}

interface StateFile {
  readonly resources?: readonly { readonly mode: string; readonly instances?: readonly unknown[] }[];
  readonly outputs?: Readonly<Record<string, { readonly value: unknown }>>;
}

/** Managed resources and outputs of a state document; `undefined` for no state or an empty one. */
export function parseState(text: string): StackState | undefined {
  if (text.trim() === "") return undefined;
  const state = JSON.parse(text) as StateFile;
  const resources = (state.resources ?? []).filter((r) => r.mode === "managed").reduce((sum, r) => sum + (r.instances?.length ?? 0), 0);
  const outputs = Object.fromEntries(Object.entries(state.outputs ?? {}).map(([name, output]) => [name, output.value]));
  if (resources === 0 && Object.keys(outputs).length === 0) return undefined;
  return { resources, outputs };
}

/**
 * The warning for a stack the config no longer makes whose state still holds
 * resources: removing a destination from the config destroys nothing, and
 * its resources would be forgotten.
 */
export function orphanedStateWarning(location: string, stack: string, held: number): string {
  const destination = stack.replace(/-(iam|ec2)$/, "");
  return `${location} holds ${held} resource(s), but the config makes no stack ${stack}: removing a destination destroys nothing. Put it back with "retired": true, run npm run destroy -- ${destination}, then remove it.`;
}
