import { spawnSync } from "node:child_process";
import { lookup } from "node:dns/promises";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";

/**
 * How Terraform gets the providers the stacks need (hashicorp/aws): one
 * answer for every command that runs Terraform (the workflow, the tests, the
 * demo, the bench, CI), so that a machine without the registry works with no
 * set-up when the provider is unpacked somewhere on it.
 */

/** The provider every stack requires; finding it is finding the mirror. */
export const REQUIRED_PROVIDER = "registry.terraform.io/hashicorp/aws";

export type ProviderSourceKind =
  /** A Terraform CLI configuration the user already has (TF_CLI_CONFIG_FILE, ~/.terraformrc): it wins. */
  | "cli-config"
  /** A filesystem mirror, named by TF_PROVIDER_MIRROR or found on this machine: a CLI configuration is written for it. */
  | "mirror"
  /** One of Terraform's implied local mirror directories: Terraform reads it by itself. */
  | "implied"
  /** Nothing local: terraform init downloads from the registry. */
  | "registry";

export interface ProviderSource {
  readonly kind: ProviderSourceKind;
  /** What was found, for one line of output. */
  readonly description: string;
  /** Environment for Terraform (and cdktf): TF_CLI_CONFIG_FILE when a configuration was found or written. */
  readonly env: Readonly<Record<string, string>>;
  /** The mirror folder (holds registry.terraform.io/), when providers come from one. @default - none */
  readonly mirror?: string;
}

/** Raised once, with what is missing and the two ways to provide it. */
export class ProvidersUnavailableError extends Error {
  constructor(detail: string) {
    super(
      [
        `Terraform cannot run the stacks here: ${detail}`,
        "Provide it one of two ways:",
        `  - online: terraform (>= 1.7) on PATH; terraform init downloads ${REQUIRED_PROVIDER} from the registry;`,
        `  - offline: unpack ${REQUIRED_PROVIDER} into a filesystem mirror (the folder that holds registry.terraform.io/),`,
        "    and set TF_PROVIDER_MIRROR=/path/to/that/folder (or name it in a Terraform CLI configuration, TF_CLI_CONFIG_FILE).",
      ].join("\n"),
    );
    this.name = "ProvidersUnavailableError";
  }
}

/** Where Terraform looks by itself on Linux and macOS (Terraform's "implied local mirror directories"). */
export function impliedMirrors(env: NodeJS.ProcessEnv = process.env, home = homedir()): string[] {
  const data = env.XDG_DATA_HOME || join(home, ".local", "share");
  const dataDirs = (env.XDG_DATA_DIRS || "/usr/local/share:/usr/share").split(":").filter(Boolean);
  return [join(home, ".terraform.d", "plugins"), join(data, "terraform", "plugins"), ...dataDirs.map((d) => join(d, "terraform", "plugins"))];
}

/** Whether `dir` holds hashicorp/aws in the unpacked or packed mirror layout. */
export function holdsProvider(dir: string): boolean {
  const provider = join(dir, REQUIRED_PROVIDER);
  return existsSync(provider) && readdirSync(provider).length > 0;
}

/**
 * Folders a distribution or an image puts a mirror in; searched a few levels
 * deep, never the whole disk. TF_PROVIDER_SEARCH_ROOTS (colon-separated)
 * replaces them; empty turns the search off.
 */
const SEARCH_ROOTS = ["/opt", "/usr/local", "/usr/share", "/srv", "/var/lib", "/mnt"];
const SEARCH_DEPTH = 4;

/** The first folder below `roots` (breadth first, `depth` levels) that holds a mirror of hashicorp/aws. */
export function searchMirror(roots: readonly string[] = [...SEARCH_ROOTS, homedir()], depth = SEARCH_DEPTH): string | undefined {
  let level = roots.filter((root) => existsSync(root));
  for (let d = 0; d <= depth && level.length > 0; d++) {
    const found = level.find(holdsProvider);
    if (found) return found;
    level = level.flatMap((dir) => {
      try {
        return readdirSync(dir, { withFileTypes: true })
          .filter((entry) => entry.isDirectory() && !entry.name.startsWith(".") && entry.name !== "node_modules" && entry.name !== "proc")
          .map((entry) => join(dir, entry.name));
      } catch {
        return [];
      }
    });
  }
  return undefined;
}

/** A CLI configuration that installs hashicorp/* from `mirror` and nothing from the registry. */
export function mirrorCliConfig(mirror: string): string {
  return [
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${JSON.stringify(mirror)}`,
    '    include = ["registry.terraform.io/*/*"]',
    "  }",
    "  direct {",
    '    exclude = ["registry.terraform.io/*/*"]',
    "  }",
    "}",
    "",
  ].join("\n");
}

/**
 * Writes `text` unless the file already holds it, through a rename: another
 * command's Terraform may be reading the file at that moment, and must never
 * see it empty or half written.
 */
function writeIfChanged(file: string, text: string): void {
  if (existsSync(file) && readFileSync(file, "utf8") === text) return;
  mkdirSync(dirname(file), { recursive: true });
  const staging = `${file}.${process.pid}`;
  writeFileSync(staging, text);
  renameSync(staging, file);
}

export interface FindProvidersOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly home?: string;
  /** Where a written CLI configuration goes. @default <project>/.terraform-work/terraformrc */
  readonly configFile?: string;
  /** Folders to search last. @default TF_PROVIDER_SEARCH_ROOTS, else SEARCH_ROOTS and the home folder */
  readonly searchRoots?: readonly string[];
}

const PROJECT_ROOT = resolve(__dirname, "..", "..");

/**
 * Finds how Terraform gets hashicorp/aws, in this order: an existing CLI
 * configuration, TF_PROVIDER_MIRROR, Terraform's implied local mirrors, a
 * search of the folders images put mirrors in; else the registry. Never
 * asks the network.
 * @throws ProvidersUnavailableError when TF_PROVIDER_MIRROR names a folder without the provider
 */
export function findProviders(options: FindProvidersOptions = {}): ProviderSource {
  const env = options.env ?? process.env;
  const home = options.home ?? homedir();
  const configFile = options.configFile ?? join(PROJECT_ROOT, ".terraform-work", "terraformrc");
  const existing = [env.TF_CLI_CONFIG_FILE, env.TERRAFORM_CONFIG, join(home, ".terraformrc")].find(
    (file): file is string => !!file && existsSync(file),
  );
  if (existing) {
    const mirror = /filesystem_mirror\s*\{[^}]*path\s*=\s*"([^"]+)"/.exec(readFileSync(existing, "utf8"))?.[1];
    return { kind: "cli-config", description: `the Terraform CLI configuration ${existing}`, env: { TF_CLI_CONFIG_FILE: existing }, mirror };
  }
  const named = env.TF_PROVIDER_MIRROR;
  if (named && !holdsProvider(named)) throw new ProvidersUnavailableError(`TF_PROVIDER_MIRROR=${named} holds no ${REQUIRED_PROVIDER}.`);
  const implied = named ? undefined : impliedMirrors(env, home).find(holdsProvider);
  if (implied) return { kind: "implied", description: `Terraform's implied local mirror ${implied}`, env: {}, mirror: implied };
  const roots =
    options.searchRoots ?? (env.TF_PROVIDER_SEARCH_ROOTS === undefined ? undefined : env.TF_PROVIDER_SEARCH_ROOTS.split(":").filter(Boolean));
  const mirror = named ? resolve(named) : searchMirror(roots);
  if (!mirror) return { kind: "registry", description: "the registry (no local mirror found)", env: {} };
  writeIfChanged(configFile, mirrorCliConfig(mirror));
  return { kind: "mirror", description: `the filesystem mirror ${mirror}`, env: { TF_CLI_CONFIG_FILE: configFile }, mirror };
}

const found = new Map<string, ProviderSource>();

/** findProviders() for this machine, looked for once per process (again if TF_CLI_CONFIG_FILE or TF_PROVIDER_MIRROR change). */
export function providerSource(): ProviderSource {
  const key = `${process.env.TF_CLI_CONFIG_FILE ?? ""}\0${process.env.TF_PROVIDER_MIRROR ?? ""}`;
  if (!found.has(key)) found.set(key, findProviders());
  return found.get(key) as ProviderSource;
}

/**
 * Checks that Terraform can run the stacks: terraform on PATH, and the
 * provider local or the registry reachable (a DNS look-up, which fails at
 * once offline).
 * @throws ProvidersUnavailableError saying what is missing
 */
export async function checkProviders(
  source: ProviderSource,
  env: NodeJS.ProcessEnv = process.env,
  reachable: (host: string) => Promise<unknown> = lookup,
): Promise<void> {
  const version = spawnSync("terraform", ["version"], { env: { ...env, ...source.env, CHECKPOINT_DISABLE: "1" }, encoding: "utf8" });
  if (version.status !== 0) throw new ProvidersUnavailableError("terraform is not on PATH.");
  if (source.kind !== "registry") return;
  try {
    await reachable("registry.terraform.io");
  } catch {
    throw new ProvidersUnavailableError(`${REQUIRED_PROVIDER} is neither on this machine nor downloadable (the registry cannot be reached).`);
  }
}
