import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkProviders, findProviders, impliedMirrors, ProvidersUnavailableError, searchMirror } from "../tools/terraform/providers";

/** A folder holding hashicorp/aws in the unpacked mirror layout. */
function mirror(root: string): string {
  mkdirSync(join(root, "registry.terraform.io", "hashicorp", "aws", "5.100.0", "linux_amd64"), { recursive: true });
  return root;
}
const temp = (name: string) => mkdtempSync(join(tmpdir(), `${name}-`));
const nothing = (home: string) => ({ env: { XDG_DATA_DIRS: join(home, "none") }, home, configFile: join(home, "terraformrc"), searchRoots: [] });

describe("findProviders", () => {
  it("uses an existing Terraform CLI configuration first, and reads its mirror", () => {
    // GIVEN
    const home = temp("home");
    const cli = join(home, "my.tfrc");
    writeFileSync(cli, 'provider_installation {\n  filesystem_mirror {\n    path = "/srv/mirror"\n  }\n}\n');
    // WHEN
    const found = findProviders({ ...nothing(home), env: { TF_CLI_CONFIG_FILE: cli, TF_PROVIDER_MIRROR: mirror(temp("m")) } });
    // THEN
    expect(found).toMatchObject({ kind: "cli-config", env: { TF_CLI_CONFIG_FILE: cli }, mirror: "/srv/mirror" });
  });

  it("ignores a TF_CLI_CONFIG_FILE that names a missing file", () => {
    const home = temp("home");
    expect(findProviders({ ...nothing(home), env: { TF_CLI_CONFIG_FILE: join(home, "missing") } }).kind).toBe("registry");
  });

  it("writes a CLI configuration for the mirror TF_PROVIDER_MIRROR names", () => {
    const home = temp("home");
    const named = mirror(temp("mirror"));
    const found = findProviders({ ...nothing(home), env: { TF_PROVIDER_MIRROR: named } });
    expect(found).toMatchObject({ kind: "mirror", mirror: named, env: { TF_CLI_CONFIG_FILE: join(home, "terraformrc") } });
    const written = readFileSync(join(home, "terraformrc"), "utf8");
    expect(written).toContain(`filesystem_mirror {\n    path    = ${JSON.stringify(named)}`);
    expect(written).toContain('direct {\n    exclude = ["registry.terraform.io/*/*"]');
  });

  it("fails if TF_PROVIDER_MIRROR names a folder without hashicorp/aws, saying the two ways to provide it", () => {
    const home = temp("home");
    const empty = temp("empty");
    expect(() => findProviders({ ...nothing(home), env: { TF_PROVIDER_MIRROR: empty } })).toThrow(
      new RegExp(`TF_PROVIDER_MIRROR=${empty} holds no registry.terraform.io/hashicorp/aws\\.\\nProvide it one of two ways:`),
    );
  });

  it("takes Terraform's implied local mirror without writing a configuration", () => {
    const home = temp("home");
    mirror(join(home, ".terraform.d", "plugins"));
    expect(findProviders(nothing(home))).toEqual({
      kind: "implied",
      description: `Terraform's implied local mirror ${join(home, ".terraform.d", "plugins")}`,
      env: {},
      mirror: join(home, ".terraform.d", "plugins"),
    });
  });

  it("searches the folders images put mirrors in, a few levels deep", () => {
    const home = temp("home");
    const root = temp("opt");
    const deep = mirror(join(root, "tf", "plugins"));
    expect(findProviders({ ...nothing(home), searchRoots: [root] })).toMatchObject({ kind: "mirror", mirror: deep });
    expect(searchMirror([root], 0)).toBeUndefined();
  });

  it("honours TF_PROVIDER_SEARCH_ROOTS, and an empty one turns the search off", () => {
    const home = temp("home");
    const root = temp("srv");
    mirror(join(root, "mirror"));
    const { env, home: h, configFile } = nothing(home);
    const options = { env, home: h, configFile };
    expect(findProviders({ ...options, env: { ...options.env, TF_PROVIDER_SEARCH_ROOTS: root } }).kind).toBe("mirror");
    expect(findProviders({ ...options, env: { ...options.env, TF_PROVIDER_SEARCH_ROOTS: "" } }).kind).toBe("registry");
  });

  it("falls back to the registry when nothing local holds the provider", () => {
    expect(findProviders(nothing(temp("home")))).toEqual({ kind: "registry", description: "the registry (no local mirror found)", env: {} });
  });
});

describe("impliedMirrors", () => {
  it("lists Terraform's own directories, XDG's included", () => {
    expect(impliedMirrors({ XDG_DATA_HOME: "/x", XDG_DATA_DIRS: "/a:/b" }, "/h")).toEqual([
      "/h/.terraform.d/plugins",
      "/x/terraform/plugins",
      "/a/terraform/plugins",
      "/b/terraform/plugins",
    ]);
  });
});

describe("checkProviders", () => {
  const registry = { kind: "registry" as const, description: "the registry", env: {} };

  it("fails if terraform is not on PATH, with one message saying what is missing and the two ways to provide it", async () => {
    const error = await checkProviders(registry, { PATH: temp("empty-path") }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProvidersUnavailableError);
    expect((error as Error).message).toBe(
      [
        "Terraform cannot run the stacks here: terraform is not on PATH.",
        "Provide it one of two ways:",
        "  - online: terraform (>= 1.7) on PATH; terraform init downloads registry.terraform.io/hashicorp/aws from the registry;",
        "  - offline: unpack registry.terraform.io/hashicorp/aws into a filesystem mirror (the folder that holds registry.terraform.io/),",
        "    and set TF_PROVIDER_MIRROR=/path/to/that/folder (or name it in a Terraform CLI configuration, TF_CLI_CONFIG_FILE).",
      ].join("\n"),
    );
  });

  it("fails if nothing local provides the provider and the registry cannot be reached", async () => {
    const offline = () => Promise.reject(new Error("ENOTFOUND"));
    await expect(checkProviders(registry, process.env, offline)).rejects.toThrow(
      "Terraform cannot run the stacks here: registry.terraform.io/hashicorp/aws is neither on this machine nor downloadable (the registry cannot be reached).",
    );
  });

  it("passes with a reachable registry, or a local mirror without asking the network", async () => {
    await expect(checkProviders(registry, process.env, () => Promise.resolve())).resolves.toBeUndefined();
    const asked = jest.fn(() => Promise.reject(new Error("offline")));
    await expect(checkProviders({ kind: "implied", description: "", env: {} }, process.env, asked)).resolves.toBeUndefined();
    expect(asked).not.toHaveBeenCalled();
  });
});
