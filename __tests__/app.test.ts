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
