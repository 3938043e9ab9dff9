import data from "./data/instance-types.json";

/**
 * EC2 instance types, from data: lib/data/instance-types.json lists every type
 * the AWS SDK's EC2 model knows (`npm run data:instance-types` regenerates it).
 */
const KNOWN: ReadonlySet<string> = new Set(data.types);

export function isKnownInstanceType(instanceType: string): boolean {
  return KNOWN.has(instanceType);
}

/**
 * The processor architecture of a type's family: Graviton families carry a
 * `g` right after the generation (t4g, m7g, c7gn, im4gn, g5g), `a1` is the
 * first Graviton, and Mac families after mac1 are Apple silicon.
 */
export function architectureOf(instanceType: string): "arm64" | "x86_64" {
  const family = instanceType.split(".")[0];
  if (family === "a1" || /^[a-z]+\d+g/.test(family)) return "arm64";
  if (family.startsWith("mac") && family !== "mac1") return "arm64";
  return "x86_64";
}

/** Mac instances run only on a dedicated host, which this stack does not allocate. */
export function needsDedicatedHost(instanceType: string): boolean {
  return instanceType.startsWith("mac");
}

/**
 * Families that boot only paravirtual (PV) images: "Some previous generation instance types, such as T1, C1, M1, and
 * M2 do not support Linux HVM AMIs" (EC2 User Guide, Linux AMI virtualization types). RunInstances refuses an HVM
 * image on them (InvalidParameterCombination), and every image this stack looks up is HVM.
 */
export const PARAVIRTUAL_ONLY_FAMILIES: readonly string[] = ["t1", "c1", "m1", "m2"];

export function runsOnlyParavirtual(instanceType: string): boolean {
  return PARAVIRTUAL_ONLY_FAMILIES.includes(instanceType.split(".")[0]);
}
