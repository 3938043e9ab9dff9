import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { App } from "cdktf";
import { synthesizeApp, synthSummary } from "../app";
import { loadConfig } from "../lib/config";
import { config, destinations, synthApp } from "./support/fixtures";

type Json = Record<string, unknown>;

/** Drops what depends on the machine (the temp outdir in local state paths). */
function normalised(stack: Json): Json {
  return JSON.parse(JSON.stringify(stack).replace(/"path":"[^"]*?(state\/[\w.-]+\.tfstate)"/g, '"path":"<relative>/$1"'));
}

describe("the app", () => {
  const synthesized = synthApp(loadConfig("config/default.json"));

  it("builds exactly two stacks from the example config", () => {
    expect(Object.keys(synthesized.manifest.stacks).sort()).toEqual(["destination-ec2", "destination-iam"]);
  });

  it("orders the IAM stack before the EC2 stack", () => {
    expect(synthesized.manifest.stacks["destination-ec2"].dependencies).toEqual(["destination-iam"]);
    expect(synthesized.manifest.stacks["destination-iam"].dependencies).toEqual([]);
  });

  it("passes the role ARN to the EC2 provider by a cross-stack reference", () => {
    // GIVEN the IAM stack exports the role ARN
    const iam = synthesized.stack("destination-iam");
    const [exported] = Object.entries(iam.output as Record<string, Json>).filter(([name]) => name.startsWith("cross-stack-output-"));
    expect(exported[1]).toEqual({ value: "${aws_iam_role.role.arn}", sensitive: true });
    // WHEN the EC2 stack is synthesized
    const ec2 = synthesized.stack("destination-ec2");
    const remoteStates = (ec2.data as Record<string, Record<string, Json>>).terraform_remote_state;
    // THEN its provider reads that output through terraform_remote_state
    expect(Object.keys(remoteStates)).toEqual(["cross-stack-reference-input-destination-iam"]);
    const provider = (ec2.provider as Record<string, Json[]>).aws[0];
    expect(provider.assume_role).toEqual([
      expect.objectContaining({ role_arn: `\${data.terraform_remote_state.cross-stack-reference-input-destination-iam.outputs.${exported[0]}}` }),
    ]);
  });

  it("never copies the role ARN into the EC2 stack", () => {
    expect(JSON.stringify(synthesized.stack("destination-ec2"))).not.toContain("role/cdktf-assume-role-ec2");
  });

  it.each(["destination-iam", "destination-ec2"])("synthesizes %s as before", (name) => {
    expect(normalised(synthesized.stack(name))).toMatchSnapshot();
  });
});

describe("the app with several destinations", () => {
  it("builds an IAM and an EC2 stack per destination, each EC2 stack depending on its own IAM stack", () => {
    // GIVEN three destinations
    const appConfig = config({ destinations: destinations(3) });
    // WHEN
    const { manifest } = synthApp(appConfig);
    // THEN
    expect(Object.keys(manifest.stacks).sort()).toEqual(["dest-01-ec2", "dest-01-iam", "dest-02-ec2", "dest-02-iam", "dest-03-ec2", "dest-03-iam"]);
    for (const name of ["dest-01", "dest-02", "dest-03"]) {
      expect(manifest.stacks[`${name}-ec2`].dependencies).toEqual([`${name}-iam`]);
    }
  });

  it("applies per-destination region, instance type and tags", () => {
    const appConfig = config({
      destinations: [{ name: "eu", accountId: "333333333333", region: "eu-west-1", instanceType: "t3.small", tags: { Env: "prod" } }],
      tags: { Team: "platform" },
    });
    const ec2 = synthApp(appConfig).stack("eu-ec2");
    const provider = (ec2.provider as Record<string, Json[]>).aws[0];
    expect(provider).toMatchObject({
      region: "eu-west-1",
      default_tags: [{ tags: { Team: "platform", Env: "prod", Project: "cdktf-assume-role" } }],
    });
    expect((ec2.resource as Record<string, Record<string, Json>>).aws_instance.instance.instance_type).toBe("t3.small");
  });
});

describe("synthesizeApp", () => {
  /** An output folder as a deploy leaves it: two live stacks with Terraform's working files, one removed stack. */
  function deployedOutdir(): string {
    const outdir = join(mkdtempSync(join(tmpdir(), "synth-")), "cdktf.out");
    for (const stack of ["destination-iam", "destination-ec2", "removed-iam"]) {
      mkdirSync(join(outdir, "stacks", stack, ".terraform", "providers"), { recursive: true });
      writeFileSync(join(outdir, "stacks", stack, ".terraform.lock.hcl"), `lock of ${stack}`);
    }
    writeFileSync(join(outdir, "manifest.json"), "previous");
    return outdir;
  }

  it("keeps each live stack's .terraform/ and lock file, and drops removed stacks", () => {
    // GIVEN
    const outdir = deployedOutdir();
    // WHEN
    const result = synthesizeApp(config(), outdir);
    // THEN
    expect(result).toEqual({ outdir, stacks: ["destination-ec2", "destination-iam"], removed: ["removed-iam"], warnings: [] });
    expect(readdirSync(join(outdir, "stacks")).sort()).toEqual(["destination-ec2", "destination-iam"]);
    for (const stack of ["destination-iam", "destination-ec2"]) {
      expect(readFileSync(join(outdir, "stacks", stack, ".terraform.lock.hcl"), "utf8")).toBe(`lock of ${stack}`);
      expect(existsSync(join(outdir, "stacks", stack, ".terraform", "providers"))).toBe(true);
      expect(existsSync(join(outdir, "stacks", stack, "cdk.tf.json"))).toBe(true);
    }
    expect(readdirSync(dirname(outdir))).toEqual(["cdktf.out"]);
  });

  it("returns the stacks' warnings, and says them before one summary line", () => {
    // GIVEN a config whose IAM stack warns
    const outdir = join(mkdtempSync(join(tmpdir(), "synth-")), "cdktf.out");
    // WHEN
    const result = synthesizeApp(config({}, { permissions: "ec2-full-access" }), outdir);
    // THEN
    expect(result.warnings).toEqual([
      expect.stringMatching(/^destination-iam: role.permissions is ec2-full-access: the role may do anything in EC2/),
    ]);
    expect(synthSummary(result, "cdktf.out")).toEqual([`Warning: ${result.warnings[0]}`, "Synthesized 2 stacks into cdktf.out (1 warning)"]);
  });

  it("warns about state a removed destination left behind, saying how to destroy it", () => {
    // GIVEN state of a destination no longer in the config (resources left), and of one already destroyed (none)
    const project = mkdtempSync(join(tmpdir(), "orphans-"));
    const directory = join(project, "state");
    mkdirSync(directory);
    const state = (n: number) => JSON.stringify({ resources: Array.from({ length: n }, () => ({ mode: "managed", instances: [{}] })), outputs: {} });
    writeFileSync(join(directory, "old-iam.tfstate"), state(5));
    writeFileSync(join(directory, "gone-ec2.tfstate"), state(0));
    // WHEN
    const result = synthesizeApp(config({ backend: { type: "local", directory: relative(process.cwd(), directory) } }), join(project, "cdktf.out"));
    // THEN
    expect(result.warnings).toEqual([
      `${join(relative(process.cwd(), directory), "old-iam.tfstate")} holds 5 resource(s), but the config makes no stack old-iam: removing a destination destroys nothing. Put it back with "retired": true, run npm run destroy -- old, then remove it.`,
    ]);
  });

  it("leaves the previous output exactly as it was when synthesis crashes", () => {
    // GIVEN a deployed output folder, and a synth that throws after the stacks were built
    const outdir = deployedOutdir();
    const synth = jest.spyOn(App.prototype, "synth").mockImplementation(() => {
      throw new Error("crash during synth");
    });
    // WHEN
    try {
      expect(() => synthesizeApp(config(), outdir)).toThrow("crash during synth");
    } finally {
      synth.mockRestore();
    }
    // THEN nothing was written, moved or deleted, and no staging folder is left behind
    expect(readFileSync(join(outdir, "manifest.json"), "utf8")).toBe("previous");
    expect(readdirSync(join(outdir, "stacks")).sort()).toEqual(["destination-ec2", "destination-iam", "removed-iam"]);
    expect(readFileSync(join(outdir, "stacks", "destination-iam", ".terraform.lock.hcl"), "utf8")).toBe("lock of destination-iam");
    expect(readdirSync(dirname(outdir))).toEqual(["cdktf.out"]);
  });
});
