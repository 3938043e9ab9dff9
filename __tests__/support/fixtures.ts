import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Testing } from "cdktf";
import { buildStacks, type DestinationStacks } from "../../app";
import { parseConfig, type AppConfig } from "../../lib/config";
import { resolveTargets, type DeploymentTarget } from "../../lib/targets";

/** Named fake accounts, as in the tutorial. */
export const SOURCE_ACCOUNT = "111111111111";
export const DESTINATION_ACCOUNT = "222222222222";
export const OTHER_ACCOUNT = "333333333333";

type Json = Record<string, unknown>;

/** The example config's shape: one source, one destination, tutorial names. */
export function rawConfig(overrides: Json = {}): Json {
  return {
    region: "us-east-2",
    source: { accountId: SOURCE_ACCOUNT, profile: "source" },
    destinations: [{ name: "destination", accountId: DESTINATION_ACCOUNT, profile: "destination" }],
    role: { name: "cross-account-ec2" },
    instance: { instanceType: "t3.micro" },
    ...overrides,
  };
}

const word = (letter: string, length: number) => letter.repeat(length);

/**
 * A config with every bounded value at the largest the config takes: what the provider's validation and IAM's
 * document quotas are held against.
 */
export function edgeRawConfig(): Json {
  const tags = (letter: string, count: number) =>
    Object.fromEntries(Array.from({ length: count }, (_, i) => [`${String(i).padStart(2, "0")}${word(letter, 126)}`, word("v", 256)]));
  return {
    project: word("p", 63),
    region: "us-east-2",
    source: {
      accountId: SOURCE_ACCOUNT,
      profile: word("s", 128),
      // Every character IAM takes in a name, at each kind's longest: Terraform's resource names take fewer.
      attachTo: { groups: [`${word("g", 121)}+=,.@_-`], roles: [`${word("r", 57)}+=,.@_-`], users: [`${word("u", 57)}+=,.@_-`] },
    },
    destinations: [{ name: word("d", 32), accountId: DESTINATION_ACCOUNT, profile: "destination" }],
    role: {
      name: word("r", 64),
      trustedPrincipalArns: [`arn:aws:iam::${SOURCE_ACCOUNT}:user/team/alice+ci=x,y.z@example.com`],
      path: `/${word("a", 510)}/`,
      externalId: `${word("e", 1220)}:/=@`,
      sessionName: word("n", 64),
      sourceIdentity: word("i", 64),
      requireMfa: true,
      maxMfaAgeSeconds: 43200,
      maxSessionDurationSeconds: 43200,
      sourceOrgId: `o-${word("o", 32)}`,
      permissionsBoundaryArn: `arn:aws:iam::${DESTINATION_ACCOUNT}:policy/${word("b", 128)}`,
      sessionTags: tags("k", 50),
    },
    instance: { instanceType: "t3.micro", rootVolumeSizeGiB: 16384 },
    // 48: with Project and the instance's Name, the 50 a resource takes.
    tags: tags("t", 48),
  };
}

/** A validated config; `role` overrides are merged into the base role. */
export function config(overrides: Json = {}, role: Json = {}): AppConfig {
  const raw = rawConfig(overrides);
  return parseConfig({ ...raw, role: { ...(raw.role as Json), ...role } }, "test");
}

/** The first destination's resolved target. */
export function target(overrides: Json = {}, role: Json = {}): DeploymentTarget {
  return resolveTargets(config(overrides, role))[0];
}

/** `count` destinations named dest-01... in distinct fake accounts. */
export function destinations(count: number): Json[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `dest-${String(i + 1).padStart(2, "0")}`,
    accountId: String(222222222222 + i * 1111),
  }));
}

export interface SynthesizedApp {
  readonly app: App;
  readonly stacks: DestinationStacks[];
  readonly outdir: string;
  readonly manifest: { stacks: Record<string, { dependencies: string[]; synthesizedStackPath: string }> };
  /** A stack's synthesized Terraform JSON. */
  stack(name: string): Json;
}

/** Full app synth into a temporary folder: the only way cross-stack references appear. */
export function synthApp(appConfig: AppConfig): SynthesizedApp {
  const outdir = mkdtempSync(join(tmpdir(), "cdktf-assume-role-"));
  const app = Testing.stubVersion(new App({ outdir, skipValidation: true }));
  const stacks = buildStacks(app, appConfig);
  app.synth();
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8"));
  return {
    app,
    stacks,
    outdir,
    manifest,
    stack: (name) => JSON.parse(readFileSync(join(outdir, manifest.stacks[name].synthesizedStackPath), "utf8")),
  };
}

/** A policy argument of a synthesized resource, parsed. */
export function policyOf(stackJson: Json, resourceType: string, name: string, attribute = "policy"): Json {
  const resources = stackJson.resource as Record<string, Record<string, Json>>;
  // As Terraform reads the string: `$${` is its escape for a literal `${` (IAM policy variables).
  return JSON.parse((resources[resourceType][name][attribute] as string).replaceAll("$${", "${"));
}
