import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { DeploymentTarget, StackSelection } from "../../lib/targets";

/**
 * The selected stacks as the synth wrote them: each stack's folder, the
 * stacks it depends on (from `cdktf.out/manifest.json`, the cross-stack
 * references CDKTF recorded) and its synthesized Terraform JSON. The
 * workflow runs Terraform in these folders directly, as HashiCorp's CI
 * guidance for CDKTF does.
 */

export type Json = Record<string, unknown>;

/** One stack: a Terraform root module with its place in the graph. */
export interface StackUnit {
  readonly name: string;
  readonly kind: "iam" | "ec2";
  readonly target: DeploymentTarget;
  /** The stack folder (absolute). */
  readonly dir: string;
  /** Stacks whose state this one reads, whether selected or not. */
  readonly dependencies: readonly string[];
  /** The synthesized stack (cdk.tf.json): exceptions for the gate, resources of a deferred plan. */
  readonly synthesized: Json;
}

interface Manifest {
  readonly stacks: Readonly<Record<string, { readonly dependencies?: readonly string[]; readonly workingDirectory: string }>>;
}

/**
 * The selected stacks, IAM before EC2 within a destination, destinations in
 * config order.
 * @throws Error when the manifest lacks a selected stack (the synth and the config disagree)
 */
export function stackUnits(outdir: string, selections: readonly StackSelection[]): StackUnit[] {
  const root = resolve(outdir);
  const manifest = JSON.parse(readFileSync(join(root, "manifest.json"), "utf8")) as Manifest;
  return selections.flatMap(({ target, iam, ec2 }) =>
    (
      [
        [target.iamStackName, "iam", iam],
        [target.ec2StackName, "ec2", ec2],
      ] as const
    )
      .filter(([, , selected]) => selected)
      .map(([name, kind]) => {
        const entry = manifest.stacks[name];
        if (!entry) throw new Error(`${join(outdir, "manifest.json")} has no stack ${name}: synthesize again.`);
        const dir = join(root, entry.workingDirectory);
        const file = join(dir, "cdk.tf.json");
        return {
          name,
          kind,
          target,
          dir,
          dependencies: entry.dependencies ?? [],
          synthesized: existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Json) : {},
        };
      }),
  );
}

/** The managed resources a stack declares, as addresses: what a deferred plan will create. */
export function declaredResources(synthesized: Json): string[] {
  const byType = (synthesized.resource ?? {}) as Record<string, Record<string, unknown>>;
  return Object.entries(byType).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`));
}
