import { AWS_MANAGED_POLICIES, lookUpAwsManagedPolicy } from "../aws-managed-policies";
import { runsOnlyParavirtual } from "../instance-types";
import type { ConfigProblem } from "./problems";
import { nearestKey } from "./suggest";
import { DEFAULT_OIDC_AUDIENCE, type AppConfig } from "./schema";

/**
 * References that cannot resolve: an ARN naming a path or name IAM could never create, a role in another partition,
 * a principal STS never lets assume a role, an ID that names a resource of one region or one account used for
 * several. Each passes its field's pattern and would fail only at deploy time, halfway through.
 */

/** IAM's paths (CreateRole, CreatePolicy, CreateUser): `/` or `/.../`, at most 512 characters. */
const IAM_PATH_MAX = 512;
/** The longest name IAM gives each kind of entity (CreateRole, CreateUser, CreatePolicy). */
const NAME_MAX = { role: 64, user: 64, policy: 128 } as const;
const IAM_ARN = /^arn:([\w-]+):iam::(\w+):(role|user|policy)(\/(?:.*\/)?)([^/]*)$/;

/** Why IAM could never have created the entity `arn` names, or `undefined` when it could. */
export function uncreatableIamArn(arn: string): string | undefined {
  const match = IAM_ARN.exec(arn);
  if (!match) return undefined;
  const [, , , kind, path, name] = match;
  const max = NAME_MAX[kind as keyof typeof NAME_MAX];
  if (!/^[\w+=,.@-]+$/.test(name) || name.length > max)
    return `its ${kind} name "${name}" is not one IAM could create (1-${max} letters, digits and _+=,.@-)`;
  if (path.length > IAM_PATH_MAX) return `its path is ${path.length} characters, and IAM paths are at most ${IAM_PATH_MAX}`;
  return undefined;
}

/**
 * ARNs the config names that IAM could never have created: the trusted principals, the permissions boundary and the
 * state role. Each would be refused at deploy (NoSuchEntity, or a trust nobody can ever match).
 */
function uncreatableArnProblems(config: AppConfig): ConfigProblem[] {
  const named: [string, string | undefined][] = [
    ...config.role.trustedPrincipalArns.map((arn, i): [string, string] => [`role.trustedPrincipalArns[${i}]`, arn]),
    ["role.permissionsBoundaryArn", config.role.permissionsBoundaryArn],
    ["backend.roleArn", config.backend.type === "s3" ? config.backend.roleArn : undefined],
  ];
  return named.flatMap(([path, arn]) => {
    const why = arn === undefined ? undefined : uncreatableIamArn(arn);
    return why ? [{ path, message: `got "${arn}"; ${why}, so nothing can match it` }] : [];
  });
}

/**
 * Credentials of one partition never reach another's IAM: a state role there cannot be assumed. (The boundary's
 * partition and the trusted principals' are checked with their accounts, in rules.ts.)
 */
function stateRolePartitionProblems(config: AppConfig): ConfigProblem[] {
  if (config.backend.type !== "s3" || !config.backend.roleArn) return [];
  const partition = config.backend.roleArn.split(":")[1];
  if (partition === config.partition) return [];
  return [
    {
      path: "backend.roleArn",
      message: `got "${config.backend.roleArn}"; it is in partition "${partition}" but partition is "${config.partition}", and credentials of one partition cannot assume a role in another`,
    },
  ];
}

/**
 * STS never lets an account's root user assume a role ("Roles may not be assumed by root accounts"), so a trust that
 * names the root user in aws:PrincipalArn could never be met by it.
 */
function rootPrincipalProblems(config: AppConfig): ConfigProblem[] {
  return config.role.trustedPrincipalArns.flatMap((arn, index) =>
    arn.endsWith(":root")
      ? [
          {
            path: `role.trustedPrincipalArns[${index}]`,
            message: `got "${arn}"; that is the account's root user, and STS refuses AssumeRole to it ("Roles may not be assumed by root accounts"): to let every principal of the source account that its own policies allow, leave role.trustedPrincipalArns empty; otherwise name users or roles`,
          },
        ]
      : [],
  );
}

/** The boundary, when it is an AWS managed policy IAM could create a reference to. */
function awsManagedBoundary(config: AppConfig): string | undefined {
  const arn = config.role.permissionsBoundaryArn;
  return arn && arn.split(":")[4] === "aws" && !uncreatableIamArn(arn) ? arn : undefined;
}

/**
 * An AWS managed boundary must be where AWS publishes it (CreateRole answers NoSuchEntity otherwise), and must allow
 * what the EC2 stack's role does: a boundary caps the role's permissions, so one that never allows an action the
 * scoped policy grants fails the deploy at that call (UnauthorizedOperation), whichever role.permissions is.
 */
function awsManagedBoundaryProblems(config: AppConfig): ConfigProblem[] {
  const arn = awsManagedBoundary(config);
  if (!arn) return [];
  const found = lookUpAwsManagedPolicy(arn);
  const path = "role.permissionsBoundaryArn";
  if (found.found === "elsewhere")
    return [
      { path, message: `got "${arn}"; AWS publishes that policy as ${found.arn}, and IAM finds a managed policy only at its path: use that ARN` },
    ];
  if (found.found === "no" || found.neverAllowed.length === 0) return [];
  return [
    {
      path,
      message: `got "${arn}"; as AWS publishes it (${AWS_MANAGED_POLICIES.asOf}), that policy never allows ${found.neverAllowed.join(", ")}, which the EC2 stack's role calls, and a boundary caps all the role may do: choose a boundary that allows them (AmazonEC2FullAccess, or a policy of the destination account), or none`,
    },
  ];
}

/** Each destination's region, by name. */
function regionsOf(config: AppConfig): Map<string, string[]> {
  const byRegion = new Map<string, string[]>();
  for (const destination of config.destinations) {
    const region = destination.region ?? config.region;
    byRegion.set(region, [...(byRegion.get(region) ?? []), destination.name]);
  }
  return byRegion;
}

const listRegions = (byRegion: Map<string, string[]>) => [...byRegion].map(([region, names]) => `${names.join(", ")} in ${region}`).join("; ");

/**
 * An AMI ID and a subnet ID each name a resource of one region, and a subnet one of one account: every destination
 * launches with the same `instance` settings.
 */
function regionalIdProblems(config: AppConfig): ConfigProblem[] {
  const byRegion = regionsOf(config);
  const problems: ConfigProblem[] = [];
  const { ami, subnetId } = config.instance;
  if (ami && byRegion.size > 1)
    problems.push({
      path: "instance.ami",
      message: `got "${ami}"; an AMI ID names an image in one region, and the destinations launch in ${byRegion.size} (${listRegions(byRegion)}): omit instance.ami (each destination then finds Canonical's Ubuntu image in its own region), or split the destinations by region`,
    });
  if (subnetId && byRegion.size > 1)
    problems.push({
      path: "instance.subnetId",
      message: `got "${subnetId}"; a subnet lies in one availability zone of one region, and the destinations launch in ${byRegion.size} (${listRegions(byRegion)}): omit instance.subnetId (each destination then uses its default VPC), or split the destinations by region`,
    });
  else if (subnetId && config.destinations.length > 1 && config.role.permissions === "scoped-ec2")
    problems.push({
      path: "instance.subnetId",
      message: `got "${subnetId}" for ${config.destinations.length} destinations in ${config.destinations.length} accounts; a subnet belongs to one account, and the scoped policy lets each destination's role launch only into a subnet of its own account: omit instance.subnetId, or give each destination its own config`,
    });
  return problems;
}

/** Each destination's instance type, with the field that sets it. */
function instanceTypesOf(config: AppConfig): { path: string; instanceType: string }[] {
  return config.destinations.map((destination, index) =>
    destination.instanceType
      ? { path: `destinations[${index}].instanceType`, instanceType: destination.instanceType }
      : { path: "instance.instanceType", instanceType: config.instance.instanceType },
  );
}

/** Destinations without their own type share instance.instanceType: each field once. */
function uniquePaths<T extends { path: string }>(items: readonly T[]): T[] {
  return [...new Map(items.map((item) => [item.path, item])).values()];
}

/**
 * Without instance.ami the stack launches Canonical's Ubuntu 24.04, an HVM image, which RunInstances refuses on a
 * type that boots only paravirtual images ("Non-Windows instances with a virtualization type of 'hvm' are currently
 * not supported for this instance type": InvalidParameterCombination).
 */
function paravirtualTypeProblems(config: AppConfig): ConfigProblem[] {
  if (config.instance.ami) return [];
  return uniquePaths(instanceTypesOf(config)).flatMap(({ path, instanceType }) => {
    if (!runsOnlyParavirtual(instanceType)) return [];
    return [
      {
        path,
        message: `got "${instanceType}"; that previous-generation type boots only paravirtual (PV) images, and without instance.ami the stack launches Canonical's Ubuntu 24.04, an HVM image, which RunInstances refuses on it (InvalidParameterCombination): choose a current-generation type such as t3.micro`,
      },
    ];
  });
}

/** The rules of this module, for CROSS_FIELD_RULES: each with the top-level fields it reads. */
export const REFERENCE_RULES = [
  { check: uncreatableArnProblems, reads: ["role", "backend"] },
  { check: stateRolePartitionProblems, reads: ["backend", "partition"] },
  { check: rootPrincipalProblems, reads: ["role"] },
  { check: regionalIdProblems, reads: ["instance", "destinations", "region", "role"] },
  { check: paravirtualTypeProblems, reads: ["instance", "destinations"] },
  { check: awsManagedBoundaryProblems, reads: ["role"] },
] as const satisfies readonly { readonly check: (config: AppConfig) => ConfigProblem[]; readonly reads: readonly (keyof AppConfig)[] }[];

/**
 * What the config cannot tell but AWS will check at deploy: an AMI or a subnet of one account used by several must
 * be shared with the others; MFA through a role session. AWS leaves open whether each request fails, so a synth
 * warns instead of refusing.
 */
export function referenceWarnings(config: AppConfig): string[] {
  const warnings: string[] = [];
  const accounts = config.destinations.length;
  const oneRegion = regionsOf(config).size === 1;
  if (config.instance.ami && accounts > 1 && oneRegion)
    warnings.push(
      `instance.ami "${config.instance.ami}" is launched in ${accounts} destination accounts: RunInstances refuses it in each account it is neither public in nor shared with (a launch permission): check it is`,
    );
  if (config.instance.subnetId && accounts > 1 && oneRegion && config.role.permissions === "ec2-full-access")
    warnings.push(
      `instance.subnetId "${config.instance.subnetId}" is used by ${accounts} destination accounts: a subnet belongs to one, so the others can launch into it only if it is shared with them through AWS RAM: check it is`,
    );
  if (config.instance.ami)
    for (const { path, instanceType } of uniquePaths(instanceTypesOf(config)))
      if (runsOnlyParavirtual(instanceType))
        warnings.push(
          `${path} "${instanceType}" boots only paravirtual (PV) images: instance.ami "${config.instance.ami}" must be one, or RunInstances refuses the pair (InvalidParameterCombination); the config cannot tell an image's virtualization type`,
        );
  const boundary = awsManagedBoundary(config);
  if (boundary && lookUpAwsManagedPolicy(boundary).found === "no") {
    const name = boundary.slice(boundary.lastIndexOf("/") + 1);
    const meant = nearestKey(name, Object.keys(AWS_MANAGED_POLICIES.paths));
    warnings.push(
      `role.permissionsBoundaryArn "${boundary}" is not among the ${Object.keys(AWS_MANAGED_POLICIES.paths).length} AWS managed policies published as of ${AWS_MANAGED_POLICIES.asOf}${meant ? ` (did you mean ${meant}?)` : ""}: CreateRole refuses a boundary that does not exist (NoSuchEntity); check the name, unless AWS published it since`,
    );
  }
  const providerUrl = config.source.ciOidc?.providerUrl;
  if (providerUrl && /^https:\/\/[^/]+:\d+/.test(providerUrl))
    warnings.push(
      `source.ciOidc.providerUrl "${providerUrl}" holds a port: CreateOpenIDConnectProvider's reference says the URL "should not contain a port number" without saying whether IAM refuses one, and the trust's condition keys would carry it too: use the issuer's URL without a port if its tokens' iss allows`,
    );
  if (config.backend.type === "s3" && config.backend.keyPrefix.split("/").some((segment) => segment === "." || segment === ".."))
    warnings.push(
      `backend.keyPrefix "${config.backend.keyPrefix}" holds a "." or ".." segment: S3 stores a key as written, but a client that resolves dot segments as a path (a URL library, the S3 console) reads or writes another key, and AWS does not document which do: use plain segments`,
    );
  const ci = config.source.ciOidc;
  if (ci && config.partition === "aws-cn" && ci.audience === DEFAULT_OIDC_AUDIENCE)
    warnings.push(
      `source.ciOidc.audience "${ci.audience}" in partition aws-cn: configure-aws-credentials' README says China regions may need the audience sts.amazonaws.com.cn, and users report AssumeRoleWithWebIdentity refusing the default there ("Incorrect token audience", configure-aws-credentials#457); AWS does not document which STS takes: set sts.amazonaws.com.cn unless a run with this one works`,
    );
  const roles = [...config.role.trustedPrincipalArns.filter((arn) => arn.includes(":role/")), ...(config.source.attachTo?.roles ?? [])];
  if (config.role.requireMfa && roles.length > 0)
    warnings.push(
      `role.requireMfa "true" with roles among the principals (${roles.join(", ")}): their sessions reach the role by role chaining, and AWS does not document whether aws:MultiFactorAuthPresent is set then; if it is not, they can never assume the role: try one before relying on it`,
    );
  return warnings;
}
