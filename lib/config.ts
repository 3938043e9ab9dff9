import { readFileSync } from "node:fs";
import { z } from "zod";
import { isKnownInstanceType, needsDedicatedHost } from "./instance-types";
import { assumingUserName, IAM_NAME_LIMITS } from "./names";
import { JsonSyntaxError, parseJsonSource, type JsonSource } from "./json-source";
import { policyJson } from "./policy-document";
import { regionPartition } from "./regions";
import { buildTrustPolicy, TRUST_POLICY_MAX_CHARS } from "./trust-policy";

/**
 * The configuration contract: one JSON file, validated in full before any
 * construct is created, so a bad value never reaches `cdktf.out`.
 *
 * Every field carries a `.describe()` text: the README's configuration
 * reference is generated from this schema (`npm run docs:config`).
 */

/** Where the config is read from unless `ASSUME_ROLE_CONFIG` names another file. */
export const DEFAULT_CONFIG_PATH = "config/default.json";
/** Environment variable that selects another config file. */
export const CONFIG_ENV_VAR = "ASSUME_ROLE_CONFIG";

const ACCOUNT_ID = /^\d{12}$/;
// Commercial (us-east-2), China (cn-north-1), GovCloud (us-gov-west-1) and ISO regions.
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;
const PROFILE = /^[\w+=,.@:/-]{1,128}$/;
// IAM limits, from the CreateRole / AssumeRole API references.
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const IAM_PATH = /^\/([\x21-\x7e]{1,510}\/)?$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const SOURCE_IDENTITY = /^[\w+=,.@-]{2,64}$/;
const DESTINATION_NAME = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$|^[a-z]$/;
const AMI_ID = /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/;
const ORG_ID = /^o-[a-z0-9]{10,32}$/;
const IAM_NAME = /^[\w+=,.@-]{1,128}$/;
const SUBNET_ID = /^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/;
/** A user or role (not a group: groups cannot be principals) or the account root. */
const PRINCIPAL_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):(root|user\/[\x21-\x7e]+|role\/[\x21-\x7e]+)$/;
const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:role\/[\x21-\x7e]+$/;
const POLICY_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}|aws):policy\/[\x21-\x7e]+$/;

/** Tag key that marks what this project owns; the scoped policy keys on it. */
export const PROJECT_TAG = "Project";

export const PARTITIONS = ["aws", "aws-cn", "aws-us-gov"] as const;
export const PERMISSION_SETS = ["scoped-ec2", "ec2-full-access"] as const;
export const MIN_SESSION_SECONDS = 3600;
export const MAX_SESSION_SECONDS = 43200;

/** `z.strictObject` whose unknown-key error lists the keys that are allowed. */
function strict<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys" ? `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(", ")}; allowed keys: ${allowed}` : undefined,
  });
}

const accountId = (what: string) => z.string().regex(ACCOUNT_ID, `must be a 12-digit AWS account ID (${what}), as a string`);
const region = z.string().regex(REGION, "must be an AWS region name such as us-east-2, eu-west-1, cn-north-1 or us-gov-west-1");
const profile = z.string().regex(PROFILE, "must be a profile name from ~/.aws/config (letters, digits and _+=,.@:/-)");
// IAM's tag rules (TagRole, AssumeRole): the resources these tags land on include IAM roles, policies and groups.
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const TAG_CHARACTERS = "letters, digits, spaces and _.:/=+-@ (IAM's rule)";
/** Tags on one resource, as IAM and EC2 limit them. */
export const MAX_TAGS = 50;
const tagMap = z
  .record(
    z
      .string()
      .min(1)
      .max(128)
      .regex(TAG_TEXT, `tag keys may hold only ${TAG_CHARACTERS}`)
      .refine((key) => !key.toLowerCase().startsWith("aws:"), "tag keys must not start with aws: (reserved by AWS)"),
    z.string().max(256, "tag values are at most 256 characters").regex(TAG_TEXT, `tag values may hold only ${TAG_CHARACTERS}`),
  )
  .describe("Tags as a string-to-string map (key 1-128 characters, value up to 256, letters, digits, spaces and _.:/=+-@, no aws: prefix).");
const externalId = z
  .string()
  .regex(EXTERNAL_ID, "must be 2-1224 characters of letters, digits and _+=,.@:/-")
  .describe("Shared secret the assuming side must send as sts:ExternalId. Not a password: it prevents the confused-deputy problem.");
const instanceType = z
  .string()
  .refine(isKnownInstanceType, "is not an EC2 instance type the AWS SDK knows (lib/data/instance-types.json); check the spelling, e.g. t3.micro")
  .refine((type) => !needsDedicatedHost(type), "Mac instances run only on dedicated hosts, which this stack does not allocate");
const iamNames = (what: string, max: number) =>
  z
    .array(
      z
        .string()
        .regex(IAM_NAME, `must be an IAM ${what} name (letters, digits and _+=,.@-)`)
        .max(max, `must be at most ${max} characters (IAM's limit for ${what} names)`),
    )
    .default([]);

const sourceSchema = strict({
  accountId: accountId("the source account").describe("Account whose principals assume the role."),
  profile: profile.optional().describe("AWS CLI profile with credentials of the source account; omitted: the standard credential chain."),
  attachTo: strict({
    groups: iamNames("group", IAM_NAME_LIMITS.group).describe("Existing groups to attach the assume-role policy to."),
    roles: iamNames("role", IAM_NAME_LIMITS.role).describe("Existing roles to attach the assume-role policy to."),
    users: iamNames("user", IAM_NAME_LIMITS.user).describe("Existing users to attach the assume-role policy to."),
  })
    .optional()
    .describe(
      "Where the source-side policy is attached, besides the users and roles named in role.trustedPrincipalArns. When neither names a principal, the IAM stack creates a group `<role name>-<destination>-assumers` and attaches it there.",
    ),
  createUser: z
    .boolean()
    .default(false)
    .describe("Create an unprivileged IAM user with an access key that may only assume the role (long-term key: see the README before enabling)."),
});

const destinationSchema = strict({
  name: z
    .string()
    .regex(DESTINATION_NAME, "must be 1-32 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen")
    .describe("Short unique name; prefixes the stack names (`<name>-iam`, `<name>-ec2`)."),
  accountId: accountId("the destination account").describe("Account where the role and the instance are created."),
  profile: profile
    .optional()
    .describe("Profile with credentials of the destination account, used only to create the role; omitted: the standard credential chain."),
  region: region.optional().describe("Region of this destination. @default the top-level `region`"),
  instanceType: instanceType.optional().describe("Instance type for this destination. @default `instance.instanceType`"),
  externalId: externalId.optional().describe("External ID for this destination. @default `role.externalId`"),
  tags: tagMap.default({}).describe("Extra tags for this destination's resources, merged over the top-level `tags`."),
});

const roleSchema = strict({
  name: z
    .string()
    .regex(ROLE_NAME, "must be an IAM role name: 1-64 letters, digits and _+=,.@-")
    .describe("Name of the role created in each destination account."),
  path: z.string().regex(IAM_PATH, "must be an IAM path: / or /segment/.../").default("/").describe("IAM path of the role."),
  trustedPrincipalArns: z
    .array(z.string().regex(PRINCIPAL_ARN, "must be the ARN of an IAM user or role, e.g. arn:aws:iam::111111111111:role/ci"))
    .default([])
    .describe(
      "Source-account users or roles allowed to assume the role (matched with aws:PrincipalArn); the IAM stack also attaches the assume-role policy to each, since trust alone grants nothing. Empty: every principal of the source account whose own identity policy allows it.",
    ),
  externalId: externalId.optional(),
  requireMfa: z.boolean().default(false).describe("Require aws:MultiFactorAuthPresent on the assuming session."),
  sourceOrgId: z
    .string()
    .regex(ORG_ID, "must be an AWS Organizations ID such as o-a1b2c3d4e5")
    .optional()
    .describe("Require the assuming principal to belong to this organization (aws:PrincipalOrgID)."),
  maxSessionDurationSeconds: z
    .number()
    .int("must be a whole number of seconds")
    .min(MIN_SESSION_SECONDS, `must be between ${MIN_SESSION_SECONDS} and ${MAX_SESSION_SECONDS} seconds (1 to 12 hours)`)
    .max(MAX_SESSION_SECONDS, `must be between ${MIN_SESSION_SECONDS} and ${MAX_SESSION_SECONDS} seconds (1 to 12 hours)`)
    .default(MIN_SESSION_SECONDS)
    .describe("Longest session the role allows."),
  permissions: z
    .enum(PERMISSION_SETS, `must be one of: ${PERMISSION_SETS.join(", ")}`)
    .default("scoped-ec2")
    .describe(
      "`scoped-ec2`: only what Terraform needs for the instance; `ec2-full-access`: AWS-managed AmazonEC2FullAccess (tutorial parity, not least privilege).",
    ),
  permissionsBoundaryArn: z.string().regex(POLICY_ARN, "must be an IAM policy ARN").optional().describe("Permissions boundary set on the role."),
  sessionName: z
    .string()
    .regex(SESSION_NAME, "must be 2-64 letters, digits and _+=,.@-")
    .default("cdktf-assume-role")
    .describe("Role session name the EC2 stack's provider uses (visible in CloudTrail)."),
  sourceIdentity: z
    .string()
    .regex(SOURCE_IDENTITY, "must be 2-64 letters, digits and _+=,.@-")
    .optional()
    .describe("Source identity the EC2 stack sets on its session; the trust policy then requires exactly this sts:SourceIdentity."),
  sessionTags: tagMap
    .refine((tags) => Object.keys(tags).length <= MAX_TAGS, `at most ${MAX_TAGS} session tags (STS's limit)`)
    .default({})
    .describe("Session tags the EC2 stack sends; non-empty: the trust policy allows sts:TagSession."),
});

const instanceSchema = strict({
  instanceType: instanceType.describe("Instance type; also the only type the scoped policy lets the role launch."),
  ami: z
    .string()
    .regex(AMI_ID, "must be an AMI ID such as ami-0123456789abcdef0")
    .optional()
    .describe("AMI to launch. Omitted: the latest Canonical Ubuntu 24.04 LTS image for the instance's architecture."),
  subnetId: z
    .string()
    .regex(SUBNET_ID, "must be a subnet ID such as subnet-0123456789abcdef0")
    .optional()
    .describe(
      "Subnet to launch in, with its VPC's default security group. Omitted: the default VPC's default subnet in the first zone (by name) that offers the instance type.",
    ),
  associatePublicIpAddress: z.boolean().default(false).describe("Give the instance a public IP address."),
  detailedMonitoring: z.boolean().default(true).describe("One-minute CloudWatch metrics (billed)."),
  rootVolumeSizeGiB: z.number().int().min(8, "must be at least 8 GiB").max(16384).optional().describe("Root volume size. Omitted: the AMI's size."),
});

const localBackendSchema = strict({
  type: z.literal("local").describe("State files on this machine."),
  directory: z
    .string()
    .min(1)
    .refine((dir) => !dir.startsWith("/"), "must be relative to the project folder, so state paths do not depend on the machine")
    .default("state")
    .describe("Folder (relative to the project) for state files."),
});

const s3BackendSchema = strict({
  type: z.literal("s3").describe("State in S3, shared by a team."),
  // S3's general purpose bucket naming rules.
  bucket: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      "must be an S3 bucket name: 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit",
    )
    .refine((name) => !name.includes(".."), "must not hold two adjacent dots (S3's rule)")
    .refine((name) => !/^\d+\.\d+\.\d+\.\d+$/.test(name), "must not look like an IP address (S3's rule)")
    .refine(
      (name) => !/^(xn--|sthree-|amzn-s3-demo-)/.test(name) && !/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name),
      "must not use a prefix or suffix S3 reserves (xn--, sthree-, amzn-s3-demo-, -s3alias, --ol-s3, .mrap, --x-s3, --table-s3)",
    )
    .describe("State bucket."),
  keyPrefix: z
    .string()
    .regex(/^[\w!.*'()/-]+$/, "must be an S3 key prefix without leading or trailing slash")
    .refine((prefix) => !prefix.startsWith("/") && !prefix.endsWith("/"), "must not start or end with /")
    .describe("Key prefix; each stack's state is `<keyPrefix>/<stack>.tfstate`."),
  region: region.describe("Region of the bucket."),
  roleArn: z
    .string()
    .regex(ROLE_ARN, "must be an IAM role ARN")
    .optional()
    .describe("State-access role, separate from the EC2 role. Omitted: the caller's own credentials."),
  profile: profile.optional().describe("Profile used to reach the state. @default the source profile"),
  useLockfile: z.boolean().default(true).describe("S3-native state locking (Terraform >= 1.10)."),
});

export const configSchema = strict({
  project: z
    .string()
    .regex(/^[A-Za-z0-9][\w.-]{0,62}$/, "must be 1-63 letters, digits and _.-")
    .default("cdktf-assume-role")
    .describe("Value of the `Project` tag on every resource; the scoped policy only lets the role touch instances that carry it."),
  region: region.describe("Default region for every destination."),
  partition: z
    .enum(PARTITIONS, `must be one of: ${PARTITIONS.join(", ")}`)
    .default("aws")
    .describe("AWS partition of all accounts."),
  source: sourceSchema.describe("The account whose principals assume the role."),
  destinations: z.array(destinationSchema).min(1, "must list at least one destination").describe("One IAM stack and one EC2 stack per destination."),
  role: roleSchema.describe("The role created in every destination account."),
  instance: instanceSchema.describe("The instance each EC2 stack launches."),
  tags: tagMap.default({}).describe("Tags on every resource, through each provider's default_tags."),
  backend: z
    .discriminatedUnion("type", [localBackendSchema, s3BackendSchema], { error: 'must have type "local" or "s3"' })
    .default({ type: "local", directory: "state" }),
});

/** The validated configuration, with defaults filled in. */
export type AppConfig = z.output<typeof configSchema>;
export type Partition = (typeof PARTITIONS)[number];
export type PermissionSet = (typeof PERMISSION_SETS)[number];
export type BackendConfig = AppConfig["backend"];
export type Tags = Readonly<Record<string, string>>;

/** One problem in the configuration: where, what was there, what is allowed. */
export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
}

/** Thrown with every problem of a config at once. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    super(`Invalid configuration in ${source} (${count}):\n${problems.map((p) => `  - ${p.path}: ${p.message}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  return (
    path.reduce<string>((acc, key) => (typeof key === "number" ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), "") || "(root)"
  );
}

function formatValue(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function problemFrom(issue: z.core.$ZodIssue): ConfigProblem {
  const path = formatPath(issue.path);
  if (issue.code === "unrecognized_keys") return { path, message: issue.message };
  // A record key's own reason is nested one level down.
  if (issue.code === "invalid_key")
    return { path, message: `key ${formatValue(issue.input)}: ${issue.issues.map((inner) => inner.message).join("; ")}` };
  if (issue.code === "invalid_type" && issue.input === undefined)
    return { path, message: `is required (${issue.message.replace(/^Invalid input: /, "")})` };
  return { path, message: `got ${formatValue(issue.input)}; ${issue.message.replace(/^Invalid input: /, "")}` };
}

/** Rules that span several fields, checked once the shape is right. */
function crossFieldProblems(config: AppConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seen = new Map<string, number>();
  config.destinations.forEach((destination, index) => {
    const first = seen.get(destination.name);
    if (first !== undefined) {
      problems.push({
        path: `destinations[${index}].name`,
        message: `got "${destination.name}"; names must be unique (also used by destinations[${first}])`,
      });
    } else {
      seen.set(destination.name, index);
    }
    if (destination.accountId === config.source.accountId) {
      problems.push({
        path: `destinations[${index}].accountId`,
        message: `got "${destination.accountId}"; must differ from source.accountId (a cross-account role in the same account is not cross-account)`,
      });
    }
  });
  const regions: [string, string][] = [
    ["region", config.region],
    ...config.destinations.flatMap((d, i): [string, string][] => (d.region ? [[`destinations[${i}].region`, d.region]] : [])),
  ];
  if (config.backend.type === "s3") regions.push(["backend.region", config.backend.region]);
  for (const [path, name] of regions) {
    const actual = regionPartition(name);
    if (actual === undefined) {
      problems.push({
        path,
        message: `got "${name}"; not a region in the AWS SDK's partition data (for example us-east-2 or eu-west-1 in aws, cn-north-1 in aws-cn, us-gov-west-1 in aws-us-gov)`,
      });
    } else if (actual !== config.partition) {
      problems.push({ path, message: `got "${name}"; it belongs to partition "${actual}" but partition is "${config.partition}"` });
    }
  }
  const tagMaps: [string, Record<string, string>][] = [
    ["tags", config.tags],
    ...config.destinations.map((d, i): [string, Record<string, string>] => [`destinations[${i}].tags`, d.tags]),
  ];
  for (const [path, tags] of tagMaps) {
    if (PROJECT_TAG in tags) {
      problems.push({
        path: `${path}.${PROJECT_TAG}`,
        message: `got ${formatValue(tags[PROJECT_TAG])}; the ${PROJECT_TAG} tag is set from "project" (the scoped policy keys on it): set "project" instead`,
      });
    }
  }
  problems.push(
    ...derivedNameProblems(config),
    ...attachToProblems(config),
    ...sharedAccountProblems(config),
    ...tagCountProblems(config),
    ...trustPolicySizeProblems(config),
    ...boundaryPartitionProblems(config),
    ...createdUserProblems(config),
  );
  config.role.trustedPrincipalArns.forEach((arn, index) => {
    const [, partition, account] = PRINCIPAL_ARN.exec(arn) ?? [];
    if (account !== config.source.accountId || partition !== config.partition) {
      problems.push({
        path: `role.trustedPrincipalArns[${index}]`,
        message: `got "${arn}"; must be a principal of the source account ${config.source.accountId} in partition "${config.partition}"`,
      });
    }
  });
  return problems;
}

/**
 * The created user's name must fit IAM's 64 characters: checked with the
 * function that builds it. The policy and group names need no check: with
 * role.name at most 64 and a destination name at most 32 they stay under 128.
 */
function derivedNameProblems(config: AppConfig): ConfigProblem[] {
  if (!config.source.createUser) return [];
  return config.destinations.flatMap((destination, index) => {
    const name = assumingUserName(config.role.name, destination.name);
    if (name.length <= IAM_NAME_LIMITS.user) return [];
    return [
      {
        path: `destinations[${index}].name`,
        message: `got "${destination.name}"; with role.name it makes the user name "${name}" (${name.length} characters), over IAM's limit of ${IAM_NAME_LIMITS.user}: shorten role.name or the destination name`,
      },
    ];
  });
}

/**
 * Each attachTo entry becomes a resource whose address is made from its name
 * with `+=,.@` stripped: a duplicate, or two names that differ only in those,
 * would collide and one principal would silently get no access.
 */
function attachToProblems(config: AppConfig): ConfigProblem[] {
  const attachTo = config.source.attachTo;
  if (!attachTo) return [];
  return (["groups", "roles", "users"] as const).flatMap((kind) => {
    const seen = new Map<string, number>();
    return attachTo[kind].flatMap((name, index): ConfigProblem[] => {
      // IAM names are unique regardless of case; resource addresses drop +=,.@.
      const key = name.toLowerCase().replace(/[+=,.@]/g, "");
      const first = seen.get(key);
      if (first === undefined) {
        seen.set(key, index);
        return [];
      }
      const other = attachTo[kind][first];
      const why = other === name ? "it is listed twice" : `it and "${other}" differ only in case or in +=,.@, which resource addresses drop`;
      return [
        { path: `source.attachTo.${kind}[${index}]`, message: `got "${name}"; ${why} (source.attachTo.${kind}[${first}]): list each principal once` },
      ];
    });
  });
}

/** Every resource gets the merged tags, `Project`, and the instance its `Name`: at most MAX_TAGS in all. */
function tagCountProblems(config: AppConfig): ConfigProblem[] {
  return config.destinations.flatMap((destination, index) => {
    const keys = new Set([...Object.keys(config.tags), ...Object.keys(destination.tags), PROJECT_TAG, "Name"]);
    if (keys.size <= MAX_TAGS) return [];
    return [
      {
        path: `destinations[${index}].tags`,
        message: `with the top-level tags, Project and the instance's Name, destination "${destination.name}" puts ${keys.size} tags on a resource; AWS allows at most ${MAX_TAGS}`,
      },
    ];
  });
}

/** The largest trust policy a destination's role gets, measured as IAM counts it (without whitespace, as policyJson writes it). */
function trustPolicySizeProblems(config: AppConfig): ConfigProblem[] {
  const sized = config.destinations.map((destination) => ({
    name: destination.name,
    size: policyJson(
      buildTrustPolicy(config.partition, config.source.accountId, { ...config.role, externalId: destination.externalId ?? config.role.externalId }),
    ).length,
  }));
  const largest = sized.reduce((a, b) => (b.size > a.size ? b : a));
  if (largest.size <= TRUST_POLICY_MAX_CHARS) return [];
  return [
    {
      path: "role.trustedPrincipalArns",
      message: `got ${config.role.trustedPrincipalArns.length} ARNs; the trust policy of destination "${largest.name}" would be ${largest.size} characters, over IAM's default quota of ${TRUST_POLICY_MAX_CHARS}: name fewer principals, or trust a role they share`,
    },
  ];
}

/**
 * The user `source.createUser` makes signs in with a long-term key alone: it
 * can never present MFA, and it can assume the role only if the trust lets it.
 */
function createdUserProblems(config: AppConfig): ConfigProblem[] {
  if (!config.source.createUser) return [];
  if (config.role.requireMfa) {
    return [
      {
        path: "source.createUser",
        message: "got true; with role.requireMfa the created user could never assume the role (an access key alone carries no MFA): drop one of them",
      },
    ];
  }
  const trusted = config.role.trustedPrincipalArns;
  if (trusted.length === 0) return [];
  const missing = config.destinations
    .map((d) => `arn:${config.partition}:iam::${config.source.accountId}:user/${assumingUserName(config.role.name, d.name)}`)
    .filter((arn) => !trusted.includes(arn));
  if (missing.length === 0) return [];
  return [
    {
      path: "source.createUser",
      message: `got true; role.trustedPrincipalArns does not name the created user, so the trust would refuse it: add ${missing.join(", ")}, or drop createUser`,
    },
  ];
}

/** A permissions boundary of another partition cannot be attached. */
function boundaryPartitionProblems(config: AppConfig): ConfigProblem[] {
  const arn = config.role.permissionsBoundaryArn;
  const partition = arn?.split(":")[1];
  if (!arn || partition === config.partition) return [];
  return [{ path: "role.permissionsBoundaryArn", message: `got "${arn}"; it is in partition "${partition}" but partition is "${config.partition}"` }];
}

/** Each destination creates role.name in its account: two destinations in one account would create the same role twice. */
function sharedAccountProblems(config: AppConfig): ConfigProblem[] {
  const seen = new Map<string, number>();
  return config.destinations.flatMap((destination, index): ConfigProblem[] => {
    const first = seen.get(destination.accountId);
    if (first === undefined) {
      seen.set(destination.accountId, index);
      return [];
    }
    return [
      {
        path: `destinations[${index}].accountId`,
        message: `got "${destination.accountId}"; destinations[${first}] ("${config.destinations[first].name}") is in the same account, and both would create the role "${config.role.name}" there (IAM roles are global to an account): use one destination per account`,
      },
    ];
  });
}

/**
 * Validates raw JSON data against the contract.
 * @param source - where the data came from, for the error message
 * @throws ConfigError listing every problem found
 */
export function parseConfig(data: unknown, source = "configuration"): AppConfig {
  const result = configSchema.safeParse(data, { reportInput: true });
  if (!result.success) throw new ConfigError(source, result.error.issues.map(problemFrom));
  const problems = crossFieldProblems(result.data);
  if (problems.length > 0) throw new ConfigError(source, problems);
  return result.data;
}

/**
 * Reads and validates a config file.
 * @param path - @default `$ASSUME_ROLE_CONFIG`, else `config/default.json`
 */
export function loadConfig(path: string = process.env[CONFIG_ENV_VAR] || DEFAULT_CONFIG_PATH): AppConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : (error as Error).message;
    throw new ConfigError(path, [
      { path: "(file)", message: `cannot read ${path}: ${reason}; set ${CONFIG_ENV_VAR} to a readable JSON file or create ${DEFAULT_CONFIG_PATH}` },
    ]);
  }
  let source: JsonSource;
  try {
    source = parseJsonSource(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    throw new ConfigError(path, [{ path: "(file)", message: error.message }]);
  }
  // A key given twice is a mistake JSON.parse would hide: reported with every other problem.
  const duplicates: ConfigProblem[] = source.duplicates.map((d) => ({
    path: d.path,
    message: `is given twice (line ${d.first.line}, column ${d.first.column} and line ${d.again.line}, column ${d.again.column}); only the last would count: keep one`,
  }));
  let config: AppConfig | undefined;
  let problems: readonly ConfigProblem[] = [];
  try {
    config = parseConfig(source.value, path);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems = error.problems;
  }
  if (duplicates.length > 0 || !config) throw new ConfigError(path, [...duplicates, ...problems]);
  return config;
}
