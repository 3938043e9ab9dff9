import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { App } from "cdktf";
import { buildStacks } from "../../app";
import type { AppConfig } from "../../lib/config";
import type { DeploymentTarget } from "../../lib/targets";
import { withEnv } from "./env";
import { ec2RehearsalFiles, iamRehearsalFiles, runRehearsal, type FileOutcome, type RehearsalFile } from "./rehearsal";
import { installProviders, pool, terraform, useInstall, type ProviderInstall, type TerraformResult } from "./terraform";

type Json = Record<string, unknown>;
export type SynthFormat = "json" | "hcl";

/** One synthesized app: where each stack's folder is, and its targets. */
export interface SynthesizedStacks {
  readonly outdir: string;
  readonly targets: readonly DeploymentTarget[];
  /** Stack folders by name, in manifest order. */
  readonly stackDirs: Readonly<Record<string, string>>;
}

/** Synthesizes the app into `outdir` in one format, as `cdktf synth [--hcl]` would. */
export function synthesize(appConfig: AppConfig, outdir: string, format: SynthFormat): SynthesizedStacks {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  // CDKTF 0.21 stacks read SYNTH_HCL_OUTPUT when constructed and ignore the App's hclOutput.
  const targets = withEnv({ SYNTH_HCL_OUTPUT: String(format === "hcl") }, () => {
    const app = new App({ outdir, hclOutput: format === "hcl", skipValidation: true });
    const built = buildStacks(app, appConfig).map((s) => s.target);
    app.synth();
    return built;
  });
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as { stacks: Record<string, { workingDirectory: string }> };
  const stackDirs = Object.fromEntries(Object.entries(manifest.stacks).map(([name, stack]) => [name, join(outdir, stack.workingDirectory)]));
  return { outdir, targets, stackDirs };
}

/** The providers every stack of a JSON synth requires. */
export function requiredProviders(stacks: SynthesizedStacks): Json {
  const merged: Json = {};
  for (const dir of Object.values(stacks.stackDirs)) {
    const stack = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8")) as { terraform: { required_providers: Json } };
    Object.assign(merged, stack.terraform.required_providers);
  }
  return merged;
}

export interface ValidationReport {
  readonly stack: string;
  readonly format: SynthFormat;
  readonly valid: boolean;
  /** Terraform's diagnostics, one line each. */
  readonly problems: readonly string[];
}

/** `terraform validate` in a stack folder, using the shared provider install. */
export async function validateStack(stack: string, dir: string, format: SynthFormat, install: ProviderInstall): Promise<ValidationReport> {
  useInstall(dir, install);
  const result: TerraformResult = await terraform(["validate", "-json"], { cwd: dir, install });
  let parsed: {
    valid: boolean;
    diagnostics: { severity: string; summary: string; detail?: string; range?: { filename: string; start: { line: number } } }[];
  };
  try {
    parsed = JSON.parse(result.stdout);
  } catch {
    return { stack, format, valid: false, problems: [`terraform validate exited ${result.code}: ${result.stderr.trim()}`] };
  }
  const problems = parsed.diagnostics.map(
    (d) => `${d.severity}: ${d.summary}${d.range ? ` (${d.range.filename}:${d.range.start.line})` : ""}${d.detail ? `: ${d.detail}` : ""}`,
  );
  // Warnings count too: a deprecation today is an error in a later Terraform.
  return { stack, format, valid: parsed.valid && parsed.diagnostics.length === 0, problems };
}

export interface StackRehearsal {
  readonly stack: string;
  readonly outcomes: readonly FileOutcome[];
  readonly summary: readonly string[];
}

/** What a stack would create, where, and through which provider: the human summary. */
export function describeStack(stackJson: Json, target: DeploymentTarget, kind: "iam" | "ec2"): string[] {
  const accounts: Record<string, string> = {
    "aws.source": `account ${target.source.accountId} (source${target.source.profile ? `, profile ${target.source.profile}` : ""})`,
    "aws.destination": `account ${target.destination.accountId} (destination${target.destination.profile ? `, profile ${target.destination.profile}` : ""})`,
    aws: `account ${target.destination.accountId} through role ${target.role.arn}`,
  };
  const resources = (stackJson.resource ?? {}) as Record<string, Record<string, Json>>;
  const lines = Object.entries(resources).flatMap(([type, byName]) =>
    Object.entries(byName).map(
      ([name, attributes]) =>
        `  + ${type}.${name}${attributes.name ? ` "${String(attributes.name)}"` : ""} in ${accounts[String(attributes.provider)] ?? String(attributes.provider)}`,
    ),
  );
  const title =
    kind === "iam"
      ? `${target.iamStackName}: role ${target.role.arn}`
      : `${target.ec2StackName}: ${target.instance.instanceType} instance in ${target.destination.region}`;
  return [title, ...lines];
}

export interface ProofOptions {
  /** Folder for synth output, test files and the provider install; wiped per config. */
  readonly workDir: string;
  /** Terraform processes at once. @default 2 */
  readonly concurrency?: number;
  /** Run the wrong-account rehearsals too. @default true */
  readonly negatives?: boolean;
  /** Formats to validate. @default both */
  readonly formats?: readonly SynthFormat[];
  /** Run the apply rehearsals (layer 2). @default true */
  readonly rehearse?: boolean;
  /** Called with a line as each stack's check starts and ends. @default - silent */
  readonly progress?: (line: string) => void;
  /** Reuse an install (tests share one across configs). @default - install into workDir */
  readonly install?: ProviderInstall;
}

export interface ProofReport {
  readonly validations: readonly ValidationReport[];
  readonly rehearsals: readonly StackRehearsal[];
  /** Every check behaved as expected. */
  readonly ok: boolean;
}

function onlyPositive(files: RehearsalFile[], negatives: boolean): RehearsalFile[] {
  return negatives ? files : files.filter((f) => f.expect.outcome === "pass");
}

/**
 * Layer 1 (validate, JSON and HCL) and layer 2 (apply rehearsal with mocked
 * providers, and the wrong-account negatives) for every stack of a config.
 * Each destination's EC2 stack is rehearsed after its IAM stack, with the
 * role ARN the IAM rehearsal proved.
 */
export async function proveConfig(appConfig: AppConfig, options: ProofOptions): Promise<ProofReport> {
  // Terraform runs in each stack folder: every path it is given must be absolute.
  const workDir = resolve(options.workDir);
  const concurrency = options.concurrency ?? 2;
  const formats = options.formats ?? ["json", "hcl"];
  const synths = Object.fromEntries(
    formats.map((format) => [format, synthesize(appConfig, join(workDir, `cdktf.out.${format}`), format)]),
  ) as Partial<Record<SynthFormat, SynthesizedStacks>>;
  const json = synths.json ?? synthesize(appConfig, join(workDir, "cdktf.out.json"), "json");
  const install = options.install ?? (await installProviders(workDir, requiredProviders(json)));
  /** Runs one stack's check between a "started" and a "done in" line. */
  const step = async <T>(label: string, check: () => Promise<T>, verdict: (result: T) => string): Promise<T> => {
    const started = Date.now();
    options.progress?.(`${label}: started`);
    const result = await check();
    options.progress?.(`${label}: ${verdict(result)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return result;
  };
  const judged = (outcomes: readonly FileOutcome[]) => (outcomes.every((o) => o.asExpected) ? "as expected" : "NOT as expected");

  const validations = await pool(
    (Object.entries(synths) as [SynthFormat, SynthesizedStacks][]).flatMap(([format, synth]) =>
      Object.entries(synth.stackDirs).map(
        ([stack, dir]) =>
          () =>
            step(
              `${stack}: validate (${format})`,
              () => validateStack(stack, dir, format, install),
              (v) => (v.valid ? "valid" : "INVALID"),
            ),
      ),
    ),
    concurrency,
  );

  const readStack = (name: string) => JSON.parse(readFileSync(join(json.stackDirs[name], "cdk.tf.json"), "utf8")) as Json;
  const perDestination = json.targets.map((target) => async (): Promise<StackRehearsal[]> => {
    const iamJson = readStack(target.iamStackName);
    const iamOutcomes = await step(
      `${target.iamStackName}: rehearsal`,
      () => runRehearsal(json.stackDirs[target.iamStackName], onlyPositive(iamRehearsalFiles(target), options.negatives ?? true), install),
      judged,
    );
    const iam = { stack: target.iamStackName, outcomes: iamOutcomes, summary: describeStack(iamJson, target, "iam") };
    if (!iamOutcomes.every((o) => o.asExpected)) return [iam];
    const ec2Json = readStack(target.ec2StackName);
    // The IAM rehearsal asserted output.role_arn == target.role.arn; that value feeds the EC2 rehearsal.
    const files = onlyPositive(ec2RehearsalFiles(target, ec2Json, target.role.arn), options.negatives ?? true);
    const ec2Outcomes = await step(
      `${target.ec2StackName}: rehearsal`,
      () => runRehearsal(json.stackDirs[target.ec2StackName], files, install),
      judged,
    );
    return [iam, { stack: target.ec2StackName, outcomes: ec2Outcomes, summary: describeStack(ec2Json, target, "ec2") }];
  });
  const rehearse = options.rehearse ?? true;
  const rehearsals = rehearse ? (await pool(perDestination, concurrency)).flat() : [];
  const ok =
    validations.every((v) => v.valid) &&
    rehearsals.length === (rehearse ? json.targets.length * 2 : 0) &&
    rehearsals.every((r) => r.outcomes.every((o) => o.asExpected));
  return { validations, rehearsals, ok };
}
