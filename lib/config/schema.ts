import { z } from "zod";
import { isKnownInstanceType, needsDedicatedHost } from "../instance-types";
import { IAM_NAME_LIMITS } from "../names";
import { nearestKey } from "./suggest";

/**
 * The configuration contract: one JSON file, validated in full before any
 * construct is created, so a bad value never reaches `cdktf.out`.
 *
 * Every field carries a `.describe()` text: the README's configuration
 * reference is generated from this schema (`npm run docs:config`).
 */

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
/**
 * A user or role (not a group: groups cannot be principals) or the account
 * root, named exactly: an optional path, then a name by IAM's rules
 * (CreateUser, CreateRole: 1-64 of letters, digits and +=,.@_-). Never a
 * pattern: in the trust's aws:PrincipalArn condition a `*` or `?` would match,
 * and `role/*` would trust every role of the account.
 */
export const PRINCIPAL_ARN =
  /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):(root|(?:user|role)(?:\/[\x21-\x29\x2b-\x2e\x30-\x3e\x40-\x7e]+)*\/[\w+=,.@-]{1,64})$/;
const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:role\/[\x21-\x7e]+$/;
const POLICY_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}|aws):policy\/[\x21-\x7e]+$/;

/** Tag key that marks what this project owns; the scoped policy keys on it. */
export const PROJECT_TAG = "Project";

export const PARTITIONS = ["aws", "aws-cn", "aws-us-gov"] as const;
export const PERMISSION_SETS = ["scoped-ec2", "ec2-full-access"] as const;
export const MIN_SESSION_SECONDS = 3600;
export const MAX_SESSION_SECONDS = 43200;

/** `z.strictObject` whose unknown-key error suggests the key a typo meant, and lists the keys that are allowed. */
function strict<T extends z.ZodRawShape>(shape: T) {
  const known = Object.keys(shape);
  const unknown = (key: string) => {
    const meant = nearestKey(key, known);
    return meant ? `"${key}" (did you mean "${meant}"?)` : `"${key}"`;
  };
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys" ? `unknown key(s) ${issue.keys.map(unknown).join(", ")}; allowed keys: ${known.join(", ")}` : undefined,
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

/** GitHub Actions' token issuer: the default provider, and the one whose subjects are checked for owner and repository. */
export const GITHUB_ACTIONS_ISSUER = "https://token.actions.githubusercontent.com";
/** The token audience configure-aws-credentials asks for unless told another. */
export const DEFAULT_OIDC_AUDIENCE = "sts.amazonaws.com";
// IAM's CreateOpenIDConnectProvider: an https URL of up to 255 characters, without query or fragment.
const OIDC_PROVIDER_URL = /^https:\/\/[a-z0-9.-]+(:\d+)?(\/[\w.~-]+)*$/;
// GitHub's subject claim: repo:<owner>/<repository>:<context>; a wildcard in owner or repository trusts others' repositories.
const GITHUB_SUBJECT = /^repo:[\w.-]+\/[\w.-]+:.+$/;

const ciOidcSchema = strict({
  providerUrl: z
    .string()
    .max(255, "must be at most 255 characters (IAM's limit for an OIDC provider URL)")
    .regex(
      OIDC_PROVIDER_URL,
      "must be the issuer's https URL without trailing slash, query or fragment, e.g. https://token.actions.githubusercontent.com",
    )
    .default(GITHUB_ACTIONS_ISSUER)
    .describe("Issuer URL of the CI's OIDC identity provider (GitHub Actions by default)."),
  audience: z
    .string()
    .min(1)
    .max(255, "must be at most 255 characters (IAM's limit for a client ID)")
    .regex(/^[\x21-\x7e]+$/, "must be printable characters without spaces")
    .default(DEFAULT_OIDC_AUDIENCE)
    .describe(
      "The token's `aud` claim the CI role requires, and the CI workflow asks for (configure-aws-credentials' default is sts.amazonaws.com; China regions may need sts.amazonaws.com.cn).",
    ),
  subjects: z
    .array(
      z
        .string()
        .min(1)
        .max(1024)
        .refine((subject) => !/^[*?]+$/.test(subject), "must not be only wildcards: that trusts every workload the provider issues tokens for"),
    )
    .min(1, "must list at least one subject: without one, every workload the provider issues tokens for could assume the CI role")
    .describe(
      "`sub` claims allowed to assume the CI role (StringLike: `*` and `?` allowed), e.g. `repo:acme/infra:ref:refs/heads/main` or `repo:acme/infra:environment:production`.",
    ),
  createProvider: z
    .boolean()
    .default(false)
    .describe(
      "Create the OIDC provider in the source account. Omitted: it must exist already (an account holds one provider per URL) and the IAM stack looks it up.",
    ),
}).superRefine((ci, context) => {
  if (ci.providerUrl !== GITHUB_ACTIONS_ISSUER) return;
  ci.subjects.forEach((subject, index) => {
    if (GITHUB_SUBJECT.test(subject)) return;
    context.addIssue({
      code: "custom",
      path: ["subjects", index],
      input: subject,
      message:
        "must start with repo:<owner>/<repository>: and no wildcard in owner or repository (one there trusts other people's repositories), e.g. repo:acme/infra:ref:refs/heads/main",
    });
  });
});

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
  ciOidc: ciOidcSchema
    .optional()
    .describe(
      "A role per destination in the source account, `<role name>-<destination>-ci`, that CI assumes with its OIDC token (AssumeRoleWithWebIdentity) and whose only right is assuming that destination's role: no long-term key. Omitted: no CI role.",
    ),
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
  region: region.optional().meta({ description: "Region of this destination.", defaultFrom: "the top-level `region`" }),
  instanceType: instanceType.optional().meta({ description: "Instance type for this destination.", defaultFrom: "`instance.instanceType`" }),
  externalId: externalId.optional().meta({ description: "External ID for this destination.", defaultFrom: "`role.externalId`" }),
  tags: tagMap.default({}).describe("Extra tags for this destination's resources, merged over the top-level `tags`."),
  retired: z
    .boolean()
    .default(false)
    .describe(
      "Being taken down: its stacks are still synthesized so `npm run destroy -- <name>` can destroy them, and `npm run deploy` skips them. Remove the destination from the config only once destroyed.",
    ),
});

const roleSchema = strict({
  name: z
    .string()
    .regex(ROLE_NAME, "must be an IAM role name: 1-64 letters, digits and _+=,.@-")
    .describe("Name of the role created in each destination account."),
  path: z.string().regex(IAM_PATH, "must be an IAM path: / or /segment/.../").default("/").describe("IAM path of the role."),
  trustedPrincipalArns: z
    .array(
      z
        .string()
        .regex(
          PRINCIPAL_ARN,
          "must be the exact ARN of an IAM user or role (a name of 1-64 letters, digits and +=,.@_-, no wildcard), e.g. arn:aws:iam::111111111111:role/ci",
        ),
    )
    .default([])
    .describe(
      "Source-account users or roles allowed to assume the role (matched with aws:PrincipalArn); the IAM stack also attaches the assume-role policy to each, since trust alone grants nothing. Empty: every principal of the source account whose own identity policy allows it.",
    ),
  externalId: externalId.optional(),
  requireMfa: z.boolean().default(false).describe("Require aws:MultiFactorAuthPresent on the assuming session."),
  maxMfaAgeSeconds: z
    .number()
    .int("must be a whole number of seconds")
    .min(1, "must be at least 1 second")
    .max(MAX_SESSION_SECONDS, `must be at most ${MAX_SESSION_SECONDS} seconds (12 hours)`)
    .optional()
    .describe(
      "With requireMfa: also require that the MFA sign-in is at most this old (aws:MultiFactorAuthAge), so a day-old session cannot assume the role.",
    ),
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
  requireSessionName: z
    .enum(["username", "sessionName"], 'must be "username" or "sessionName"')
    .optional()
    .describe(
      'Require sts:RoleSessionName, so CloudTrail shows who acted: "username" (the caller\'s IAM user name, ${aws:username}; IAM users only, the EC2 stack and verify send it) or "sessionName" (exactly `role.sessionName`). Omitted: the session name is not checked.',
    ),
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
    // Terraform 1.11's S3 backend refuses such a key at init ('Value must not contain "//"'), though S3 would take it.
    .refine((prefix) => !prefix.includes("//"), 'must not contain "//" (Terraform\'s S3 backend refuses the key)')
    .describe("Key prefix; each stack's state is `<keyPrefix>/<stack>.tfstate`."),
  region: region.describe("Region of the bucket."),
  roleArn: z
    .string()
    .regex(ROLE_ARN, "must be an IAM role ARN")
    .optional()
    .describe("State-access role, separate from the EC2 role. Omitted: the caller's own credentials."),
  profile: profile.optional().meta({ description: "Profile used to reach the state.", defaultFrom: "the source profile" }),
  useLockfile: z.boolean().default(true).describe("S3-native state locking (Terraform >= 1.10)."),
  endpoint: z
    .string()
    .regex(
      /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/[\w./-]*)?$/,
      "must be an http(s) URL of an S3-compatible endpoint, such as https://minio.example.com:9000",
    )
    .optional()
    .describe("S3 endpoint of an S3-compatible store (MinIO, Ceph) reached by hostname; omitted: AWS's own for the region."),
  usePathStyle: z
    .boolean()
    .default(false)
    .describe("Address the bucket as `<endpoint>/<bucket>` rather than `<bucket>.<endpoint>`: most S3-compatible stores need it; AWS does not."),
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
