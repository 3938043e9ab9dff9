import { configValueFields } from "../config-reference";

/**
 * Every config value that reaches an AWS API, with the parameter it becomes,
 * the constraint AWS documents for it and where. The config schema and the
 * cross-field rules enforce these; `docs/api-constraints.md` is generated
 * from this list (`npm run docs:config`), and a test feeds each row's
 * violating value to the config and expects it refused at that field.
 */
export interface ApiConstraint {
  /** The config field, as problems name it (`destinations[0].name`). */
  readonly field: string;
  /** The API call and parameter the value becomes. */
  readonly parameter: string;
  readonly constraint: string;
  /** Where AWS documents it: the API reference page or the quotas page. */
  readonly source: string;
  /** A value AWS would refuse there (JSON), which the config must refuse too. */
  readonly violation: unknown;
  /**
   * Other fields, by dotted path, that make `violation` one AWS refuses (two destinations in two regions for an AMI
   * ID, roles among the principals for MFA). @default - the example config's
   */
  readonly alongside?: Readonly<Record<string, unknown>>;
  /**
   * `model`: what the API's model of the parameter says (length, pattern, range); `service rule`: what the service
   * enforces beyond it (case, reserved names, quotas that grow with the config, references that cannot resolve).
   * @default "model"
   */
  readonly kind?: "model" | "service rule";
  /** AWS's documentation leaves open whether the request fails: the config warns at synth instead of refusing. @default false */
  readonly warned?: boolean;
}

const IAM = "IAM API Reference";
const STS = "STS API Reference";
const EC2 = "EC2 API Reference";
const QUOTAS = "IAM and AWS STS quotas (IAM User Guide)";
const SERVICE = "service rule";
/** The example config's destination, beside which a row's `alongside` puts a second. */
const DESTINATION = { name: "destination", accountId: "222222222222", profile: "destination" };

export const API_CONSTRAINTS: readonly ApiConstraint[] = [
  {
    field: "region",
    parameter: "every client's region",
    constraint: "an AWS region name",
    source: "AWS General Reference, Regions and endpoints",
    violation: "us-east",
  },
  {
    field: "source.accountId",
    parameter: "IAM ARNs (account ID)",
    constraint: "12 digits",
    source: "AWS Account Management Reference",
    violation: "12345",
  },
  {
    field: "destinations[0].accountId",
    parameter: "IAM ARNs (account ID)",
    constraint: "12 digits",
    source: "AWS Account Management Reference",
    violation: 222222222222,
  },
  {
    field: "role.name",
    parameter: "iam:CreateRole RoleName",
    constraint: "1-64 characters of [\\w+=,.@-]",
    source: `${IAM}, CreateRole`,
    violation: "cross account",
  },
  {
    field: "role.path",
    parameter: "iam:CreateRole Path",
    constraint: "`/`, or `/` + 1-510 printable ASCII characters + `/`",
    source: `${IAM}, CreateRole`,
    violation: "no-slashes",
  },
  {
    field: "role.maxSessionDurationSeconds",
    parameter: "iam:CreateRole MaxSessionDuration",
    constraint: "3600-43200 seconds",
    source: `${IAM}, CreateRole`,
    violation: 60,
  },
  {
    field: "role.permissionsBoundaryArn",
    parameter: "iam:CreateRole PermissionsBoundary",
    constraint: "a managed policy ARN",
    source: `${IAM}, CreateRole`,
    violation: "arn:aws:iam::111111111111:role/boundary",
  },
  {
    field: "role.trustedPrincipalArns[0]",
    parameter: "trust policy, aws:PrincipalArn",
    constraint: "the exact ARN of a user or role: optional path, a name of 1-64 [\\w+=,.@-], no wildcard",
    source: `${IAM}, CreateRole; IAM User Guide, aws:PrincipalArn`,
    violation: ["arn:aws:iam::111111111111:role/*"],
  },
  {
    field: "role.trustedPrincipalArns",
    parameter: "iam:CreateRole AssumeRolePolicyDocument",
    constraint: "the trust policy at most 2,048 characters, whitespace not counted (the largest destination's)",
    source: QUOTAS,
    violation: "many",
    kind: SERVICE,
  },
  {
    field: "role.externalId",
    parameter: "sts:AssumeRole ExternalId",
    constraint: "2-1224 characters of [\\w+=,.@:/-]",
    source: `${STS}, AssumeRole`,
    violation: "x",
  },
  {
    field: "role.sessionName",
    parameter: "sts:AssumeRole RoleSessionName",
    constraint: "2-64 characters of [\\w+=,.@-]",
    source: `${STS}, AssumeRole`,
    violation: "two words",
  },
  {
    field: "role.sourceIdentity",
    parameter: "sts:AssumeRole SourceIdentity",
    constraint: "2-64 characters of [\\w+=,.@-]",
    source: `${STS}, AssumeRole`,
    violation: "x",
  },
  {
    field: "role.sessionTags",
    parameter: "sts:AssumeRole Tags",
    constraint: "at most 50; keys 1-128, values up to 256 characters of IAM's tag set, no aws: prefix",
    source: `${STS}, AssumeRole`,
    violation: { "aws:team": "x" },
  },
  {
    field: "role.sourceOrgId",
    parameter: "trust policy, aws:PrincipalOrgID",
    constraint: "o- and 10-32 lowercase letters or digits",
    source: "AWS Organizations API Reference, Organization",
    violation: "o-1",
  },
  {
    field: "source.attachTo.groups[0]",
    parameter: "iam:AttachGroupPolicy GroupName",
    constraint: "1-128 characters of [\\w+=,.@-]",
    source: `${IAM}, AttachGroupPolicy`,
    violation: ["ops team"],
  },
  {
    field: "source.attachTo.roles[0]",
    parameter: "iam:AttachRolePolicy RoleName",
    constraint: "1-64 characters of [\\w+=,.@-]",
    source: `${IAM}, AttachRolePolicy`,
    violation: ["r".repeat(65)],
  },
  {
    field: "source.attachTo.users[0]",
    parameter: "iam:AttachUserPolicy UserName",
    constraint: "1-64 characters of [\\w+=,.@-]",
    source: `${IAM}, AttachUserPolicy`,
    violation: ["u".repeat(65)],
  },
  {
    field: "source.ciOidc.providerUrl",
    parameter: "iam:CreateOpenIDConnectProvider Url",
    constraint: "an https URL of up to 255 characters",
    source: `${IAM}, CreateOpenIDConnectProvider`,
    violation: "http://token.example.com",
  },
  {
    field: "source.ciOidc.subjects",
    parameter: "iam:CreateRole AssumeRolePolicyDocument (each CI role's trust)",
    constraint: "the CI role's trust policy at most 2,048 characters, whitespace not counted, every subject listed",
    source: QUOTAS,
    violation: "many subjects",
    kind: SERVICE,
  },
  {
    field: "source.ciOidc.audience",
    parameter: "iam:CreateOpenIDConnectProvider ClientIDList",
    constraint: "1-255 characters",
    source: `${IAM}, CreateOpenIDConnectProvider`,
    violation: "",
  },
  {
    field: "tags",
    parameter: "iam:CreateRole / CreatePolicy / CreateUser Tags, ec2:CreateTags",
    constraint: "keys 1-128, values up to 256 characters of IAM's tag set, no aws: prefix",
    source: `${IAM}, Tag; ${EC2}, Tag`,
    violation: { "aws:owner": "x" },
  },
  {
    field: "destinations[0].tags",
    parameter: "Tags on one resource",
    constraint: "at most 50, the project's Project and Name included",
    source: `${IAM}, TagRole; ${EC2}, CreateTags`,
    violation: "51 tags",
    kind: SERVICE,
  },
  {
    field: "instance.instanceType",
    parameter: "ec2:RunInstances InstanceType",
    constraint: "an instance type EC2 offers",
    source: `${EC2}, RunInstances`,
    violation: "t3.gigantic",
  },
  {
    field: "instance.ami",
    parameter: "ec2:RunInstances ImageId",
    constraint: "ami- and 8 or 17 hexadecimal digits",
    source: `${EC2}, RunInstances`,
    violation: "ami-xyz",
  },
  {
    field: "instance.subnetId",
    parameter: "ec2:RunInstances SubnetId",
    constraint: "subnet- and 8 or 17 hexadecimal digits",
    source: `${EC2}, RunInstances`,
    violation: "subnet-1",
  },
  {
    field: "instance.rootVolumeSizeGiB",
    parameter: "ec2:RunInstances BlockDeviceMapping Ebs.VolumeSize",
    constraint: "gp3: 1-16384 GiB (the project: 8-16384)",
    source: `${EC2}, EbsBlockDevice`,
    violation: 20000,
  },
  {
    field: "backend.bucket",
    parameter: "s3:CreateBucket Bucket (the state bucket)",
    constraint: "S3's bucket naming rules: 3-63 lowercase letters, digits, dots and hyphens, no reserved prefix or suffix",
    source: "Amazon S3 User Guide, Bucket naming rules",
    violation: "Bad_Bucket",
  },
  {
    field: "backend.keyPrefix",
    parameter: "s3:PutObject Key (<keyPrefix>/<stack>.tfstate)",
    constraint: "safe key characters, no leading or trailing /",
    source: "Amazon S3 User Guide, Naming objects",
    violation: "/leading",
  },
  {
    field: "backend.keyPrefix",
    parameter: "backend s3 key (<keyPrefix>/<stack>.tfstate)",
    constraint: 'no "//": Terraform 1.11\'s S3 backend refuses such a key at init, though S3 would take it',
    source: 'Terraform 1.11\'s S3 backend validation (Value must not contain "//")',
    violation: "team//assume-role",
    kind: SERVICE,
  },
  {
    field: "backend.keyPrefix",
    parameter: "s3:PutObject / GetObject Key (the S3 backend's, and any tool that reads the state)",
    constraint:
      'no "." or ".." segment: S3 stores the key as written, but clients that resolve dot segments as a path read another key; AWS does not document which do: warned',
    source: "Amazon S3 User Guide, Naming objects (object key naming guidelines)",
    violation: "team/../assume-role",
    kind: SERVICE,
    warned: true,
  },
  {
    field: "backend.keyPrefix",
    parameter: "s3:PutObject Key",
    constraint: "every state key at most 1,024 bytes (UTF-8)",
    source: "Amazon S3 User Guide, Naming objects",
    violation: "k".repeat(1001),
    kind: SERVICE,
  },
  {
    field: "backend.roleArn",
    parameter: "sts:AssumeRole RoleArn (the state role)",
    constraint: "an IAM role ARN",
    source: `${STS}, AssumeRole`,
    violation: "role/tf-state",
  },
  {
    field: "destinations[0].region",
    parameter: "provider aws region; backend s3 region",
    constraint:
      "a region hashicorp/aws 5.100.0 and Terraform 1.11's S3 backend know: they refuse ap-southeast-6, me-west-1 and sa-west-1, which AWS's SDK lists",
    source: "hashicorp/aws 5.100.0's and Terraform 1.11's region validation, run by __tests__/e2e/provider-regions.test.ts",
    violation: "me-west-1",
    kind: SERVICE,
  },
  {
    field: "tags",
    parameter: "iam:CreateRole / CreatePolicy / CreateGroup Tags",
    constraint: "keys unique regardless of case (EC2 takes Env and env; IAM refuses them together)",
    source: "IAM User Guide, Rules for tagging in IAM and AWS STS (case sensitivity)",
    violation: { Env: "a", env: "b" },
    kind: SERVICE,
  },
  {
    field: "role.sessionTags",
    parameter: "sts:AssumeRole Tags",
    constraint: "keys unique regardless of case",
    source: `${STS}, AssumeRole (tags are not case sensitive)`,
    violation: { Team: "a", team: "b" },
    kind: SERVICE,
  },
  {
    field: "role.permissionsBoundaryArn",
    parameter: "iam:CreateRole PermissionsBoundary",
    constraint: "a managed policy of the role's own account (every destination's), or an AWS managed policy",
    source: `${IAM}, PutRolePermissionsBoundary; IAM User Guide, Permissions boundaries for IAM entities`,
    violation: "arn:aws:iam::999999999999:policy/boundary",
    kind: SERVICE,
  },
  {
    field: "role.trustedPrincipalArns[0]",
    parameter: "iam:AttachRolePolicy RoleName (the assume-role policy on each trusted role)",
    constraint:
      "not a role AWS keeps for itself: IAM Identity Center's (aws-reserved/, AWSReservedSSO_) or a service-linked role (aws-service-role/): UnmodifiableEntity",
    source: "IAM User Guide, Service-linked roles; IAM Identity Center User Guide, IAM roles created by IAM Identity Center",
    violation: ["arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef"],
    kind: SERVICE,
  },
  {
    field: "source.attachTo.roles[0]",
    parameter: "iam:AttachRolePolicy RoleName",
    constraint: "not a role AWS keeps for itself (AWSReservedSSO_, AWSServiceRoleFor): UnmodifiableEntity",
    source: "IAM User Guide, Service-linked roles; IAM Identity Center User Guide, IAM roles created by IAM Identity Center",
    violation: ["AWSServiceRoleForSupport"],
    kind: SERVICE,
  },
  {
    field: "source.attachTo.roles[0]",
    parameter: "iam:CreateRole RoleName (each destination's CI role, `<role.name>-<destination>-ci`, with source.ciOidc)",
    constraint:
      "not a role the IAM stack creates, in any case: IAM names a role once per account whatever its case and path (EntityAlreadyExists), and the stack attaches the CI role's policy itself",
    source: `IAM User Guide, IAM identifiers (friendly names are unique regardless of case); ${IAM}, CreateRole (EntityAlreadyExists)`,
    violation: ["CROSS-ACCOUNT-EC2-destination-ci"],
    alongside: { "source.ciOidc": { subjects: ["repo:acme/infra:ref:refs/heads/main"] } },
    kind: SERVICE,
  },
  {
    field: "source.attachTo.users[0]",
    parameter: "iam:CreateUser UserName (each destination's user, `<role.name>-<destination>-user`, with source.createUser)",
    constraint:
      "not a user the IAM stack creates, in any case: IAM names a user once per account whatever its case and path (EntityAlreadyExists), and the stack attaches the user's policy itself",
    source: `IAM User Guide, IAM identifiers (friendly names are unique regardless of case); ${IAM}, CreateUser (EntityAlreadyExists)`,
    violation: ["cross-account-ec2-destination-user"],
    alongside: { "source.createUser": true },
    kind: SERVICE,
  },
  {
    field: "source.attachTo.groups",
    parameter: "iam:AttachGroupPolicy (one policy per destination on each group)",
    constraint: "at most 10 managed policies per group, a quota AWS does not raise",
    source: `${QUOTAS}, managed policies attached to an IAM group`,
    violation: "11 destinations",
    kind: SERVICE,
  },
  {
    field: "role.trustedPrincipalArns",
    parameter: "iam:AttachRolePolicy / AttachUserPolicy (one policy per destination on each named principal)",
    constraint: "at most 20 managed policies per user or role with a raised quota (10 by default: a synth warning from 11)",
    source: `${QUOTAS}, managed policies attached to an IAM role or user`,
    violation: "21 destinations",
    kind: SERVICE,
  },
  {
    field: "role.path",
    parameter: "iam:CreateRole Path",
    constraint: "not /aws-reserved/ or /aws-service-role/, AWS's own roles' paths; whether CreateRole refuses them is not documented: warned",
    source: "IAM User Guide, Service-linked roles; IAM Identity Center User Guide, IAM roles created by IAM Identity Center",
    violation: "/aws-service-role/mine/",
    kind: SERVICE,
    warned: true,
  },
  {
    field: "role.name",
    parameter: "iam:CreateRole RoleName",
    constraint:
      "not OrganizationAccountAccessRole or AWSControlTowerExecution, which AWS Organizations and Control Tower create in the accounts they create (EntityAlreadyExists there); an invited account has neither: warned",
    source:
      "AWS Organizations User Guide, Accessing member accounts (OrganizationAccountAccessRole); AWS Control Tower User Guide, AWSControlTowerExecution",
    violation: "OrganizationAccountAccessRole",
    kind: SERVICE,
    warned: true,
  },
  {
    field: "role.name",
    parameter: "iam:CreateRole RoleName",
    constraint: "not AWSReservedSSO_... or AWSServiceRoleFor..., AWS's own roles' names; whether CreateRole refuses them is not documented: warned",
    source: "IAM User Guide, Service-linked roles; IAM Identity Center User Guide, IAM roles created by IAM Identity Center",
    violation: "AWSServiceRoleForCdktf",
    kind: SERVICE,
    warned: true,
  },
  {
    field: "role.trustedPrincipalArns[0]",
    parameter: "trust policy, aws:PrincipalArn (sts:AssumeRole by that principal)",
    constraint: 'not the account\'s root user: STS never lets it assume a role (AccessDenied, "Roles may not be assumed by root accounts")',
    source: `IAM User Guide, Switch to an IAM role (the root user cannot); ${STS}, AssumeRole`,
    violation: ["arn:aws:iam::111111111111:root"],
    kind: SERVICE,
  },
  {
    field: "role.trustedPrincipalArns[0]",
    parameter: "trust policy, aws:PrincipalArn",
    constraint: "a path IAM could create: at most 512 characters",
    source: `${IAM}, CreateRole and CreateUser (Path)`,
    violation: [`arn:aws:iam::111111111111:role/${"p".repeat(511)}/ci`],
    kind: SERVICE,
  },
  {
    field: "role.permissionsBoundaryArn",
    parameter: "iam:CreateRole PermissionsBoundary",
    constraint: "a policy IAM could create: a name of 1-128 [\\w+=,.@-] (no wildcard), a path of at most 512 characters: NoSuchEntity otherwise",
    source: `${IAM}, CreatePolicy (PolicyName, Path)`,
    violation: "arn:aws:iam::aws:policy/Power*",
    kind: SERVICE,
  },
  {
    field: "backend.roleArn",
    parameter: "sts:AssumeRole RoleArn (the state role)",
    constraint: "a role IAM could create: a name of 1-64 [\\w+=,.@-] (no wildcard), a path of at most 512 characters",
    source: `${IAM}, CreateRole (RoleName, Path)`,
    violation: "arn:aws:iam::111111111111:role/state-*",
    kind: SERVICE,
  },
  {
    field: "backend.roleArn",
    parameter: "sts:AssumeRole RoleArn (the state role)",
    constraint: "in the config's partition: credentials of one partition cannot assume a role in another",
    source: "AWS General Reference, Amazon Resource Names (partitions)",
    violation: "arn:aws-us-gov:iam::111111111111:role/state",
    kind: SERVICE,
  },
  {
    field: "instance.ami",
    parameter: "ec2:RunInstances ImageId (every destination's)",
    constraint: "an image of one region: refused when the destinations launch in more than one",
    source: "Amazon EC2 User Guide, Copy an AMI (AMIs are regional)",
    violation: "ami-0123456789abcdef0",
    alongside: { destinations: [DESTINATION, { name: "prod", accountId: "333333333333", region: "eu-west-1" }] },
    kind: SERVICE,
  },
  {
    field: "instance.ami",
    parameter: "ec2:RunInstances ImageId (every destination's)",
    constraint:
      "public, or shared with each destination account (a launch permission); the config cannot tell: warned when several accounts launch it",
    source: "Amazon EC2 User Guide, Share an AMI with specific AWS accounts",
    violation: "ami-0123456789abcdef0",
    alongside: { destinations: [DESTINATION, { name: "prod", accountId: "333333333333" }] },
    kind: SERVICE,
    warned: true,
  },
  {
    field: "instance.subnetId",
    parameter: "ec2:RunInstances SubnetId (every destination's)",
    constraint:
      "a subnet of one region and one account: refused for destinations in more than one region, and for several destinations with the scoped policy, which names each account's own subnet",
    source: "Amazon VPC User Guide, Subnets for your VPC; Share your VPC subnets with other accounts",
    violation: "subnet-0123456789abcdef0",
    alongside: { destinations: [DESTINATION, { name: "prod", accountId: "333333333333" }] },
    kind: SERVICE,
  },
  {
    field: "instance.subnetId",
    parameter: "ec2:RunInstances SubnetId (every destination's)",
    constraint: "with ec2-full-access, shared through AWS RAM with each other destination account; the config cannot tell: warned",
    source: "Amazon VPC User Guide, Share your VPC subnets with other accounts",
    violation: "subnet-0123456789abcdef0",
    alongside: { destinations: [DESTINATION, { name: "prod", accountId: "333333333333" }], "role.permissions": "ec2-full-access" },
    kind: SERVICE,
    warned: true,
  },
  {
    field: "role.requireMfa",
    parameter: "trust policy, aws:MultiFactorAuthPresent (roles of the source account assuming by role chaining)",
    constraint: "AWS does not document whether a role session's MFA carries through role chaining: warned when roles are among the principals",
    source: "IAM User Guide, AWS global condition context keys (aws:MultiFactorAuthPresent); Roles terms and concepts (role chaining)",
    violation: true,
    alongside: { "role.trustedPrincipalArns": ["arn:aws:iam::111111111111:role/ops"] },
    kind: SERVICE,
    warned: true,
  },
  {
    field: "project",
    parameter: "Tags Value of Project on every resource; the scoped policy's aws:ResourceTag/Project",
    constraint: "1-63 letters, digits and _.-, within IAM's and EC2's tag value rules",
    source: `${IAM}, Tag; ${EC2}, Tag`,
    violation: "my project!",
  },
  {
    field: "partition",
    parameter: "every ARN's partition, and every region's",
    constraint: "aws, aws-cn or aws-us-gov: each region the config names must be in it",
    source: "AWS General Reference, Amazon Resource Names (partitions)",
    violation: "aws-iso",
    kind: SERVICE,
  },
  {
    field: "backend.region",
    parameter: "backend s3 region",
    constraint: "a region of the partition, and one Terraform 1.11's S3 backend knows (not ap-southeast-6, me-west-1 or sa-west-1)",
    source: "Terraform 1.11's S3 backend region validation, run by __tests__/e2e/provider-regions.test.ts",
    violation: "me-west-1",
    kind: SERVICE,
  },
  {
    field: "destinations[0].instanceType",
    parameter: "ec2:RunInstances InstanceType (that destination's)",
    constraint: "an instance type EC2 offers",
    source: `${EC2}, RunInstances`,
    violation: "t3.gigantic",
  },
  {
    field: "destinations[0].externalId",
    parameter: "sts:AssumeRole ExternalId (that destination's)",
    constraint: "2-1224 characters of [\\w+=,.@:/-]",
    source: `${STS}, AssumeRole`,
    violation: "x",
  },
  {
    field: "destinations[0].name",
    parameter: "iam:CreateRole RoleName of the CI role (<role.name>-<name>-ci); iam:CreateUser UserName (<role.name>-<name>-user)",
    constraint: "each derived name at most 64 characters",
    source: `${IAM}, CreateRole and CreateUser`,
    violation: "d".repeat(32),
    alongside: { "role.name": "r".repeat(40), "source.ciOidc": { subjects: ["repo:acme/infra:ref:refs/heads/main"] } },
  },
  {
    field: "role.maxMfaAgeSeconds",
    parameter: "trust policy, aws:MultiFactorAuthAge (NumericLessThan)",
    constraint: "1-43200 seconds, and only with role.requireMfa (without MFA the key is absent)",
    source: "IAM User Guide, AWS global condition context keys (aws:MultiFactorAuthAge)",
    violation: 0,
  },
  {
    field: "role.permissions",
    parameter: "iam:PutRolePolicy (scoped-ec2) or iam:AttachRolePolicy AmazonEC2FullAccess (ec2-full-access)",
    constraint: "one of the two policies the project writes",
    source: `${IAM}, PutRolePolicy and AttachRolePolicy`,
    violation: "admin",
  },
  {
    field: "role.requireSessionName",
    parameter: "trust policy, sts:RoleSessionName = ${aws:username}",
    constraint: '"username" only when every principal is a user: a role session has no aws:username, so a role could never assume',
    source: "IAM User Guide, IAM policy elements: variables and tags (aws:username: users only)",
    violation: "username",
    alongside: { "role.trustedPrincipalArns": ["arn:aws:iam::111111111111:role/ops"] },
    kind: SERVICE,
  },
  {
    field: "source.createUser",
    parameter: "iam:CreateUser, then sts:AssumeRole with its access key",
    constraint: "a user that can assume the role: not with role.requireMfa (an access key alone carries no MFA)",
    source: "IAM User Guide, Configuring MFA-protected API access",
    violation: true,
    alongside: { "role.requireMfa": true },
    kind: SERVICE,
  },
  {
    field: "source.ciOidc.createProvider",
    parameter: "iam:CreateOpenIDConnectProvider Url (in each destination's IAM stack)",
    constraint: "an account holds one provider per URL: with more than one destination every IAM stack would create it (EntityAlreadyExists)",
    source: `${IAM}, CreateOpenIDConnectProvider`,
    violation: true,
    alongside: {
      "source.ciOidc.subjects": ["repo:acme/infra:ref:refs/heads/main"],
      destinations: [DESTINATION, { name: "prod", accountId: "333333333333" }],
    },
    kind: SERVICE,
  },
  {
    field: "role.trustedPrincipalArns",
    parameter: "trust policy, aws:PrincipalArn; iam:AttachRolePolicy / AttachUserPolicy (the assume-role policy on each)",
    constraint:
      "each user or role once: IAM names a user or role once per account whatever its path and case (so of two such ARNs only one can exist, and aws:PrincipalArn matches the exact ARN), and names that differ only in +=,.@ share a Terraform resource address",
    source: "IAM User Guide, IAM identifiers (friendly names are unique regardless of case); Terraform, resource names",
    violation: ["arn:aws:iam::111111111111:role/ops", "arn:aws:iam::111111111111:role/Ops"],
    kind: SERVICE,
  },
  {
    field: "instance.instanceType",
    parameter: "ec2:RunInstances InstanceType with ImageId (Canonical's Ubuntu 24.04, HVM, when instance.ami is omitted)",
    constraint: "a type that boots HVM images: not t1, c1, m1 or m2, which boot only paravirtual ones (InvalidParameterCombination)",
    source: "Amazon EC2 User Guide, Linux AMI virtualization types",
    violation: "t1.micro",
    kind: SERVICE,
  },
  {
    field: "instance.instanceType",
    parameter: "ec2:RunInstances InstanceType with ImageId (instance.ami)",
    constraint: "with t1, c1, m1 or m2, an image of paravirtual type; the config cannot tell an image's virtualization type: warned",
    source: "Amazon EC2 User Guide, Linux AMI virtualization types",
    violation: "m1.small",
    alongside: { "instance.ami": "ami-0123456789abcdef0" },
    kind: SERVICE,
    warned: true,
  },
  {
    field: "role.sessionTags",
    parameter: "sts:AssumeRole Tags (the EC2 stack's provider)",
    constraint:
      "within STS's packed space for session tags, whose size AWS does not publish; warned from 80% of it as one published measurement puts it (2,268 characters took 498%)",
    source: `${STS}, AssumeRole (PackedPolicySize); aws-actions/configure-aws-credentials#1898 (the measurement)`,
    violation: Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`T${i + 1}`, "a".repeat(250)])),
    kind: SERVICE,
    warned: true,
  },
  {
    field: "role.permissionsBoundaryArn",
    parameter: "iam:CreateRole PermissionsBoundary (an AWS managed policy)",
    constraint: "the path AWS publishes the policy at (service-role/, job-function/...): NoSuchEntity at another",
    source: "IAM User Guide, AWS managed policies; the published catalogue in lib/data/aws-managed-policies.json",
    violation: "arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole",
    kind: SERVICE,
  },
  {
    field: "role.permissionsBoundaryArn",
    parameter: "every ec2 call of the EC2 stack's role (the boundary caps the role's permissions)",
    constraint:
      "an AWS managed boundary that can allow each action of the scoped policy, RunInstances first, as AWS publishes it: UnauthorizedOperation at the first it never allows",
    source: "IAM User Guide, Permissions boundaries for IAM entities (evaluation); the published documents",
    violation: "arn:aws:iam::aws:policy/ReadOnlyAccess",
    kind: SERVICE,
  },
  {
    field: "role.permissionsBoundaryArn",
    parameter: "iam:CreateRole PermissionsBoundary (an AWS managed policy)",
    constraint: "a policy AWS publishes; one the catalogue of lib/data does not hold may be newer than it: warned, with the name it likely meant",
    source: "IAM User Guide, AWS managed policies; the published catalogue in lib/data/aws-managed-policies.json",
    violation: "arn:aws:iam::aws:policy/ReadOnlyAcess",
    kind: SERVICE,
    warned: true,
  },
  {
    field: "source.ciOidc.providerUrl",
    parameter: "iam:CreateOpenIDConnectProvider Url",
    constraint: 'no port: the reference says the URL "should not contain a port number", not whether IAM refuses one: warned',
    source: `${IAM}, CreateOpenIDConnectProvider`,
    violation: "https://token.actions.githubusercontent.com:8443",
    kind: SERVICE,
    warned: true,
  },
  {
    field: "source.ciOidc.audience",
    parameter: "sts:AssumeRoleWithWebIdentity WebIdentityToken (its aud claim) in partition aws-cn",
    constraint:
      "sts.amazonaws.com.cn, which configure-aws-credentials' README says China regions may need; users report the default refused there: warned",
    source: "configure-aws-credentials README, OIDC audience; configure-aws-credentials#457",
    violation: "sts.amazonaws.com",
    alongside: { partition: "aws-cn", region: "cn-north-1" },
    kind: SERVICE,
    warned: true,
  },
];

/**
 * The fields that reach no AWS parameter a value could break, and why: with API_CONSTRAINTS, every field of the
 * config is accounted for (a test holds the two against the schema).
 */
export const WITHOUT_AWS_CONSTRAINT: Readonly<Record<string, string>> = {
  "source.profile": "not sent: it picks the credentials; every workflow run checks they reach source.accountId before Terraform runs",
  "destinations[].profile": "not sent: it picks the credentials; every workflow run checks they reach the destination's account first",
  "backend.profile": "not sent: it picks the credentials the S3 backend uses",
  "destinations[].retired": "not sent: the workflow skips the destination's deploy",
  "instance.associatePublicIpAddress": "ec2:RunInstances NetworkInterface AssociatePublicIpAddress: a boolean, either is valid",
  "instance.detailedMonitoring": "ec2:RunInstances Monitoring.Enabled: a boolean, either is valid",
  "backend.type": "not sent: it chooses Terraform's backend",
  "backend.directory": "not sent: the local state folder",
  "backend.useLockfile": "the S3 backend's lock object beside the state (a conditional PutObject): a boolean",
  "backend.endpoint": "not a parameter: where the S3 backend sends its calls (an S3-compatible store)",
  "backend.usePathStyle": "not a parameter: how the S3 backend addresses the bucket (a boolean)",
};

/** A row's field as the schema lists it: `destinations[0].name` is `destinations[].name`, `groups[0]` is `groups`. */
export function schemaField(field: string): string {
  return field.replace(/\[0\]$/, "").replace(/\[0\]/g, "[]");
}

/** The table for docs/api-constraints.md. */
export function apiConstraintsTable(): string {
  const cell = (text: string) => text.replace(/\|/g, "\\|");
  return [
    "# What reaches AWS, and the rules it must meet",
    "",
    "Generated from `lib/config/api-constraints.ts` by `npm run docs:config`. Every config value that becomes an AWS API",
    "parameter, the constraint AWS documents for it, and where; the config refuses a value that breaks it, before anything",
    "is written (a test feeds each row's violating value to the config), and the AWS double answers the same values with",
    "AWS's error codes where it serves the API (see docs/aws-double.md).",
    "",
    "Kind: `model` is what the API's model of the parameter says (length, pattern, range); `service rule` is what the service",
    "enforces beyond it (case, reserved names, quotas that grow with the config, references that cannot resolve). Where AWS's",
    "documentation leaves open whether the request fails, the config warns at synth instead of refusing (`warned`).",
    "",
    "| Field | API parameter | Constraint | Kind | Where AWS documents it |",
    "| --- | --- | --- | --- | --- |",
    ...API_CONSTRAINTS.map(
      (r) =>
        `| \`${r.field}\` | ${cell(r.parameter)} | ${cell(r.constraint)} | ${r.kind ?? "model"}${r.warned ? " (warned)" : ""} | ${cell(r.source)} |`,
    ),
    "",
    "## Every field",
    "",
    "Each field of the config, with the rows above that hold it, or why no AWS rule applies to it (a test fails when a",
    "field of the schema is in neither).",
    "",
    "| Field | Rows | Or why none |",
    "| --- | --- | --- |",
    ...configValueFields().map((field) => {
      const rows = API_CONSTRAINTS.filter((r) => schemaField(r.field) === field);
      return `| \`${field}\` | ${rows.length || ""} | ${cell(WITHOUT_AWS_CONSTRAINT[field] ?? "")} |`;
    }),
    "",
  ].join("\n");
}
