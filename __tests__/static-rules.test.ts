import type { AppConfig } from "../lib/config";
import { evaluate, exposedSecrets, STATIC_RULES, type StaticRule } from "../tools/policy";
import { config, destinations, synthApp } from "./support/fixtures";

type Json = Record<string, unknown>;
type Resources = Record<string, Record<string, Json>>;

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
  [
    "a created user and a required session name",
    config({ source: { accountId: "111111111111", createUser: true } }, { externalId: "e-2", requireSessionName: "username" }),
  ],
  [
    "CI's OIDC role",
    config(
      { source: { accountId: "111111111111", ciOidc: { subjects: ["repo:acme/infra:ref:refs/heads/main"], createProvider: true } } },
      { externalId: "e-3", trustedPrincipalArns: ["arn:aws:iam::111111111111:role/ci-deployer"] },
    ),
  ],
];
/** The stack of a config whose name ends with `suffix` ("-iam", "-ec2"). */
function stackOf(appConfig: AppConfig, suffix: string): Json {
  const found = stacksOf(appConfig).find(([name]) => name.endsWith(suffix));
  if (!found) throw new Error(`no ${suffix} stack`);
  return found[1];
}

function rule(id: string): StaticRule {
  const found = STATIC_RULES.find((r) => r.id === id);
  if (!found) throw new Error(`no rule ${id}`);
  return found;
}

describe.each(CONFIGS)("static rules over every stack of the %s config", (_name, appConfig) => {
  const stacks = stacksOf(appConfig);

  it.each(STATIC_RULES.map((r) => [r.id, r] as const))("%s: passes, does not apply, or is an exception recorded on its resource", async (_id, r) => {
    for (const [, stack] of stacks) expect((await evaluate(r, stack)).findings).toEqual([]);
  });
});

describe("results", () => {
  const iam = stackOf(CONFIGS[0][1], "-iam");
  const ec2 = stackOf(CONFIGS[0][1], "-ec2");

  it("read the exception the stack records on the role, with its reason, when no principal is named", async () => {
    const result = await evaluate(rule("CKV_AWS_61"), iam);
    expect(result).toMatchObject({
      status: "exception",
      excused: [{ address: "aws_iam_role.role", reason: expect.stringContaining("Name principals") }],
    });
    const named = stackOf(CONFIGS[1][1], "-iam");
    expect((await evaluate(rule("CKV_AWS_61"), named)).status).toBe("pass");
  });

  it("say an EC2 rule does not apply to an IAM stack, and an IAM rule to an EC2 stack, rather than pass", async () => {
    expect((await evaluate(rule("CKV_AWS_79"), iam)).status).toBe("not applicable");
    expect((await evaluate(rule("CKV_AWS_290"), ec2)).status).toBe("not applicable");
    expect((await evaluate(rule("CKV_AWS_356"), iam)).status).toBe("not applicable");
    expect((await evaluate(rule("CKV_AWS_79"), ec2)).status).toBe("pass");
  });

  it('allow the role\'s Describe calls on "*" only because those actions take no resource (CKV_AWS_355)', async () => {
    expect((await evaluate(rule("CKV_AWS_355"), iam)).status).toBe("pass");
  });
});

describe("the rules fail on what they guard against", () => {
  // Each mutation is what a careless change would synthesize.
  const iam = stackOf(CONFIGS[1][1], "-iam");
  const ec2 = stackOf(config(), "-ec2");
  const mutate = (stack: Json, change: (resources: Resources) => void): Json => {
    const copy = JSON.parse(JSON.stringify(stack)) as Json;
    change(copy.resource as Resources);
    return copy;
  };
  const doc = (statement: Json) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", ...statement }] });
  const trust = (statement: Json) => mutate(iam, (r) => (r.aws_iam_role.role.assume_role_policy = doc({ Action: "sts:AssumeRole", ...statement })));
  const scoped = (statement: Json) => mutate(iam, (r) => (r.aws_iam_role_policy["role-scoped-ec2"].policy = doc(statement)));
  const source = (statement: Json) => mutate(iam, (r) => (r.aws_iam_policy["assume-role-policy"].policy = doc(statement)));
  const ciTrust = (condition: Json) =>
    mutate(
      stackOf(CONFIGS[4][1], "-iam"),
      (r) =>
        (r.aws_iam_role["ci-role"].assume_role_policy = doc({
          Principal: { Federated: "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com" },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: condition,
        })),
    );
  const attach = (policy: string) =>
    mutate(iam, (r) => (r.aws_iam_role_policy_attachment = { extra: { role: "x", policy_arn: `arn:aws:iam::aws:policy/${policy}` } }));
  const instance = (change: (i: Json) => void) => mutate(ec2, (r) => change(r.aws_instance.instance));

  it.each<[string, () => Json]>([
    ["CKV_AWS_60", () => trust({ Principal: { AWS: "*" } })],
    ["CKV_AWS_61", () => trust({ Principal: { AWS: "arn:aws:iam::111111111111:root" } })],
    ["KICS cross-account AssumeRole without ExternalId or MFA", () => trust({ Principal: { AWS: "arn:aws:iam::111111111111:root" } })],
    ["CKV_AWS_62", () => source({ Action: "*", Resource: "*" })],
    ["CKV_AWS_63", () => scoped({ Action: "*", Resource: "arn:x" })],
    ["CKV_AWS_274", () => attach("AdministratorAccess")],
    ["CKV2_AWS_40", () => scoped({ Action: "iam:*", Resource: "*" })],
    ["CKV2_AWS_56", () => attach("IAMFullAccess")],
    [
      "CKV_AWS_355",
      () => scoped({ Action: "ec2:TerminateInstances", Resource: "*", Condition: { StringEquals: { "aws:RequestedRegion": "us-east-2" } } }),
    ],
    ["CKV_AWS_356", () => ({ ...iam, data: { aws_iam_policy_document: { d: { statement: [{ actions: ["s3:*"], resources: ["*"] }] } } } })],
    ["CKV_AWS_286", () => scoped({ Action: "iam:PassRole", Resource: "*" })],
    ["CKV_AWS_287", () => scoped({ Action: "ec2:GetPasswordData", Resource: "*" })],
    ["CKV_AWS_288", () => scoped({ Action: "secretsmanager:GetSecretValue", Resource: "*" })],
    ["CKV_AWS_289", () => scoped({ Action: "s3:PutBucketPolicy", Resource: "*" })],
    ["CKV_AWS_290", () => scoped({ Action: ["ec2:DescribeInstances", "ec2:CreateVpc"], Resource: "*" })],
    ["KICS passRole allows all", () => scoped({ Action: "iam:Pass*", Resource: "*" })],
    ["Prowler iam_no_custom_policy_permissive_role_assumption", () => source({ Action: "sts:AssumeRole", Resource: "*" })],
    ["CKV_AWS_358", () => ciTrust({ StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" } })],
    ["CKV_AWS_79", () => instance((i) => (i.metadata_options = { http_tokens: "optional" }))],
    ["CKV_AWS_8", () => instance((i) => delete i.root_block_device)],
    ["CKV_AWS_88", () => instance((i) => (i.associate_public_ip_address = true))],
    ["CKV_AWS_126", () => instance((i) => (i.monitoring = false))],
  ])("%s flags its violation", async (id, broken) => {
    expect((await evaluate(rule(id), broken())).status).toBe("fail");
  });

  it.each(["*", "repo:*", "repo:acme/*:ref:refs/heads/main", "repo:*/infra:ref:refs/heads/main"])(
    "CKV_AWS_358 flags a GitHub sub condition that leaves owner or repository open: %s",
    async (sub) => {
      expect((await evaluate(rule("CKV_AWS_358"), ciTrust({ StringLike: { "token.actions.githubusercontent.com:sub": sub } }))).status).toBe("fail");
    },
  );

  it("covers every rule with a violation", () => {
    expect(STATIC_RULES).toHaveLength(22);
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
