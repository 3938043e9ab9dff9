import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { AnnotationMetadataEntryType, App } from "cdktf";
import { referenceWarnings, type AppConfig } from "./lib/config";
import { reservedNameWarnings, sessionTagWarnings, sourceQuotaWarnings } from "./lib/quotas";
import { orphanedStateWarning, parseState } from "./lib/state";
import { resolveTargets, type DeploymentTarget } from "./lib/targets";
import { Ec2Stack } from "./stacks/ec2-stack";
import { IamStack } from "./stacks/iam-stack";

/** The two stacks of one destination. */
export interface DestinationStacks {
  readonly target: DeploymentTarget;
  readonly iam: IamStack;
  readonly ec2: Ec2Stack;
}

/**
 * Adds an IAM stack and an EC2 stack per destination to the app.
 * @param outdir - where the stacks will finally live, for relative state paths @default app.outdir
 */
export function buildStacks(app: App, config: AppConfig, outdir: string = app.outdir): DestinationStacks[] {
  return resolveTargets(config).map((target) => {
    const iam = new IamStack(app, target.iamStackName, { target, outdir });
    const ec2 = new Ec2Stack(app, target.ec2StackName, { target, outdir, roleArn: iam.roleArn, network: iam.network });
    return { target, iam, ec2 };
  });
}

/**
 * What Terraform keeps in a stack folder between runs: the installed providers and their lock, and the state it
 * could not write to its backend (`errored.tfstate`), which a synth must never lose: the workflow moves it out to
 * `recovery/` at once, and a run killed before that finds it still there.
 */
export const TERRAFORM_WORKING_FILES = [".terraform", ".terraform.lock.hcl", "errored.tfstate"] as const;

export interface SynthResult {
  readonly outdir: string;
  /** Stacks written, in manifest order. */
  readonly stacks: readonly string[];
  /** Stack folders the previous synth had and this one does not. */
  readonly removed: readonly string[];
  /** Warnings the stacks recorded, as `<stack>: <message>`. */
  readonly warnings: readonly string[];
}

interface Manifest {
  readonly stacks: Readonly<Record<string, { readonly annotations?: readonly { readonly level: string; readonly message: string }[] }>>;
}

/** What a synth prints: its warnings, then one summary line. */
export function synthSummary(result: SynthResult, outdir: string): string[] {
  const count = result.warnings.length === 1 ? "1 warning" : `${result.warnings.length} warnings`;
  return [...result.warnings.map((w) => `Warning: ${w}`), `Synthesized ${result.stacks.length} stacks into ${outdir} (${count})`];
}

/** Local state files of stacks the config no longer makes that still hold resources. */
function orphanedStates(directory: string, shown: string, stacks: readonly string[]): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory)
    .filter((file) => file.endsWith(".tfstate"))
    .map((file) => ({ file, stack: file.slice(0, -".tfstate".length) }))
    .filter(({ stack }) => !stacks.includes(stack))
    .flatMap(({ file, stack }) => {
      const held = parseState(readFileSync(join(directory, file), "utf8"))?.resources ?? 0;
      return held === 0 ? [] : [orphanedStateWarning(join(shown, file), stack, held)];
    });
}

const stackFolders = (outdir: string) => (existsSync(join(outdir, "stacks")) ? readdirSync(join(outdir, "stacks")) : []);

/**
 * Synthesizes the app into `outdir` so that nothing is lost on the way:
 * the stacks are written to a staging folder beside it, and only a
 * complete synth replaces `outdir`. Each stack that still exists keeps its
 * `.terraform/` and lock file, so the next deploy neither re-initializes
 * nor re-locks; folders of removed stacks go. HCL or JSON follows
 * SYNTH_HCL_OUTPUT, which CDKTF 0.21 stacks read themselves.
 */
export function synthesizeApp(config: AppConfig, outdir: string): SynthResult {
  const final = resolve(outdir);
  // A sibling, so the swap is a rename on one filesystem and relative state paths come out the same.
  const staging = join(dirname(final), `.${basename(final)}.staging-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  try {
    const app = new App({ outdir: staging, hclOutput: process.env.SYNTH_HCL_OUTPUT === "true" });
    buildStacks(app, config, final);
    app.synth();
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  const manifest = JSON.parse(readFileSync(join(staging, "manifest.json"), "utf8")) as Manifest;
  const stacks = Object.keys(manifest.stacks);
  const warnings: string[] = Object.entries(manifest.stacks).flatMap(([stack, { annotations = [] }]) =>
    annotations.filter((a) => a.level === AnnotationMetadataEntryType.WARN).map((a) => `${stack}: ${a.message}`),
  );
  for (const stack of stacks) {
    for (const file of TERRAFORM_WORKING_FILES) {
      const previous = join(final, "stacks", stack, file);
      if (existsSync(previous)) renameSync(previous, join(staging, "stacks", stack, file));
    }
  }
  const removed = stackFolders(final).filter((stack) => !stacks.includes(stack));
  warnings.push(...sourceQuotaWarnings(config), ...sessionTagWarnings(config), ...reservedNameWarnings(config), ...referenceWarnings(config));
  if (config.backend.type === "local") warnings.push(...orphanedStates(resolve(config.backend.directory), config.backend.directory, stacks));
  const retired = `${staging}.previous`;
  if (existsSync(final)) renameSync(final, retired);
  renameSync(staging, final);
  rmSync(retired, { recursive: true, force: true });
  return { outdir: final, stacks, removed, warnings };
}
