import type { AppConfig } from "../lib/config";
import { exposedSecrets, STATIC_RULES, type Finding } from "../tools/proof/static-rules";
import { config, destinations, synthApp } from "./support/fixtures";

type Json = Record<string, unknown>;

const synthesized = new Map<string, [string, Json][]>();

/** Every stack of a config, synthesized once per config; callers get their own copies to mutate. */
function stacksOf(appConfig: AppConfig): [string, Json][] {
  const key = JSON.stringify(appConfig);
  if (!synthesized.has(key)) {
    const app = synthApp(appConfig);
    synthesized.set(
      key,
      Object.keys(app.manifest.stacks).map((name) => [name, app.stack(name)]),
    );
  }
  return JSON.parse(JSON.stringify(synthesized.get(key)));
}

const CONFIGS: [string, AppConfig][] = [
  ["example", config({}, { externalId: "cdktf-assume-role-example" })],
  ["named principals", config({}, { externalId: "e-1", trustedPrincipalArns: ["arn:aws:iam::111111111111:role/ci"] })],
  ["three destinations with MFA", config({ destinations: destinations(3) }, { requireMfa: true })],
];

/**
 * Conscious exceptions, each explained in the README's security model:
 * CKV_AWS_61 flags any trust of an account root. Without named principals the
 * source account is trusted and its own identity policy narrows who may assume.
 */
const EXCEPTIONS: Record<string, string[]> = { example: ["CKV_AWS_61"], "three destinations with MFA": ["CKV_AWS_61"] };

describe.each(CONFIGS)("static rules over every stack of the %s config", (name, appConfig) => {
  const stacks = stacksOf(appConfig);
  const findings = (id: string): Finding[] => stacks.flatMap(([, stack]) => STATIC_RULES.find((r) => r.id === id)?.check(stack) ?? []);

  it.each(STATIC_RULES.map((r) => [r.id, r.title]))("%s: %s", (id) => {
    const expected = EXCEPTIONS[name]?.includes(id) ? "documented exception" : "pass";
    expect(findings(id).length > 0 ? "documented exception" : "pass").toBe(expected);
  });
});

describe("the rules fail on what they guard against", () => {
  // Each mutation is what a careless change would synthesize.
  const [, iam] =
    stacksOf(config({}, { externalId: "e-1", trustedPrincipalArns: ["arn:aws:iam::111111111111:role/ci"] })).find(([n]) => n.endsWith("-iam")) ?? [];
  const [, ec2] = stacksOf(config()).find(([n]) => n.endsWith("-ec2")) ?? [];
  const mutate = (stack: Json | undefined, change: (copy: Json) => void): Json => {
    const copy = JSON.parse(JSON.stringify(stack));
    change(copy);
    return copy;
  };
  const run = (id: string, stack: Json) => STATIC_RULES.find((r) => r.id === id)?.check(stack).length;
  const setTrust = (doc: Json) => (s: Json) =>
    ((s.resource as Json as Record<string, Record<string, Json>>).aws_iam_role.role.assume_role_policy = JSON.stringify(doc));
  const trustWith = (statement: Json) => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", ...statement }] });

  it.each([
    ["CKV_AWS_60", () => mutate(iam, setTrust(trustWith({ Principal: { AWS: "*" } })))],
    ["CKV_AWS_61", () => mutate(iam, setTrust(trustWith({ Principal: { AWS: "arn:aws:iam::111111111111:root" } })))],
    [
      "KICS cross-account AssumeRole without ExternalId or MFA",
      () => mutate(iam, setTrust(trustWith({ Principal: { AWS: "arn:aws:iam::111111111111:root" } }))),
    ],
    [
      "CKV_AWS_63",
      () =>
        mutate(
          iam,
          (s) =>
            ((s.resource as Record<string, Record<string, Json>>).aws_iam_role_policy["role-scoped-ec2"].policy = JSON.stringify(
              trustWith({ Action: "*", Resource: "arn:x" }),
            )),
        ),
    ],
    [
      "CKV_AWS_62",
      () =>
        mutate(
          iam,
          (s) =>
            ((s.resource as Record<string, Record<string, Json>>).aws_iam_policy["assume-role-policy"].policy = JSON.stringify(
              trustWith({ Action: "*", Resource: "*" }),
            )),
        ),
    ],
    [
      "CKV_AWS_79",
      () =>
        mutate(
          ec2,
          (s) => ((s.resource as Record<string, Record<string, Json>>).aws_instance.instance.metadata_options = { http_tokens: "optional" }),
        ),
    ],
    ["CKV_AWS_8", () => mutate(ec2, (s) => delete (s.resource as Record<string, Record<string, Json>>).aws_instance.instance.root_block_device)],
    [
      "CKV_AWS_88",
      () => mutate(ec2, (s) => ((s.resource as Record<string, Record<string, Json>>).aws_instance.instance.associate_public_ip_address = true)),
    ],
    ["CKV_AWS_126", () => mutate(ec2, (s) => ((s.resource as Record<string, Record<string, Json>>).aws_instance.instance.monitoring = false))],
  ])("%s flags its violation", (id, broken) => {
    expect(run(id, broken())).toBeGreaterThan(0);
  });
});

describe("outputs", () => {
  it("expose no secret unless marked sensitive, including the opt-in access key", () => {
    const stacks = stacksOf(config({ source: { accountId: "111111111111", createUser: true } }));
    expect(stacks.flatMap(([, stack]) => exposedSecrets(stack))).toEqual([]);
  });

  it("fails if the access key secret loses its sensitive flag", () => {
    const [, iam] = stacksOf(config({ source: { accountId: "111111111111", createUser: true } })).find(([n]) => n.endsWith("-iam")) ?? [];
    const outputs = (iam as Json).output as Record<string, Json>;
    delete outputs.assuming_user_secret_access_key.sensitive;
    expect(exposedSecrets(iam as Json)).toEqual([expect.objectContaining({ address: "output.assuming_user_secret_access_key" })]);
  });
});
