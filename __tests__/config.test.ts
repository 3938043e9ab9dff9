import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, CROSS_FIELD_RULES, loadConfig, parseConfig, referenceWarnings, type ConfigProblem } from "../lib/config";
import { DESTINATION_ACCOUNT, OTHER_ACCOUNT, rawConfig, SOURCE_ACCOUNT } from "./support/fixtures";
import { withEnv } from "../tools/proof/env";
import { AWS_MANAGED_POLICIES } from "../lib/aws-managed-policies";

type Json = Record<string, unknown>;

function problemsOf(data: unknown): readonly ConfigProblem[] {
  try {
    parseConfig(data, "test.json");
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected the config to be rejected");
}

/** The one problem reported at `path`. */
function problemAt(data: unknown, path: string): string {
  const problems = problemsOf(data);
  const found = problems.filter((p) => p.path === path);
  expect(found).toHaveLength(1);
  return found[0].message;
}

const withRole = (role: Json) => rawConfig({ role: { name: "cross-account-ec2", ...role } });
const withDestination = (destination: Json) => rawConfig({ destinations: [{ name: "destination", accountId: DESTINATION_ACCOUNT, ...destination }] });

describe("parseConfig", () => {
  it("accepts the tutorial shape and fills the defaults", () => {
    // GIVEN / WHEN
    const config = parseConfig(rawConfig());
    // THEN
    expect(config).toMatchObject({
      project: "cdktf-assume-role",
      partition: "aws",
      backend: { type: "local", directory: "state" },
      source: { accountId: SOURCE_ACCOUNT, createUser: false },
      role: { permissions: "scoped-ec2", maxSessionDurationSeconds: 3600, requireMfa: false, trustedPrincipalArns: [], path: "/" },
      instance: { associatePublicIpAddress: false, detailedMonitoring: true },
    });
  });

  it("fails if a field has the wrong type, naming the field and the value", () => {
    const message = problemAt(rawConfig({ source: { accountId: 111111111111 } }), "source.accountId");
    expect(message).toBe('got 111111111111 (a number); expected a string: put it in quotes, "111111111111"');
  });

  it("fails if a required field is missing", () => {
    expect(problemAt(rawConfig({ region: undefined }), "region")).toMatch(/^is required/);
  });

  it("fails if an account ID has 11 digits", () => {
    const message = problemAt(withDestination({ accountId: "22222222222" }), "destinations[0].accountId");
    expect(message).toBe('got "22222222222"; must be a 12-digit AWS account ID (the destination account), as a string');
  });

  it.each(["us-east", "US-EAST-2", "useast2", "us-east-2a"])("fails if the region is %s", (region) => {
    expect(problemAt(rawConfig({ region }), "region")).toBe(
      `got "${region}"; must be an AWS region name such as us-east-2, eu-west-1, cn-north-1 or us-gov-west-1`,
    );
  });

  it("fails if a region belongs to another partition", () => {
    expect(problemAt(rawConfig({ region: "cn-north-1" }), "region")).toBe(
      'got "cn-north-1"; it belongs to partition "aws-cn" but partition is "aws"',
    );
  });

  it("fails if the partition is unknown", () => {
    expect(problemAt(rawConfig({ partition: "aws-iso" }), "partition")).toBe('got "aws-iso"; must be one of: aws, aws-cn, aws-us-gov');
  });

  it("fails if destination names repeat", () => {
    const data = rawConfig({
      destinations: [
        { name: "prod", accountId: "222222222222" },
        { name: "prod", accountId: "333333333333" },
      ],
    });
    expect(problemAt(data, "destinations[1].name")).toBe('got "prod"; names must be unique (also used by destinations[0])');
  });

  it.each(["Prod", "prod-", "1prod", "prod_eu", "a".repeat(33)])("fails if a destination is named %s", (name) => {
    expect(problemAt(withDestination({ name }), "destinations[0].name")).toMatch(/must be 1-32 lowercase letters, digits and hyphens/);
  });

  it("fails if there is no destination", () => {
    expect(problemAt(rawConfig({ destinations: [] }), "destinations")).toBe("got []; must list at least one destination");
  });

  it("fails if a destination is the source account", () => {
    expect(problemAt(withDestination({ accountId: SOURCE_ACCOUNT }), "destinations[0].accountId")).toMatch(
      /^got "111111111111"; must differ from source.accountId/,
    );
  });

  it.each(["arn:aws:iam::111111111111:group/admins", "arn:aws:iam::1111:role/ci", "arn:aws:s3:::bucket", "111111111111"])(
    "fails if a trusted principal ARN is malformed: %s",
    (arn) => {
      expect(problemAt(withRole({ trustedPrincipalArns: [arn] }), "role.trustedPrincipalArns[0]")).toMatch(
        /must be the exact ARN of an IAM user or role/,
      );
    },
  );

  it("fails if a trusted principal is not in the source account", () => {
    expect(problemAt(withRole({ trustedPrincipalArns: ["arn:aws:iam::333333333333:role/ci"] }), "role.trustedPrincipalArns[0]")).toBe(
      'got "arn:aws:iam::333333333333:role/ci"; must be a principal of the source account 111111111111 in partition "aws"',
    );
  });

  it.each([3599, 43201])("fails if the session duration is %i seconds", (seconds) => {
    expect(problemAt(withRole({ maxSessionDurationSeconds: seconds }), "role.maxSessionDurationSeconds")).toBe(
      `got ${seconds}; must be between 3600 and 43200 seconds (1 to 12 hours)`,
    );
  });

  it("fails if the session duration is not whole seconds", () => {
    expect(problemAt(withRole({ maxSessionDurationSeconds: 3600.5 }), "role.maxSessionDurationSeconds")).toBe(
      "got 3600.5; must be a whole number of seconds",
    );
  });

  it("fails if permissions names an unknown set", () => {
    expect(problemAt(withRole({ permissions: "admin" }), "role.permissions")).toBe('got "admin"; must be one of: scoped-ec2, ec2-full-access');
  });

  it("fails if the external ID is too short", () => {
    expect(problemAt(withRole({ externalId: "x" }), "role.externalId")).toMatch(/^got "x"; must be 2-1224 characters/);
  });

  it("fails if a tag key uses the aws: prefix", () => {
    expect(problemAt(rawConfig({ tags: { "aws:owner": "me" } }), "tags.aws:owner")).toBe(
      'key "aws:owner": tag keys must not start with aws: (reserved by AWS)',
    );
  });

  it("fails if tags set the Project tag, which comes from project", () => {
    const data = rawConfig({ tags: { Project: "x" }, destinations: [{ name: "d", accountId: DESTINATION_ACCOUNT, tags: { Project: "y" } }] });
    expect(problemAt(data, "tags.Project")).toBe(
      'got "x"; the Project tag is set from "project" (the scoped policy keys on it): set "project" instead',
    );
    expect(problemAt(data, "destinations[0].tags.Project")).toMatch(/^got "y"; the Project tag is set from "project"/);
  });

  it("fails if the instance type or AMI is malformed", () => {
    const problems = problemsOf(rawConfig({ instance: { instanceType: "micro", ami: "ami-xyz" } }));
    expect(problems.map((p) => p.path)).toEqual(["instance.instanceType", "instance.ami"]);
  });

  it.each([
    ["source.profile", rawConfig({ source: { accountId: SOURCE_ACCOUNT, profile: "my profile" } }), /must be a profile name/],
    ["role.name", withRole({ name: "x".repeat(65) }), /must be an IAM role name/],
    ["role.path", withRole({ path: "automation" }), /must be an IAM path/],
    ["role.sourceOrgId", withRole({ sourceOrgId: "org-1" }), /must be an AWS Organizations ID/],
    ["role.sessionName", withRole({ sessionName: "a b" }), /must be 2-64 letters/],
    ["role.sourceIdentity", withRole({ sourceIdentity: "x" }), /must be 2-64 letters/],
    ["role.permissionsBoundaryArn", withRole({ permissionsBoundaryArn: "arn:aws:iam::222222222222:role/x" }), /must be an IAM policy ARN/],
    ["instance.subnetId", rawConfig({ instance: { instanceType: "t3.micro", subnetId: "sub-1" } }), /must be a subnet ID/],
    ["instance.rootVolumeSizeGiB", rawConfig({ instance: { instanceType: "t3.micro", rootVolumeSizeGiB: 4 } }), /must be at least 8 GiB/],
    ["source.attachTo.groups[0]", rawConfig({ source: { accountId: SOURCE_ACCOUNT, attachTo: { groups: ["a b"] } } }), /must be an IAM group name/],
    [
      "backend.bucket",
      rawConfig({ backend: { type: "s3", bucket: "Bad_Bucket", keyPrefix: "p", region: "us-east-2" } }),
      /must be an S3 bucket name/,
    ],
    [
      "backend.keyPrefix",
      rawConfig({ backend: { type: "s3", bucket: "state", keyPrefix: "p/", region: "us-east-2" } }),
      /must not start or end with \//,
    ],
    [
      "backend.roleArn",
      rawConfig({ backend: { type: "s3", bucket: "state", keyPrefix: "p", region: "us-east-2", roleArn: "role/x" } }),
      /must be an IAM role ARN/,
    ],
  ])("fails if %s is malformed", (path, data, expected) => {
    expect(problemAt(data, path)).toMatch(expected);
  });

  it("fails on unknown keys, suggesting the key a typo meant and listing the allowed ones", () => {
    expect(problemAt(rawConfig({ regoin: "us-east-2" }), "(root)")).toBe(
      'unknown key(s) "regoin" (did you mean "region"?); allowed keys: project, region, partition, source, destinations, role, instance, tags, backend',
    );
    expect(problemAt(withRole({ externalID: "abc" }), "role")).toMatch(
      /^unknown key\(s\) "externalID" \(did you mean "externalId"\?\); allowed keys: name, path, trustedPrincipalArns/,
    );
    // Nothing close: no guess.
    expect(problemAt(rawConfig({ colour: "blue" }), "(root)")).toMatch(/^unknown key\(s\) "colour"; allowed keys/);
  });

  it("fails if a section is named in the singular, suggesting the plural", () => {
    const { destinations, ...rest } = rawConfig();
    const problems = problemsOf({ ...rest, destination: destinations });
    expect(problems).toEqual([
      {
        path: "destinations",
        message: expect.stringMatching(/^is required: a list, such as \[\{ "name": "dev", "accountId": "<12-digit account ID>"/),
      },
      { path: "(root)", message: expect.stringMatching(/^unknown key\(s\) "destination" \(did you mean "destinations"\?\)/) },
    ]);
  });

  it.each(["role", "source", "instance", "region"])("fails if the required section %s is missing, with an example of it", (section) => {
    const rest = Object.fromEntries(Object.entries(rawConfig()).filter(([key]) => key !== section));
    expect(problemAt(rest, section)).toMatch(/^is required: (an object|a string|a list), such as [{["]/);
  });

  it("fails if a section has the wrong type, with an example of it", () => {
    expect(problemAt(rawConfig({ role: "cdktf-assume-role-ec2" }), "role")).toMatch(
      /^got "cdktf-assume-role-ec2" \(a string\); expected an object, such as \{ "name"/,
    );
  });

  it.each([
    [[], "a list"],
    ["text", "a string"],
    [null, "null"],
  ])("fails if the document is %j instead of an object, showing the shape expected", (data, kind) => {
    expect(problemAt(data, "(root)")).toMatch(new RegExp(`^got ${kind}; the config is one JSON object such as \\{ "region": "us-east-2", "source"`));
  });

  it("fails if the backend type is unknown", () => {
    expect(problemAt(rawConfig({ backend: { type: "gcs" } }), "backend.type")).toMatch(/must have type "local" or "s3"|expected one of/);
  });

  it("fails if the local state folder is absolute", () => {
    expect(problemAt(rawConfig({ backend: { type: "local", directory: "/var/state" } }), "backend.directory")).toMatch(/must be relative/);
  });

  it("fails if the S3 backend lacks its bucket", () => {
    expect(problemAt(rawConfig({ backend: { type: "s3", keyPrefix: "p", region: "us-east-2" } }), "backend.bucket")).toMatch(/^is required/);
  });

  it("lists every problem at once", () => {
    // GIVEN a config with three independent mistakes
    const data = rawConfig({ region: "nowhere", instance: { instanceType: "t3.micro", extra: true }, source: { accountId: "1" } });
    // WHEN / THEN all three are reported, each with its path
    expect(problemsOf(data).map((p) => p.path)).toEqual(["region", "source.accountId", "instance"]);
    expect(() => parseConfig(data, "bad.json")).toThrow(/^Invalid configuration in bad.json \(3 problems\):\n {2}- region: got "nowhere"/);
  });
});

describe("parseConfig: limits of the names the stacks derive, and principals that would collide", () => {
  const source = (extra: Json) => ({ accountId: SOURCE_ACCOUNT, profile: "source", ...extra });
  const longRole = "r".repeat(50);

  it("fails if the created user's name would be over IAM's 64 characters", () => {
    // GIVEN role.name (50) + destination (11) + "-" and "-user" = 67
    const data = rawConfig({ role: { name: longRole }, source: source({ createUser: true }) });
    // THEN
    expect(problemAt(data, "destinations[0].name")).toBe(
      `got "destination"; with role.name it makes the user name "${longRole}-destination-user" (67 characters), over IAM's limit of 64: shorten role.name or the destination name`,
    );
  });

  it("accepts the longest role and destination names: the policy and group names stay within IAM's 128", () => {
    const data = rawConfig({ role: { name: "r".repeat(64) }, destinations: [{ name: "d".repeat(32), accountId: DESTINATION_ACCOUNT }] });
    expect(() => parseConfig(data)).not.toThrow();
  });

  it("fails if an attachTo role or user name is over IAM's 64 characters", () => {
    const data = rawConfig({ source: source({ attachTo: { roles: ["x".repeat(65)] } }) });
    expect(problemAt(data, "source.attachTo.roles[0]")).toMatch(/must be at most 64 characters \(IAM's limit for role names\)/);
  });

  it("fails if a group is listed twice, instead of crashing the synth", () => {
    const data = rawConfig({ source: source({ attachTo: { groups: ["ops", "ops"] } }) });
    expect(problemAt(data, "source.attachTo.groups[1]")).toBe('got "ops"; it is listed twice (source.attachTo.groups[0]): list each principal once');
  });

  it("fails if two names differ only in characters resource addresses drop, instead of silently dropping one", () => {
    const data = rawConfig({ source: source({ attachTo: { groups: ["dev.ops", "devops"] } }) });
    expect(problemAt(data, "source.attachTo.groups[1]")).toBe(
      'got "devops"; it and "dev.ops" differ only in case or in +=,.@, which resource addresses drop (source.attachTo.groups[0]): list each principal once',
    );
  });

  it("fails if a trusted principal is listed twice", () => {
    const ops = `arn:aws:iam::${SOURCE_ACCOUNT}:role/ops`;
    expect(problemAt(withRole({ trustedPrincipalArns: [ops, ops] }), "role.trustedPrincipalArns[1]")).toBe(
      `got "${ops}"; it is listed twice (role.trustedPrincipalArns[0]): list each principal once`,
    );
  });

  it.each([
    ["case", "role/ops", "role/Ops", "role"],
    ["path", "user/team-a/alice", "user/team-b/alice", "user"],
  ])("fails if two trusted principals differ only in %s: IAM names one principal once per account, so one could never match", (_, a, b, kind) => {
    const [first, again] = [a, b].map((p) => `arn:aws:iam::${SOURCE_ACCOUNT}:${p}`);
    expect(problemAt(withRole({ trustedPrincipalArns: [first, again] }), "role.trustedPrincipalArns[1]")).toBe(
      `got "${again}"; it names the same ${kind} as "${first}": IAM names each once per account whatever its path and case, so only one can exist, and aws:PrincipalArn matches only the exact ARN (role.trustedPrincipalArns[0]): list each principal once`,
    );
  });

  it("fails if a trusted principal and an attachTo name share a resource address, and takes one principal named in both", () => {
    // GIVEN the role dev.ops in attachTo, and devops (whose address is the same) or dev.ops itself among the trusted principals
    const attach = (arn: string) =>
      rawConfig({ source: source({ attachTo: { roles: ["dev.ops"] } }), role: { name: "r", trustedPrincipalArns: [arn] } });
    // THEN
    expect(problemAt(attach(`arn:aws:iam::${SOURCE_ACCOUNT}:role/devops`), "role.trustedPrincipalArns[0]")).toBe(
      `got "arn:aws:iam::${SOURCE_ACCOUNT}:role/devops"; it and "dev.ops" differ only in case or in +=,.@, which resource addresses drop (source.attachTo.roles[0]): list each principal once`,
    );
    expect(() => parseConfig(attach(`arn:aws:iam::${SOURCE_ACCOUNT}:role/team/dev.ops`))).not.toThrow();
  });

  it("takes a user and a role of the same name: IAM names users and roles apart", () => {
    const principals = ["user/ops", "role/ops"].map((p) => `arn:aws:iam::${SOURCE_ACCOUNT}:${p}`);
    expect(() => parseConfig(withRole({ trustedPrincipalArns: principals }))).not.toThrow();
  });

  describe("the CI role and user the IAM stack creates", () => {
    const ci = { subjects: ["repo:acme/infra:ref:refs/heads/main"] };
    const CI_ROLE = "cross-account-ec2-destination-ci";
    const USER = "cross-account-ec2-destination-user";
    const arn = (principal: string) => `arn:aws:iam::${SOURCE_ACCOUNT}:${principal}`;
    const created = (extra: Json, role: Json = {}, overrides: Json = {}) =>
      rawConfig({ source: source(extra), role: { name: "cross-account-ec2", ...role }, ...overrides });

    it.each([
      [
        "the CI role's own name",
        { ciOidc: ci, attachTo: { roles: [CI_ROLE] } },
        "source.attachTo.roles[0]",
        CI_ROLE,
        `the CI role "${CI_ROLE}"`,
        "Role",
      ],
      [
        "the CI role's name in another case",
        { ciOidc: ci, attachTo: { roles: [CI_ROLE.toUpperCase()] } },
        "source.attachTo.roles[0]",
        CI_ROLE.toUpperCase(),
        `the CI role "${CI_ROLE}"`,
        "Role",
      ],
      ["the created user's name", { createUser: true, attachTo: { users: [USER] } }, "source.attachTo.users[0]", USER, `the user "${USER}"`, "User"],
    ])("fails if source.attachTo names %s: the stack creates it and attaches its policy itself", (_, extra, path, got, what, call) => {
      // GIVEN a principal the IAM stack creates, named again where the policy is attached
      const data = created(extra);
      // THEN it is refused there, naming the created principal and the call that would fail
      expect(problemAt(data, path)).toBe(
        `got "${got}"; the IAM stack creates ${what} of destination "destination" and attaches its policy itself, and IAM names a ${call.toLowerCase()} once per account whatever its case and path (Create${call} fails with EntityAlreadyExists when one exists): leave it out, or change role.name`,
      );
    });

    it("fails if a trusted ARN names the CI role under another path: IAM could not create both", () => {
      const other = arn(`role/ci/${CI_ROLE}`);
      expect(problemAt(created({ ciOidc: ci }, { trustedPrincipalArns: [other] }), "role.trustedPrincipalArns[0]")).toMatch(
        new RegExp(`^got "${other}"; the IAM stack creates the CI role "${CI_ROLE}" of destination "destination" and attaches its policy itself`),
      );
    });

    it.each([
      ["CI role", { ciOidc: ci }, `role/${CI_ROLE}`, "CI"],
      ["user", { createUser: true }, `user/${USER}`, "key"],
    ])(
      "fails if the trust names one destination's %s exactly while there are several: every destination would trust it",
      (kind, extra, principal, reach) => {
        // GIVEN two destinations, and the first one's created principal named in the shared trust
        const destinations = [
          { name: "destination", accountId: DESTINATION_ACCOUNT },
          { name: "prod", accountId: OTHER_ACCOUNT },
        ];
        const data = created(extra, { trustedPrincipalArns: [arn(principal)] }, { destinations });
        // THEN
        expect(problemAt(data, "role.trustedPrincipalArns[0]")).toBe(
          `got "${arn(principal)}"; it is the ${kind} "${principal.split("/")[1]}" of destination "destination", which the IAM stack trusts in its own destination; listed here, every destination would trust it and give it its policy, so one destination's ${reach} could reach them all: leave it out`,
        );
      },
    );

    it("takes the CI role's and the created user's exact ARN with one destination, where it is redundant", () => {
      expect(() => parseConfig(created({ ciOidc: ci }, { trustedPrincipalArns: [arn(`role/${CI_ROLE}`)] }))).not.toThrow();
      expect(() => parseConfig(created({ createUser: true }, { trustedPrincipalArns: [arn(`user/${USER}`)] }))).not.toThrow();
    });

    it("takes those names when the stack creates no such principal, or one of the other kind", () => {
      expect(() => parseConfig(created({ attachTo: { roles: [CI_ROLE], users: [USER] } }))).not.toThrow();
      expect(() => parseConfig(created({ createUser: true, ciOidc: ci, attachTo: { users: [CI_ROLE], roles: [USER] } }))).not.toThrow();
    });

    it("reports a second name for the created user once, as a principal named twice", () => {
      // GIVEN the created user's exact ARN, and the same user in another case
      const again = arn(`user/${USER.toUpperCase()}`);
      const data = created({ createUser: true }, { trustedPrincipalArns: [arn(`user/${USER}`), again] });
      // THEN one problem at the second, from the rule on principals named twice
      expect(problemAt(data, "role.trustedPrincipalArns[1]")).toMatch(/^got ".*"; it names the same user as /);
    });
  });

  it("fails if two destinations are in the same account, where both would create the same role", () => {
    const data = rawConfig({
      destinations: [
        { name: "dev-us", accountId: DESTINATION_ACCOUNT },
        { name: "dev-eu", accountId: DESTINATION_ACCOUNT, region: "eu-west-1" },
      ],
    });
    expect(problemAt(data, "destinations[1].accountId")).toBe(
      `got "${DESTINATION_ACCOUNT}"; destinations[0] ("dev-us") is in the same account, and both would create the role "cross-account-ec2" there (IAM roles are global to an account): use one destination per account`,
    );
  });
});

describe("parseConfig: AWS's limits on tags, session tags, the trust policy and the boundary", () => {
  it.each(["Cost Center!", "a<b>"])("fails if a tag key holds characters IAM refuses: %s", (key) => {
    const problems = problemsOf(rawConfig({ tags: { [key]: "x" } }));
    expect(problems.map((p) => [p.path, p.message])).toEqual([
      [`tags.${key}`, expect.stringContaining("tag keys may hold only letters, digits, spaces and _.:/=+-@ (IAM's rule)")],
    ]);
  });

  it("fails if a tag value holds characters IAM refuses", () => {
    const problems = problemsOf(rawConfig({ tags: { Owner: "alice@example.com; bob" } }));
    expect(problems.map((p) => p.message).join()).toContain("tag values may hold only letters, digits, spaces and _.:/=+-@ (IAM's rule)");
  });

  it("fails if a destination's resources would carry more than 50 tags", () => {
    // GIVEN 40 top-level tags and 9 destination tags: with Project and Name, 51
    const many = (prefix: string, n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, "x"]));
    const data = rawConfig({ tags: many("t", 40), destinations: [{ name: "destination", accountId: DESTINATION_ACCOUNT, tags: many("d", 9) }] });
    expect(problemAt(data, "destinations[0].tags")).toBe(
      'with the top-level tags, Project and the instance\'s Name, destination "destination" puts 51 tags on a resource; AWS allows at most 50',
    );
  });

  it("fails if more than 50 session tags are configured", () => {
    const tags = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"]));
    expect(problemAt(withRole({ sessionTags: tags }), "role.sessionTags")).toContain("at most 50 session tags (STS's limit)");
  });

  it("fails if the trust policy would exceed IAM's 2,048 characters", () => {
    const arns = Array.from({ length: 40 }, (_, i) => `arn:aws:iam::${SOURCE_ACCOUNT}:role/github-actions-deployer-${i}`);
    expect(problemAt(withRole({ trustedPrincipalArns: arns }), "role.trustedPrincipalArns")).toMatch(
      /^got 40 ARNs; the trust policy of destination "destination" would be \d{4} characters, over IAM's default quota of 2048/,
    );
  });

  it.each([
    ["192.168.1.1", "must not look like an IP address (S3's rule)"],
    ["my..bucket", "must not hold two adjacent dots (S3's rule)"],
    ["xn--bucket", "must not use a prefix or suffix S3 reserves"],
  ])("fails if the state bucket is %s", (bucket, rule) => {
    const data = rawConfig({ backend: { type: "s3", bucket, keyPrefix: "state", region: "us-east-2" } });
    expect(problemAt(data, "backend.bucket")).toContain(rule);
  });

  it("fails if the permissions boundary is in another partition", () => {
    expect(problemAt(withRole({ permissionsBoundaryArn: "arn:aws-cn:iam::123456789012:policy/boundary" }), "role.permissionsBoundaryArn")).toBe(
      'got "arn:aws-cn:iam::123456789012:policy/boundary"; it is in partition "aws-cn" but partition is "aws"',
    );
  });
});

describe("parseConfig: the MFA age", () => {
  it("fails if maxMfaAgeSeconds is set without requireMfa", () => {
    expect(problemAt(withRole({ maxMfaAgeSeconds: 3600 }), "role.maxMfaAgeSeconds")).toBe(
      "got 3600; it bounds the age of an MFA sign-in, so it needs role.requireMfa: true",
    );
  });

  it("fails if maxMfaAgeSeconds is over 12 hours", () => {
    expect(problemAt(withRole({ requireMfa: true, maxMfaAgeSeconds: 86400 }), "role.maxMfaAgeSeconds")).toContain(
      "must be at most 43200 seconds (12 hours)",
    );
  });
});

describe("parseConfig: the required session name", () => {
  it("fails if requireSessionName is not one of its values", () => {
    expect(problemAt(withRole({ requireSessionName: "caller" }), "role.requireSessionName")).toContain('must be "username" or "sessionName"');
  });

  it("fails if requireSessionName is username while a role is trusted or attached to: a role session has no aws:username", () => {
    expect(
      problemAt(withRole({ requireSessionName: "username", trustedPrincipalArns: ["arn:aws:iam::111111111111:role/ci"] }), "role.requireSessionName"),
    ).toBe(
      'got "username"; a role\'s session has no aws:username, so role.trustedPrincipalArns entry arn:aws:iam::111111111111:role/ci could never assume the role: use "sessionName", or trust users only',
    );
  });
});

describe("parseConfig: every problem at once", () => {
  it("reports shape and cross-field problems together: a 60 s session, a duplicate destination, a destination in the source account", () => {
    // GIVEN one shape problem (role) and two cross-field problems in fields that are valid on their own (destinations, source)
    const data = rawConfig({
      role: { name: "cross-account-ec2", maxSessionDurationSeconds: 60 },
      destinations: [
        { name: "dev", accountId: DESTINATION_ACCOUNT },
        { name: "dev", accountId: SOURCE_ACCOUNT },
      ],
    });
    // WHEN / THEN all three, the shape problem first
    expect(problemsOf(data).map((p) => p.path)).toEqual(["role.maxSessionDurationSeconds", "destinations[1].name", "destinations[1].accountId"]);
  });

  it("skips a cross-field rule whose fields are themselves invalid, rather than guessing", () => {
    const data = rawConfig({ region: "moon-1", destinations: [{ name: "dev", accountId: DESTINATION_ACCOUNT, region: "eu-west-1" }] });
    expect(problemsOf(data).map((p) => p.path)).toEqual(["region"]);
  });
});

describe("parseConfig: a created user that could never assume the role", () => {
  const creating = (role: Json) =>
    rawConfig({ source: { accountId: SOURCE_ACCOUNT, profile: "source", createUser: true }, role: { name: "cross-account-ec2", ...role } });

  it("fails if the created user would need MFA it can never have", () => {
    expect(problemAt(creating({ requireMfa: true }), "source.createUser")).toBe(
      "got true; with role.requireMfa the created user could never assume the role (an access key alone carries no MFA): drop one of them",
    );
  });

  it("takes a trust that names principals but not the created user: each destination's trust adds its own", () => {
    expect(() => parseConfig(creating({ trustedPrincipalArns: [`arn:aws:iam::${SOURCE_ACCOUNT}:role/ci`] }))).not.toThrow();
  });

  it("accepts a created user that the trust names", () => {
    const arn = `arn:aws:iam::${SOURCE_ACCOUNT}:user/cross-account-ec2-destination-user`;
    expect(() => parseConfig(creating({ trustedPrincipalArns: [arn] }))).not.toThrow();
  });
});

describe("parseConfig: CI's OIDC role", () => {
  const GITHUB_SUBJECT = "repo:acme/infra:ref:refs/heads/main";
  const withCi = (ciOidc: Json, overrides: Json = {}, role: Json = {}) =>
    rawConfig({ source: { accountId: SOURCE_ACCOUNT, ciOidc }, role: { name: "cross-account-ec2", ...role }, ...overrides });

  it("accepts GitHub's issuer and audience by default, with the provider looked up rather than created", () => {
    // GIVEN / WHEN
    const config = parseConfig(withCi({ subjects: [GITHUB_SUBJECT] }));
    // THEN
    expect(config.source.ciOidc).toEqual({
      providerUrl: "https://token.actions.githubusercontent.com",
      audience: "sts.amazonaws.com",
      subjects: [GITHUB_SUBJECT],
      createProvider: false,
    });
  });

  it("fails if no subject is listed: every workload of the provider could assume the role", () => {
    expect(problemAt(withCi({ subjects: [] }), "source.ciOidc.subjects")).toMatch(/^got \[\]; must list at least one subject/);
  });

  it.each(["*", "**?"])("fails if a subject is only wildcards: %s", (subject) => {
    expect(problemAt(withCi({ subjects: [subject], providerUrl: "https://gitlab.com" }), "source.ciOidc.subjects[0]")).toContain(
      "must not be only wildcards",
    );
  });

  it.each(["repo:*", "repo:acme/*:ref:refs/heads/main", "repo:*/infra:*", "acme/infra"])(
    "fails if a GitHub subject leaves the owner or repository open: %s",
    (subject) => {
      expect(problemAt(withCi({ subjects: [GITHUB_SUBJECT, subject] }), "source.ciOidc.subjects[1]")).toBe(
        `got "${subject}"; must start with repo:<owner>/<repository>: and no wildcard in owner or repository (one there trusts other people's repositories), e.g. repo:acme/infra:ref:refs/heads/main`,
      );
    },
  );

  it("accepts another provider's subjects in its own form", () => {
    expect(() =>
      parseConfig(withCi({ providerUrl: "https://gitlab.com", subjects: ["project_path:acme/infra:ref_type:branch:ref:main"] })),
    ).not.toThrow();
  });

  it.each(["http://token.actions.githubusercontent.com", "https://token.actions.githubusercontent.com/", "https://issuer.example.com/?x=1"])(
    "fails if the provider URL is not a plain https issuer URL: %s",
    (providerUrl) => {
      expect(problemAt(withCi({ providerUrl, subjects: ["sub-1"] }), "source.ciOidc.providerUrl")).toContain("must be the issuer's https URL");
    },
  );

  it("fails if the audience holds spaces", () => {
    expect(problemAt(withCi({ audience: "sts amazonaws", subjects: [GITHUB_SUBJECT] }), "source.ciOidc.audience")).toContain(
      "must be printable characters without spaces",
    );
  });

  it("fails if MFA is required: a web identity session carries none", () => {
    expect(problemAt(withCi({ subjects: [GITHUB_SUBJECT] }, {}, { requireMfa: true }), "source.ciOidc")).toBe(
      "is set, but role.requireMfa is true: a CI role's web identity session carries no MFA, so it could never assume the role: drop one of them",
    );
  });

  it("fails if the session name must be the caller's user name: a role session has none", () => {
    expect(problemAt(withCi({ subjects: [GITHUB_SUBJECT] }, {}, { requireSessionName: "username" }), "role.requireSessionName")).toContain(
      "the CI role of source.ciOidc could never assume the role",
    );
  });

  it("fails if every destination's IAM stack would create the one provider an account holds per URL", () => {
    const two = {
      destinations: [
        { name: "one", accountId: DESTINATION_ACCOUNT },
        { name: "two", accountId: "333333333333" },
      ],
    };
    expect(problemAt(withCi({ subjects: [GITHUB_SUBJECT], createProvider: true }, two), "source.ciOidc.createProvider")).toMatch(
      /^got true with 2 destinations; an account holds one OIDC provider per URL/,
    );
    expect(() => parseConfig(withCi({ subjects: [GITHUB_SUBJECT] }, two))).not.toThrow();
  });

  it("fails if S3 state has no role the CI role could assume", () => {
    const s3 = { backend: { type: "s3", bucket: "state-bucket", keyPrefix: "cdktf", region: "us-east-2" } };
    expect(problemAt(withCi({ subjects: [GITHUB_SUBJECT] }, s3), "source.ciOidc")).toMatch(
      /^is set with an S3 backend without backend.roleArn; the CI role may only assume roles/,
    );
    const withStateRole = { backend: { ...s3.backend, roleArn: `arn:aws:iam::${SOURCE_ACCOUNT}:role/state` } };
    expect(() => parseConfig(withCi({ subjects: [GITHUB_SUBJECT] }, withStateRole))).not.toThrow();
  });

  it("fails if the CI role's name would be over IAM's 64 characters", () => {
    expect(problemAt(withCi({ subjects: [GITHUB_SUBJECT] }, {}, { name: "r".repeat(50) }), "destinations[0].name")).toBe(
      `got "destination"; with role.name it makes the CI role name "${"r".repeat(50)}-destination-ci" (65 characters), over IAM's limit of 64: shorten role.name or the destination name`,
    );
  });
});

describe("parseConfig: instance types from data", () => {
  it("fails if the instance type does not exist", () => {
    expect(problemAt(rawConfig({ instance: { instanceType: "foo.bar" } }), "instance.instanceType")).toBe(
      'got "foo.bar"; is not an EC2 instance type the AWS SDK knows (lib/data/instance-types.json); check the spelling, e.g. t3.micro',
    );
  });

  it("fails if a destination asks for a Mac instance, which needs a dedicated host", () => {
    const data = rawConfig({ destinations: [{ name: "destination", accountId: DESTINATION_ACCOUNT, instanceType: "mac2.metal" }] });
    expect(problemAt(data, "destinations[0].instanceType")).toBe(
      'got "mac2.metal"; Mac instances run only on dedicated hosts, which this stack does not allocate',
    );
  });

  it("accepts a1.medium and looks up an arm64 image for it", () => {
    expect(parseConfig(rawConfig({ instance: { instanceType: "a1.medium" } })).instance.instanceType).toBe("a1.medium");
  });
});

describe("parseConfig: regions from the AWS SDK's partition data", () => {
  it.each(["us-fake-9", "eu-east-7"])("fails if the region %s does not exist", (region) => {
    expect(problemAt(rawConfig({ region }), "region")).toBe(
      `got "${region}"; not a region in the AWS SDK's partition data (for example us-east-2 or eu-west-1 in aws, cn-north-1 in aws-cn, us-gov-west-1 in aws-us-gov)`,
    );
  });

  it("fails if a destination's region belongs to another partition", () => {
    const data = rawConfig({ destinations: [{ name: "destination", accountId: DESTINATION_ACCOUNT, region: "us-iso-east-1" }] });
    expect(problemAt(data, "destinations[0].region")).toBe('got "us-iso-east-1"; it belongs to partition "aws-iso" but partition is "aws"');
  });

  it("accepts regions of every partition the project supports", () => {
    expect(() => parseConfig(rawConfig({ region: "mx-central-1" }))).not.toThrow();
    expect(() => parseConfig(rawConfig({ region: "cn-north-1", partition: "aws-cn" }))).not.toThrow();
    expect(() => parseConfig(rawConfig({ region: "us-gov-west-1", partition: "aws-us-gov" }))).not.toThrow();
  });
});

/** What loadConfig says about a file, "" if it accepts it. */
function loadMessage(path: string): string {
  try {
    loadConfig(path);
    return "";
  } catch (error) {
    return (error as Error).message;
  }
}

describe("loadConfig", () => {
  const dir = mkdtempSync(join(tmpdir(), "config-test-"));
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it("reads the example config", () => {
    const config = loadConfig("config/default.json");
    expect(config.destinations).toEqual([expect.objectContaining({ name: "destination", accountId: "222222222222", profile: "destination" })]);
    expect(config.source).toMatchObject({ accountId: "111111111111", profile: "source" });
    expect(config).toMatchObject({ region: "us-east-2", instance: { instanceType: "t3.micro" } });
  });

  it("reads the file named by ASSUME_ROLE_CONFIG", () => {
    const path = write("env.json", JSON.stringify(rawConfig({ region: "eu-west-1" })));
    expect(withEnv({ ASSUME_ROLE_CONFIG: path }, () => loadConfig().region)).toBe("eu-west-1");
  });

  it("fails if the file is missing, saying how to choose another", () => {
    expect(() => loadConfig(join(dir, "missing.json"))).toThrow(/cannot read .*missing.json: file not found; set ASSUME_ROLE_CONFIG/);
  });

  it("fails if the file is not JSON, naming the line and column and showing the line", () => {
    // GIVEN a value missing on line 3
    const path = write("bad.json", '{\n  "region": "us-east-2",\n  "project": }\n');
    // WHEN / THEN
    expect(() => loadConfig(path)).toThrow(
      new ConfigError(path, [
        {
          path: "(file)",
          message:
            'not valid JSON at line 3, column 14: unexpected "}"; expected a value (an object, array, string, number, true, false or null)\n    "project": }\n               ^',
        },
      ]),
    );
  });

  it.each([
    ['{"a": 1,}', "line 1, column 9: a comma before } (JSON allows no trailing comma)"],
    ["{'a': 1}", 'line 1, column 2: expected a key in double quotes, found "\'"'],
    ['{"a": "tab\there"}', "line 1, column 7: a string that is not closed, or holds a raw control character or a bad escape"],
    ['{"a": 1} x', 'line 1, column 10: unexpected "x" after the end of the JSON value'],
    ['{"a": [1 2]}', 'line 1, column 10: expected "," or "]" in a list, found "2"'],
  ])("fails if the file holds %s, saying where", (text, where) => {
    expect(() => loadConfig(write("syntax.json", text))).toThrow(`not valid JSON at ${where}`);
  });

  it("fails if the file is empty, showing the shape expected", () => {
    expect(() => loadConfig(write("empty.json", " \n"))).toThrow(/\(file\): the file is empty; the config is one JSON object such as \{ "region"/);
  });

  it("fails if the file is binary, without echoing it", () => {
    // GIVEN bytes that are not text
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
    const path = join(dir, "binary.json");
    writeFileSync(path, bytes);
    // WHEN
    const message = loadMessage(path);
    // THEN one line, no raw bytes
    expect(message).toBe(
      `Invalid configuration in ${path} (1 problem):\n  - (file): the file is not JSON text (it holds binary data): name a JSON config file`,
    );
  });

  it("fails if the file is far larger than a config, without reading it as one", () => {
    const path = write("huge.json", `{"tags": {"a": "${"x".repeat(2 * 1024 * 1024)}"}}`);
    expect(() => loadConfig(path)).toThrow("(file): the file is 2.0 MiB; a config is a small JSON file (at most 1 MiB): name the right file");
  });

  it("shows at most 100 characters of a long line around a syntax error", () => {
    const path = write("minified.json", `{"tags": {"a": "${"x".repeat(5000)}"} oops}`);
    const message = loadMessage(path);
    expect(message).toContain("line 1, column 5020");
    expect(Math.max(...message.split("\n").map((l) => l.length))).toBeLessThan(200);
    expect(message).toMatch(/…x+"\} oops\}\n {2}\s+\^/);
  });

  it("accepts a byte-order mark", () => {
    const path = write("bom.json", `\uFEFF${JSON.stringify(rawConfig())}`);
    expect(loadConfig(path).region).toBe("us-east-2");
  });

  it("fails if a key is given twice, with both places, together with the other problems", () => {
    // GIVEN region twice (JSON.parse would keep the second silently) and a bad account ID
    const path = write(
      "twice.json",
      JSON.stringify(rawConfig({ source: { accountId: "123" } })).replace('"region":"us-east-2"', '"region":"us-east-2",\n"region":"eu-west-1"'),
    );
    // WHEN
    let problems: readonly ConfigProblem[] = [];
    try {
      loadConfig(path);
    } catch (error) {
      problems = (error as ConfigError).problems;
    }
    // THEN
    expect(problems).toEqual([
      { path: "region", message: "is given twice (line 1, column 2 and line 2, column 1); only the last would count: keep one" },
      expect.objectContaining({ path: "source.accountId" }),
    ]);
  });
});

describe("parseConfig: limits at their exact boundary", () => {
  const tags = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`Key${i}`, "v"]));

  it("accepts 48 tags of one's own (50 with Project and Name), and fails if 49 (51)", () => {
    expect(() => parseConfig(rawConfig({ tags: tags(48) }))).not.toThrow();
    expect(problemAt(rawConfig({ tags: tags(49) }), "destinations[0].tags")).toMatch(/puts 51 tags on a resource; AWS allows at most 50$/);
  });

  it("accepts a derived user name of exactly 64 characters, and fails if 65", () => {
    // role.name + "-destination-user": 47 + 17 = 64
    const roleName = (length: number) => "r".repeat(length);
    const withUser = (length: number) => rawConfig({ source: { accountId: SOURCE_ACCOUNT, createUser: true }, role: { name: roleName(length) } });
    expect(`${roleName(47)}-destination-user`).toHaveLength(64);
    expect(() => parseConfig(withUser(47))).not.toThrow();
    expect(problemAt(withUser(48), "destinations[0].name")).toMatch(/\(65 characters\), over IAM's limit of 64/);
  });

  it("measures the trust policy of the largest destination, not the first", () => {
    // GIVEN a short external ID for the first destination, and one that takes the second's trust over the quota
    const principals = Array.from({ length: 20 }, (_, i) => `arn:aws:iam::${SOURCE_ACCOUNT}:role/deployer-${String(i).padStart(2, "0")}`);
    const data = (external: number) =>
      rawConfig({
        destinations: [
          { name: "small", accountId: DESTINATION_ACCOUNT, externalId: "ab" },
          { name: "large", accountId: OTHER_ACCOUNT, externalId: "x".repeat(external) },
        ],
        role: { name: "cross-account-ec2", trustedPrincipalArns: principals },
      });
    // WHEN the second's trust is pushed past 2,048 characters
    const over = problemsOf(data(1224));
    // THEN it is the one named
    expect(over.map((p) => p.message).join("\n")).toMatch(
      /the trust policy of destination "large" would be \d+ characters, over IAM's default quota of 2048/,
    );
    expect(() => parseConfig(data(2))).not.toThrow();
  });
});

describe("parseConfig: an S3-compatible state store", () => {
  const s3 = (extra: Json) => rawConfig({ backend: { type: "s3", bucket: "state", keyPrefix: "p", region: "us-east-1", ...extra } });

  it("accepts an http(s) endpoint with a host name and port, and path-style addressing", () => {
    expect(parseConfig(s3({ endpoint: "https://minio.example.com:9000", usePathStyle: true })).backend).toMatchObject({ usePathStyle: true });
  });

  it.each(["minio.example.com", "ftp://minio.example.com", "https://minio example.com", "https://"])("fails if the endpoint is %j", (endpoint) => {
    expect(problemAt(s3({ endpoint }), "backend.endpoint")).toMatch(/must be an http\(s\) URL of an S3-compatible endpoint/);
  });

  it("fails if usePathStyle is not a boolean", () => {
    expect(problemAt(s3({ usePathStyle: "yes" }), "backend.usePathStyle")).toMatch(/expected true or false/);
  });
});

describe("parseConfig: a trusted principal is named exactly, never by a pattern", () => {
  const principal = (arn: string) => rawConfig({ role: { name: "cross-account-ec2", trustedPrincipalArns: [arn] } });

  it.each([
    "arn:aws:iam::111111111111:role/*",
    "arn:aws:iam::111111111111:role/ci-*",
    "arn:aws:iam::111111111111:user/?lice",
    "arn:aws:iam::111111111111:role/team*/ci",
    "arn:aws:iam::111111111111:role/has space",
    `arn:aws:iam::111111111111:role/${"r".repeat(65)}`,
    "arn:aws:iam::111111111111:group/ops",
  ])("fails if the ARN is %s", (arn) => {
    expect(problemAt(principal(arn), "role.trustedPrincipalArns[0]")).toMatch(
      /must be the exact ARN of an IAM user or role \(a name of 1-64 letters, digits and \+=,\.@_-, no wildcard\)/,
    );
  });

  it.each([
    "arn:aws:iam::111111111111:role/ci",
    "arn:aws:iam::111111111111:role/teams/platform/ci-deployer",
    `arn:aws:iam::111111111111:user/${"u".repeat(64)}`,
    "arn:aws:iam::111111111111:user/alice@example.com",
  ])("accepts %s", (arn) => {
    expect(() => parseConfig(principal(arn))).not.toThrow();
  });
});

describe("parseConfig: every cross-field rule still runs beside a shape error elsewhere", () => {
  const role = (extra: Json) => ({ role: { name: "cross-account-ec2", ...extra } });
  const source = (extra: Json) => ({ source: { accountId: SOURCE_ACCOUNT, profile: "source", ...extra } });
  const other = `arn:aws:iam::${OTHER_ACCOUNT}:role/ci`;
  const mine = `arn:aws:iam::${SOURCE_ACCOUNT}:role/ci`;
  // One case per entry of CROSS_FIELD_RULES.
  const cases: [string, Json][] = [
    [
      "unique destination names",
      {
        destinations: [
          { name: "dev", accountId: DESTINATION_ACCOUNT },
          { name: "dev", accountId: OTHER_ACCOUNT },
        ],
      },
    ],
    ["destinations outside the source account", { destinations: [{ name: "dev", accountId: SOURCE_ACCOUNT }] }],
    [
      "one destination per account",
      {
        destinations: [
          { name: "dev", accountId: DESTINATION_ACCOUNT },
          { name: "prod", accountId: DESTINATION_ACCOUNT },
        ],
      },
    ],
    ["regions in the partition", { region: "cn-north-1" }],
    ["the Project tag comes from project", { tags: { Project: "other" } }],
    ["derived names within IAM's limits", { ...role({ name: "r".repeat(60) }), ...source({ createUser: true }) }],
    ["each attached principal once", source({ attachTo: { groups: ["ops", "ops"] } })],
    ["no principal the IAM stack creates named again", source({ createUser: true, attachTo: { users: ["cross-account-ec2-destination-user"] } })],
    ["at most 50 tags a resource", { tags: Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, "v"])) }],
    [
      "the trust policy within its quota",
      role({ trustedPrincipalArns: Array.from({ length: 60 }, (_, i) => `${mine}-${String(i).padStart(3, "0")}`) }),
    ],
    ["the boundary in the partition", role({ permissionsBoundaryArn: "arn:aws-cn:iam::111111111111:policy/boundary" })],
    ["a created user that can assume the role", { ...source({ createUser: true }), ...role({ requireMfa: true }) }],
    ["trusted principals in the source account", role({ trustedPrincipalArns: [other] })],
    ["the MFA age needs MFA", role({ maxMfaAgeSeconds: 600 })],
    ["a username session needs users", role({ requireSessionName: "username", trustedPrincipalArns: [mine] })],
    ["CI's OIDC role without MFA", { ...source({ ciOidc: { subjects: ["repo:acme/infra:ref:refs/heads/main"] } }), ...role({ requireMfa: true }) }],
    ["tag keys that differ in more than case", { tags: { Env: "a", env: "b" } }],
    ["a boundary of the role's own account or AWS's", role({ permissionsBoundaryArn: `arn:aws:iam::${OTHER_ACCOUNT}:policy/boundary` })],
    ["no principal AWS keeps for itself", source({ attachTo: { roles: ["AWSReservedSSO_Admin_0123456789abcdef"] } })],
    ["state keys within S3's 1,024 bytes", { backend: { type: "s3", bucket: "org-tf-state", keyPrefix: "k".repeat(1001), region: "us-east-1" } }],
    [
      "at most 10 managed policies on a group",
      {
        ...source({ attachTo: { groups: ["ops"] } }),
        destinations: Array.from({ length: 11 }, (_, i) => ({ name: `d${i}`, accountId: String(300000000000 + i) })),
      },
    ],
    ["ARNs IAM could create", role({ permissionsBoundaryArn: "arn:aws:iam::aws:policy/Power*" })],
    [
      "the state role in the partition",
      { backend: { type: "s3", bucket: "org-tf-state", keyPrefix: "k", region: "us-east-1", roleArn: "arn:aws-cn:iam::111111111111:role/state" } },
    ],
    ["no root user among the trusted", role({ trustedPrincipalArns: [`arn:aws:iam::${SOURCE_ACCOUNT}:root`] })],
    [
      "an AMI of one region",
      {
        instance: { instanceType: "t3.micro", ami: "ami-0123456789abcdef0" },
        destinations: [
          { name: "dev", accountId: DESTINATION_ACCOUNT },
          { name: "prod", accountId: OTHER_ACCOUNT, region: "eu-west-1" },
        ],
      },
    ],
    ["an HVM image's instance type", { instance: { instanceType: "t1.micro" } }],
    [
      "an AWS managed boundary where AWS publishes it, allowing the launch",
      role({ permissionsBoundaryArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }),
    ],
  ];
  // A rule that reads instance is checked beside a shape error in tags instead.
  const shapeError = (violation: Json): Json =>
    "instance" in violation ? { tags: { "aws:reserved": "x" } } : { instance: { instanceType: "t3.micro", extra: true } };

  it("has a case for every cross-field rule", () => {
    expect(cases).toHaveLength(CROSS_FIELD_RULES.length);
  });

  it.each(cases)("%s", (_rule, violation) => {
    // GIVEN a config that breaks the rule, alone and beside a shape error in a field the rule does not read
    const alone = problemsOf(rawConfig(violation));
    const broken = shapeError(violation);
    const together = problemsOf(rawConfig({ ...violation, ...broken }));
    // THEN the rule's problems are reported either way
    expect(alone.length).toBeGreaterThan(0);
    expect(together).toEqual(
      expect.arrayContaining([...alone, expect.objectContaining({ path: expect.stringMatching(`^${Object.keys(broken)[0]}`) })]),
    );
  });
});

describe("parseConfig: the S3 state keys", () => {
  const s3 = (keyPrefix: string) => rawConfig({ backend: { type: "s3", bucket: "org-tf-state", keyPrefix, region: "us-east-1" } });

  it("takes a key prefix whose longest state key is exactly 1,024 bytes, and refuses one byte more", () => {
    // GIVEN the example's destination: "<prefix>/destination-iam.tfstate" adds 24 bytes
    expect(() => parseConfig(s3("k".repeat(1000)))).not.toThrow();
    expect(problemAt(s3("k".repeat(1001)), "backend.keyPrefix")).toContain("1025 bytes long; S3 keys are at most 1024");
  });

  it("fails if the key prefix holds //, which Terraform's S3 backend refuses", () => {
    expect(problemAt(s3("team//assume-role"), "backend.keyPrefix")).toContain('must not contain "//"');
  });
});

describe("parseConfig: CI's OIDC role trust", () => {
  const subjects = (count: number) =>
    rawConfig({
      source: {
        accountId: SOURCE_ACCOUNT,
        profile: "source",
        ciOidc: { subjects: Array.from({ length: count }, (_, i) => `repo:acme/infra:environment:production-${String(i).padStart(3, "0")}`) },
      },
    });

  it("fails if the subjects make each CI role's trust policy larger than IAM's 2,048 characters", () => {
    expect(() => parseConfig(subjects(30))).not.toThrow();
    expect(problemAt(subjects(60), "source.ciOidc.subjects")).toMatch(
      /make each CI role's trust policy \d+ characters \(whitespace not counted\); IAM allows 2048/,
    );
  });
});

describe("parseConfig: AWS's service rules beyond each parameter's model", () => {
  const two = (second: Json) =>
    rawConfig({
      destinations: [
        { name: "dev", accountId: DESTINATION_ACCOUNT },
        { accountId: OTHER_ACCOUNT, ...second },
      ],
    });
  const many = (count: number) => Array.from({ length: count }, (_, i) => ({ name: `d${i}`, accountId: String(300000000000 + i) }));
  const pathsOf = (data: Json) => {
    try {
      parseConfig(data);
      return [];
    } catch (error) {
      return (error as ConfigError).problems.map((p) => p.path);
    }
  };

  it("fails if top-level tag keys differ only in case", () => {
    expect(problemAt(rawConfig({ tags: { Env: "a", env: "b" } }), "tags")).toBe(
      'has "Env" and "env": IAM treats tag keys that differ only in case as one key and refuses both on the role, policy and group (EC2 would take them). Keep one',
    );
  });

  it("fails if a destination's tag differs only in case from a top-level one, Project or Name, each pair named", () => {
    // GIVEN destination tags that clash with the top-level Env, with Project and with Name, and one that only overrides Env
    const data = rawConfig({
      tags: { Env: "prod" },
      destinations: [{ name: "destination", accountId: DESTINATION_ACCOUNT, tags: { env: "dev", project: "x", NAME: "y", Owner: "z" } }],
    });
    const overridden = rawConfig({
      tags: { Env: "prod" },
      destinations: [{ name: "destination", accountId: DESTINATION_ACCOUNT, tags: { Env: "dev" } }],
    });
    // THEN
    expect(
      problemsOf(data)
        .filter((p) => p.path === "destinations[0].tags")
        .map((p) => p.message),
    ).toEqual(
      [
        ["Env", "env"],
        ["Project", "project"],
        ["Name", "NAME"],
      ].map(
        ([a, b]) =>
          `has "${a}" and "${b}" with the top-level tags, Project and Name: IAM treats tag keys that differ only in case as one key and refuses both on the role, policy and group (EC2 would take them). Keep one`,
      ),
    );
    expect(() => parseConfig(overridden)).not.toThrow();
  });

  it("names every key that differs only in case from the first of them", () => {
    expect(problemsOf(rawConfig({ tags: { Env: "a", env: "b", ENV: "c" } })).map((p) => p.message.slice(0, 20))).toEqual([
      'has "Env" and "env":',
      'has "Env" and "ENV":',
    ]);
  });

  it("fails if session tag keys differ only in case", () => {
    expect(problemAt(rawConfig({ role: { name: "cross-account-ec2", sessionTags: { Team: "a", team: "b" } } }), "role.sessionTags")).toBe(
      'has "Team" and "team": STS treats session tag keys that differ only in case as one key and refuses both in one AssumeRole. Keep one',
    );
  });

  it("fails if the permissions boundary belongs to another account than a destination, naming each such destination", () => {
    // GIVEN a boundary in the first destination's account, and a second destination elsewhere
    const boundary = `arn:aws:iam::${DESTINATION_ACCOUNT}:policy/boundary`;
    const data = { ...two({ name: "prod" }), role: { name: "cross-account-ec2", permissionsBoundaryArn: boundary } };
    // THEN
    expect(problemAt(data, "role.permissionsBoundaryArn")).toBe(
      `got "${boundary}", a policy of account ${DESTINATION_ACCOUNT}; a role's permissions boundary must be a managed policy of the role's own account or an AWS managed policy, and "prod" is in ${OTHER_ACCOUNT}. Use an AWS managed policy, or create the boundary policy in every destination account (per-destination boundaries are not supported)`,
    );
  });

  it.each([
    ["in the destination's own account", `arn:aws:iam::${DESTINATION_ACCOUNT}:policy/boundary`],
    ["managed by AWS", "arn:aws:iam::aws:policy/PowerUserAccess"],
  ])("takes a permissions boundary %s", (_where, arn) => {
    expect(() => parseConfig(rawConfig({ role: { name: "cross-account-ec2", permissionsBoundaryArn: arn } }))).not.toThrow();
  });

  it("reports a boundary of another partition once, as the partition's problem", () => {
    const data = rawConfig({ role: { name: "cross-account-ec2", permissionsBoundaryArn: `arn:aws-cn:iam::${OTHER_ACCOUNT}:policy/boundary` } });
    expect(problemAt(data, "role.permissionsBoundaryArn")).toContain('it is in partition "aws-cn" but partition is "aws"');
  });

  it("fails if a trusted or attached role is one AWS keeps for itself, at its index, saying what to do instead", () => {
    // GIVEN an ordinary trusted role, then IAM Identity Center's; and a service-linked role to attach to
    const sso = `arn:aws:iam::${SOURCE_ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef`;
    const data = rawConfig({
      role: { name: "cross-account-ec2", trustedPrincipalArns: [`arn:aws:iam::${SOURCE_ACCOUNT}:role/ci`, sso] },
      source: { accountId: SOURCE_ACCOUNT, profile: "source", attachTo: { roles: ["deployer", "AWSServiceRoleForSupport"] } },
    });
    const advice =
      "AWS refuses any policy attached to the roles it keeps for itself (IAM Identity Center's AWSReservedSSO_ roles, service-linked roles): grant sts:AssumeRole on the role in the permission set instead, and leave this role out";
    // THEN
    expect(problemAt(data, "role.trustedPrincipalArns[1]")).toBe(`got "${sso}"; ${advice}`);
    expect(problemAt(data, "source.attachTo.roles[1]")).toBe(`got "AWSServiceRoleForSupport"; ${advice}`);
    expect(pathsOf(data)).not.toContain("role.trustedPrincipalArns[0]");
    expect(pathsOf(data)).not.toContain("source.attachTo.roles[0]");
  });

  it.each([
    [`arn:aws:iam::${SOURCE_ACCOUNT}:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport`, true],
    // AWS's own SSO and service-linked roles always have their path: the name alone is a role of the account's.
    [`arn:aws:iam::${SOURCE_ACCOUNT}:role/AWSReservedSSO_Admin_0123456789abcdef`, false],
    [`arn:aws:iam::${SOURCE_ACCOUNT}:role/team/aws-reserved/deployer`, false],
    [`arn:aws:iam::${SOURCE_ACCOUNT}:role/deployer-AWSServiceRoleFor`, false],
  ])("reads %s as a role AWS keeps for itself: %s", (arn, protectedRole) => {
    const data = rawConfig({ role: { name: "cross-account-ec2", trustedPrincipalArns: [arn] } });
    expect(pathsOf(data).includes("role.trustedPrincipalArns[0]")).toBe(protectedRole);
  });

  it("takes 10 destinations attaching to one group and refuses 11, a quota AWS does not raise", () => {
    const withGroup = (count: number) =>
      rawConfig({ source: { accountId: SOURCE_ACCOUNT, profile: "source", attachTo: { groups: ["ops"] } }, destinations: many(count) });
    expect(() => parseConfig(withGroup(10))).not.toThrow();
    expect(problemAt(withGroup(11), "source.attachTo.groups")).toBe(
      "each of the 11 destinations attaches its own managed policy to every group listed here, and IAM attaches at most 10 managed policies to a group (a quota AWS does not raise): split the destinations over several configs, or name users or roles",
    );
  });

  it("takes 20 destinations attaching to one user or role and refuses 21, at the field that names them", () => {
    const trusted = (count: number) =>
      rawConfig({ role: { name: "cross-account-ec2", trustedPrincipalArns: [`arn:aws:iam::${SOURCE_ACCOUNT}:role/ci`] }, destinations: many(count) });
    const attached = rawConfig({
      source: { accountId: SOURCE_ACCOUNT, profile: "source", attachTo: { users: ["deployer"] } },
      destinations: many(21),
    });
    const message =
      "each of the 21 destinations attaches its own managed policy to every user and role named, and IAM attaches at most 20 managed policies to a user or role even with a raised quota: split the destinations over several configs, or attach to groups";
    expect(() => parseConfig(trusted(20))).not.toThrow();
    expect(problemAt(trusted(21), "role.trustedPrincipalArns")).toBe(message);
    expect(problemAt(attached, "source.attachTo")).toBe(message);
    expect(() => parseConfig(rawConfig({ destinations: many(21) }))).not.toThrow();
  });

  it("fails if a region is one the pinned provider does not know, saying so", () => {
    expect(problemAt(rawConfig({ region: "me-west-1" }), "region")).toBe(
      'got "me-west-1"; AWS\'s SDK lists it, but hashicorp/aws 5.100.0 (the provider these stacks pin) and Terraform\'s S3 backend do not know it yet and refuse it ("invalid AWS Region"): use another region until the provider is upgraded',
    );
  });
});

describe("parseConfig: references that cannot resolve", () => {
  const s3 = (roleArn: string) =>
    rawConfig({ backend: { type: "s3", bucket: "org-tf-state", keyPrefix: "assume-role", region: "us-east-2", roleArn } });
  const inRegions = (instance: Json, second: Json = { region: "eu-west-1" }, role: Json = { name: "cross-account-ec2" }) =>
    rawConfig({
      instance: { instanceType: "t3.micro", ...instance },
      role,
      destinations: [
        { name: "dev", accountId: DESTINATION_ACCOUNT },
        { name: "prod", accountId: OTHER_ACCOUNT, ...second },
      ],
    });
  const longPath = `/${"p".repeat(511)}/`;

  it("fails if a trusted principal is the account's root user, which STS never lets assume a role", () => {
    const root = `arn:aws:iam::${SOURCE_ACCOUNT}:root`;
    expect(problemAt(withRole({ trustedPrincipalArns: [`arn:aws:iam::${SOURCE_ACCOUNT}:role/ci`, root] }), "role.trustedPrincipalArns[1]")).toBe(
      `got "${root}"; that is the account's root user, and STS refuses AssumeRole to it ("Roles may not be assumed by root accounts"): to let every principal of the source account that its own policies allow, leave role.trustedPrincipalArns empty; otherwise name users or roles`,
    );
  });

  it.each([
    ["instance.instanceType", { instanceType: "t1.micro" }, {}],
    ["destinations[1].instanceType", { instanceType: "t3.micro" }, { region: "us-east-2", instanceType: "m1.small" }],
  ])("fails if %s boots only paravirtual images and no instance.ami is given: the Ubuntu image looked up is HVM", (path, instance, second) => {
    const type = path === "instance.instanceType" ? "t1.micro" : "m1.small";
    expect(problemAt(inRegions(instance, second), path)).toBe(
      `got "${type}"; that previous-generation type boots only paravirtual (PV) images, and without instance.ami the stack launches Canonical's Ubuntu 24.04, an HVM image, which RunInstances refuses on it (InvalidParameterCombination): choose a current-generation type such as t3.micro`,
    );
  });

  it("warns, without refusing, when a paravirtual-only type is given its own image: the config cannot tell the image's virtualization type", () => {
    // GIVEN m1.small with an explicit AMI, once for the destinations that take instance.instanceType
    const config = parseConfig(inRegions({ instanceType: "m1.small", ami: "ami-0123456789abcdef0" }, { region: "us-east-2" }));
    // THEN
    expect(referenceWarnings(config).filter((w) => w.includes("paravirtual"))).toEqual([
      'instance.instanceType "m1.small" boots only paravirtual (PV) images: instance.ami "ami-0123456789abcdef0" must be one, or RunInstances refuses the pair (InvalidParameterCombination); the config cannot tell an image\'s virtualization type',
    ]);
  });

  it("fails if an AWS managed boundary is named at another path than AWS publishes it at, naming the right ARN", () => {
    const wrong = "arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole";
    expect(problemAt(withRole({ permissionsBoundaryArn: wrong }), "role.permissionsBoundaryArn")).toBe(
      `got "${wrong}"; AWS publishes that policy as arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole, and IAM finds a managed policy only at its path: use that ARN`,
    );
  });

  it("fails if an AWS managed boundary never allows ec2:RunInstances: the role could never launch the instance", () => {
    const readOnly = "arn:aws:iam::aws:policy/ReadOnlyAccess";
    expect(problemAt(withRole({ permissionsBoundaryArn: readOnly }), "role.permissionsBoundaryArn")).toBe(
      `got "${readOnly}"; as AWS publishes it (${AWS_MANAGED_POLICIES.asOf}), that policy never allows ec2:RunInstances, which the EC2 stack's role calls, and a boundary caps all the role may do: choose a boundary that allows them (AmazonEC2FullAccess, or a policy of the destination account), or none`,
    );
  });

  it("fails if an AWS managed boundary allows the launch but never what follows it, naming each action", () => {
    const message = problemAt(withRole({ permissionsBoundaryArn: "arn:aws:iam::aws:policy/AmazonECS_FullAccess" }), "role.permissionsBoundaryArn");
    expect(message).toContain("that policy never allows ec2:CreateTags, ec2:StopInstances,");
    expect(message).toContain("ec2:TerminateInstances");
    expect(message).not.toContain("ec2:RunInstances");
  });

  it.each(["AmazonEC2FullAccess", "PowerUserAccess", "AdministratorAccess"])(
    "takes the AWS managed boundary %s, which allows every call of the scoped policy",
    (name) => {
      const config = parseConfig(withRole({ permissionsBoundaryArn: `arn:aws:iam::aws:policy/${name}` }));
      expect(referenceWarnings(config)).toEqual([]);
    },
  );

  it("warns, without refusing, of an AWS managed boundary the published catalogue does not hold, with the name it likely meant", () => {
    const config = parseConfig(withRole({ permissionsBoundaryArn: "arn:aws:iam::aws:policy/ReadOnlyAcess" }));
    expect(referenceWarnings(config)).toEqual([
      `role.permissionsBoundaryArn "arn:aws:iam::aws:policy/ReadOnlyAcess" is not among the ${Object.keys(AWS_MANAGED_POLICIES.paths).length} AWS managed policies published as of ${AWS_MANAGED_POLICIES.asOf} (did you mean ReadOnlyAccess?): CreateRole refuses a boundary that does not exist (NoSuchEntity); check the name, unless AWS published it since`,
    ]);
  });

  it("fails if a trusted principal's path is longer than any IAM could create, and takes the longest it could", () => {
    // GIVEN paths of 513 and 512 characters
    const tooLong = `arn:aws:iam::${SOURCE_ACCOUNT}:role${longPath}ci`;
    const longest = `arn:aws:iam::${SOURCE_ACCOUNT}:role/${"p".repeat(510)}/ci`;
    // THEN
    expect(problemAt(withRole({ trustedPrincipalArns: [tooLong] }), "role.trustedPrincipalArns[0]")).toBe(
      `got "${tooLong}"; its path is 513 characters, and IAM paths are at most 512, so nothing can match it`,
    );
    expect(() => parseConfig(withRole({ trustedPrincipalArns: [longest] }))).not.toThrow();
  });

  it.each([
    [
      "a wildcard in its name",
      "arn:aws:iam::aws:policy/Power*",
      'its policy name "Power*" is not one IAM could create (1-128 letters, digits and _+=,.@-)',
    ],
    ["a name of 129 characters", `arn:aws:iam::${DESTINATION_ACCOUNT}:policy/${"b".repeat(129)}`, `its policy name "${"b".repeat(129)}" is not one`],
    ["no name at all", `arn:aws:iam::${DESTINATION_ACCOUNT}:policy/boundaries/`, 'its policy name "" is not one'],
    ["a path of 513 characters", `arn:aws:iam::${DESTINATION_ACCOUNT}:policy${longPath}boundary`, "its path is 513 characters"],
  ])("fails if the permissions boundary has %s", (_what, arn, why) => {
    expect(problemAt(withRole({ permissionsBoundaryArn: arn }), "role.permissionsBoundaryArn")).toContain(`got "${arn}"; ${why}`);
  });

  it("takes a boundary whose name is 128 characters, under a path", () => {
    const arn = `arn:aws:iam::${DESTINATION_ACCOUNT}:policy/boundaries/${"b".repeat(128)}`;
    expect(() => parseConfig(withRole({ permissionsBoundaryArn: arn }))).not.toThrow();
  });

  it.each([
    [
      "a name of 65 characters",
      `arn:aws:iam::${SOURCE_ACCOUNT}:role/${"s".repeat(65)}`,
      `its role name "${"s".repeat(65)}" is not one IAM could create (1-64`,
    ],
    ["a wildcard in its name", `arn:aws:iam::${SOURCE_ACCOUNT}:role/state-*`, 'its role name "state-*" is not one'],
    ["a path of 513 characters", `arn:aws:iam::${SOURCE_ACCOUNT}:role${longPath}state`, "its path is 513 characters"],
  ])("fails if the state role has %s", (_what, arn, why) => {
    expect(problemAt(s3(arn), "backend.roleArn")).toContain(`got "${arn}"; ${why}`);
  });

  it("fails if the state role is in another partition, and takes one in the config's", () => {
    const arn = `arn:aws-us-gov:iam::${SOURCE_ACCOUNT}:role/state`;
    expect(problemAt(s3(arn), "backend.roleArn")).toBe(
      `got "${arn}"; it is in partition "aws-us-gov" but partition is "aws", and credentials of one partition cannot assume a role in another`,
    );
    expect(() => parseConfig(s3(`arn:aws:iam::${SOURCE_ACCOUNT}:role/team/state`))).not.toThrow();
  });

  it("fails if an AMI ID is given for destinations in more than one region, naming each region's destinations", () => {
    expect(problemAt(inRegions({ ami: "ami-0123456789abcdef0" }), "instance.ami")).toBe(
      'got "ami-0123456789abcdef0"; an AMI ID names an image in one region, and the destinations launch in 2 (dev in us-east-2; prod in eu-west-1): omit instance.ami (each destination then finds Canonical\'s Ubuntu image in its own region), or split the destinations by region',
    );
  });

  it("fails if a subnet ID is given for destinations in more than one region", () => {
    expect(problemAt(inRegions({ subnetId: "subnet-0123456789abcdef0" }), "instance.subnetId")).toBe(
      'got "subnet-0123456789abcdef0"; a subnet lies in one availability zone of one region, and the destinations launch in 2 (dev in us-east-2; prod in eu-west-1): omit instance.subnetId (each destination then uses its default VPC), or split the destinations by region',
    );
  });

  it("fails if one subnet ID is given for several destinations with the scoped policy, which names each account's own subnet", () => {
    expect(problemAt(inRegions({ subnetId: "subnet-0123456789abcdef0" }, {}), "instance.subnetId")).toBe(
      'got "subnet-0123456789abcdef0" for 2 destinations in 2 accounts; a subnet belongs to one account, and the scoped policy lets each destination\'s role launch only into a subnet of its own account: omit instance.subnetId, or give each destination its own config',
    );
  });

  it("takes an AMI and a subnet for one destination, and an AMI for several in one region, warning only about sharing", () => {
    // GIVEN
    const single = rawConfig({ instance: { instanceType: "t3.micro", ami: "ami-0123456789abcdef0", subnetId: "subnet-0123456789abcdef0" } });
    const shared = inRegions({ ami: "ami-0123456789abcdef0" }, {});
    const fullAccess = inRegions({ subnetId: "subnet-0123456789abcdef0" }, {}, { name: "cross-account-ec2", permissions: "ec2-full-access" });
    // THEN
    expect(referenceWarnings(parseConfig(single))).toEqual([]);
    expect(referenceWarnings(parseConfig(shared))).toEqual([
      'instance.ami "ami-0123456789abcdef0" is launched in 2 destination accounts: RunInstances refuses it in each account it is neither public in nor shared with (a launch permission): check it is',
    ]);
    expect(referenceWarnings(parseConfig(fullAccess))).toEqual([
      'instance.subnetId "subnet-0123456789abcdef0" is used by 2 destination accounts: a subnet belongs to one, so the others can launch into it only if it is shared with them through AWS RAM: check it is',
    ]);
  });

  it("warns, without refusing, when MFA is required of roles, which reach it by role chaining", () => {
    const trusted = `arn:aws:iam::${SOURCE_ACCOUNT}:role/ops`;
    const users = withRole({ requireMfa: true, trustedPrincipalArns: [`arn:aws:iam::${SOURCE_ACCOUNT}:user/alice`] });
    const roles = rawConfig({
      role: { name: "cross-account-ec2", requireMfa: true, trustedPrincipalArns: [trusted] },
      source: { accountId: SOURCE_ACCOUNT, attachTo: { roles: ["deployer"] } },
    });
    expect(referenceWarnings(parseConfig(users))).toEqual([]);
    expect(referenceWarnings(parseConfig(roles))).toEqual([
      `role.requireMfa "true" with roles among the principals (${trusted}, deployer): their sessions reach the role by role chaining, and AWS does not document whether aws:MultiFactorAuthPresent is set then; if it is not, they can never assume the role: try one before relying on it`,
    ]);
  });
});
