import { ciOidcSettings } from "../ci-oidc";
import { addressName, IAM_NAME_LIMITS } from "../names";
import { policyJson } from "../policy-document";
import { ATTACHED_POLICY_QUOTAS } from "../quotas";
import { regionPartition, REGIONS_UNKNOWN_TO_TERRAFORM } from "../regions";
import { createdPrincipals, trustedPrincipalArns } from "../trusted-principals";
import { buildTrustPolicy, buildWebIdentityTrustPolicy, TRUST_POLICY_MAX_CHARS } from "../trust-policy";
import { formatValue, type ConfigProblem } from "./problems";
import { REFERENCE_RULES } from "./reference-rules";
import { MAX_TAGS, PRINCIPAL_ARN, PROJECT_TAG, type AppConfig } from "./schema";

/**
 * Rules that span several fields, checked once the shape is right: each a
 * named function of the validated config, listed in CROSS_FIELD_RULES. To
 * add one, write the function and list it.
 */
export type CrossFieldRule = (config: AppConfig) => ConfigProblem[];

/** Each item whose key an earlier item already had, with that earlier item's index. */
function repeats<T>(items: readonly T[], key: (item: T) => string): { index: number; first: number }[] {
  const seen = new Map<string, number>();
  return items.flatMap((item, index) => {
    const first = seen.get(key(item));
    if (first !== undefined) return [{ index, first }];
    seen.set(key(item), index);
    return [];
  });
}

/** Destination names become stack names: each once. */
function uniqueDestinationNames(config: AppConfig): ConfigProblem[] {
  return repeats(config.destinations, (d) => d.name).map(({ index, first }) => ({
    path: `destinations[${index}].name`,
    message: `got "${config.destinations[index].name}"; names must be unique (also used by destinations[${first}])`,
  }));
}

/** A cross-account role in the source account is not cross-account. */
function destinationsOutsideSource(config: AppConfig): ConfigProblem[] {
  return config.destinations.flatMap((destination, index) =>
    destination.accountId === config.source.accountId
      ? [
          {
            path: `destinations[${index}].accountId`,
            message: `got "${destination.accountId}"; must differ from source.accountId (a cross-account role in the same account is not cross-account)`,
          },
        ]
      : [],
  );
}

/**
 * Every region must exist, in the configured partition (the AWS SDK's partition data), and be one the pinned
 * provider and Terraform's S3 backend know.
 */
function regionsInPartition(config: AppConfig): ConfigProblem[] {
  const regions: [string, string][] = [
    ["region", config.region],
    ...config.destinations.flatMap((d, i): [string, string][] => (d.region ? [[`destinations[${i}].region`, d.region]] : [])),
  ];
  if (config.backend.type === "s3") regions.push(["backend.region", config.backend.region]);
  return regions.flatMap(([path, name]): ConfigProblem[] => {
    const actual = regionPartition(name);
    if (actual === undefined) {
      return [
        {
          path,
          message: `got "${name}"; not a region in the AWS SDK's partition data (for example us-east-2 or eu-west-1 in aws, cn-north-1 in aws-cn, us-gov-west-1 in aws-us-gov)`,
        },
      ];
    }
    if (actual !== config.partition)
      return [{ path, message: `got "${name}"; it belongs to partition "${actual}" but partition is "${config.partition}"` }];
    return REGIONS_UNKNOWN_TO_TERRAFORM.includes(name)
      ? [
          {
            path,
            message: `got "${name}"; AWS's SDK lists it, but hashicorp/aws 5.100.0 (the provider these stacks pin) and Terraform's S3 backend do not know it yet and refuse it ("invalid AWS Region"): use another region until the provider is upgraded`,
          },
        ]
      : [];
  });
}

/** The Project tag comes from "project": the scoped policy keys on it. */
function projectTagFromProject(config: AppConfig): ConfigProblem[] {
  const tagMaps: [string, Record<string, string>][] = [
    ["tags", config.tags],
    ...config.destinations.map((d, i): [string, Record<string, string>] => [`destinations[${i}].tags`, d.tags]),
  ];
  return tagMaps
    .filter(([, tags]) => PROJECT_TAG in tags)
    .map(([path, tags]) => ({
      path: `${path}.${PROJECT_TAG}`,
      message: `got ${formatValue(tags[PROJECT_TAG])}; the ${PROJECT_TAG} tag is set from "project" (the scoped policy keys on it): set "project" instead`,
    }));
}

/** An MFA age only means something when MFA is required. */
function mfaAgeNeedsMfa(config: AppConfig): ConfigProblem[] {
  if (config.role.maxMfaAgeSeconds === undefined || config.role.requireMfa) return [];
  return [
    {
      path: "role.maxMfaAgeSeconds",
      message: `got ${config.role.maxMfaAgeSeconds}; it bounds the age of an MFA sign-in, so it needs role.requireMfa: true`,
    },
  ];
}

/** A role session has no aws:username: with requireSessionName "username" a role could never assume the destination role. */
function usernameSessionNeedsUsers(config: AppConfig): ConfigProblem[] {
  if (config.role.requireSessionName !== "username") return [];
  const roles = [
    ...config.role.trustedPrincipalArns.filter((arn) => /:role\//.test(arn)).map((arn) => `role.trustedPrincipalArns entry ${arn}`),
    ...(config.source.attachTo?.roles ?? []).map((name) => `source.attachTo.roles entry ${name}`),
    ...(config.source.ciOidc ? ["the CI role of source.ciOidc"] : []),
  ];
  if (roles.length === 0) return [];
  return [
    {
      path: "role.requireSessionName",
      message: `got "username"; a role's session has no aws:username, so ${roles.join(" and ")} could never assume the role: use "sessionName", or trust users only`,
    },
  ];
}

/** Trusted principals must be the source account's. */
function trustedPrincipalsInSource(config: AppConfig): ConfigProblem[] {
  return config.role.trustedPrincipalArns.flatMap((arn, index) => {
    const [, partition, account] = PRINCIPAL_ARN.exec(arn) ?? [];
    if (account === config.source.accountId && partition === config.partition) return [];
    return [
      {
        path: `role.trustedPrincipalArns[${index}]`,
        message: `got "${arn}"; must be a principal of the source account ${config.source.accountId} in partition "${config.partition}"`,
      },
    ];
  });
}

/** What the config calls each kind of principal the IAM stack creates. */
const CREATED_LABEL = { role: "CI role", user: "user" } as const;

/**
 * The created user's and CI role's names must fit IAM's 64 characters:
 * checked with the functions that build them. The policy and group names need
 * no check: with role.name at most 64 and a destination name at most 32 they
 * stay under 128.
 */
function derivedNameProblems(config: AppConfig): ConfigProblem[] {
  return config.destinations.flatMap((destination, index) =>
    createdPrincipals(config, destination.name).flatMap(({ kind, name }) => {
      const limit = IAM_NAME_LIMITS[kind];
      if (name.length <= limit) return [];
      return [
        {
          path: `destinations[${index}].name`,
          message: `got "${destination.name}"; with role.name it makes the ${CREATED_LABEL[kind]} name "${name}" (${name.length} characters), over IAM's limit of ${limit}: shorten role.name or the destination name`,
        },
      ];
    }),
  );
}

/**
 * `source.ciOidc` combinations that could never work: a web identity session
 * carries no MFA; every destination's IAM stack would create the one provider
 * an account may hold per URL; and a CI role that may only assume roles
 * cannot reach S3 state without a state role.
 */
function ciOidcProblems(config: AppConfig): ConfigProblem[] {
  const ci = config.source.ciOidc;
  if (!ci) return [];
  const problems: ConfigProblem[] = [];
  if (config.role.requireMfa) {
    problems.push({
      path: "source.ciOidc",
      message:
        "is set, but role.requireMfa is true: a CI role's web identity session carries no MFA, so it could never assume the role: drop one of them",
    });
  }
  if (ci.createProvider && config.destinations.length > 1) {
    problems.push({
      path: "source.ciOidc.createProvider",
      message: `got true with ${config.destinations.length} destinations; an account holds one OIDC provider per URL and every destination's IAM stack would create it: create it once (outside, or with a single destination) and set createProvider to false`,
    });
  }
  // Each CI role's trust lists every subject: it must fit the trust policy quota as the destination role's does.
  const [first] = config.destinations;
  const settings = first && ciOidcSettings(config, first.name);
  const size = settings ? policyJson(buildWebIdentityTrustPolicy(settings)).length : 0;
  if (size > TRUST_POLICY_MAX_CHARS)
    problems.push({
      path: "source.ciOidc.subjects",
      message: `make each CI role's trust policy ${size} characters (whitespace not counted); IAM allows ${TRUST_POLICY_MAX_CHARS} by default: list fewer subjects (a * pattern can cover several branches or environments)`,
    });
  if (config.backend.type === "s3" && !config.backend.roleArn) {
    problems.push({
      path: "source.ciOidc",
      message:
        "is set with an S3 backend without backend.roleArn; the CI role may only assume roles, so it could not read the state: give the state a role (backend.roleArn), which the CI role may then assume",
    });
  }
  return problems;
}

/** A name the IAM stack attaches the assume-role policy to, and the config field it came from. */
interface AttachedName {
  readonly name: string;
  readonly path: string;
  /** Set when the name comes from role.trustedPrincipalArns. */
  readonly arn?: string;
}

/** The groups, roles and users the assume-role policy is attached to, each with where the config names it. */
function attachedNames(config: AppConfig): Record<"groups" | "roles" | "users", AttachedName[]> {
  const attachTo = config.source.attachTo ?? { groups: [], roles: [], users: [] };
  const listed = (kind: "groups" | "roles" | "users") => attachTo[kind].map((name, i) => ({ name, path: `source.attachTo.${kind}[${i}]` }));
  const trusted = (kind: "role" | "user") =>
    config.role.trustedPrincipalArns.flatMap((arn, i) => {
      const [, , , principal = ""] = PRINCIPAL_ARN.exec(arn) ?? [];
      return principal.startsWith(`${kind}/`)
        ? [{ name: principal.slice(principal.lastIndexOf("/") + 1), path: `role.trustedPrincipalArns[${i}]`, arn }]
        : [];
    });
  return { groups: listed("groups"), roles: [...listed("roles"), ...trusted("role")], users: [...listed("users"), ...trusted("user")] };
}

/** Why two names the IAM stack attaches to cannot both be there, or undefined when they are one principal named twice on purpose. */
function collision(first: AttachedName, again: AttachedName): string | undefined {
  if (first.arn !== undefined && first.arn === again.arn) return "it is listed twice";
  const samePrincipal = first.name.toLowerCase() === again.name.toLowerCase();
  if (samePrincipal && first.arn && again.arn)
    return `it names the same ${again.arn.includes(":role/") ? "role" : "user"} as "${first.arn}": IAM names each once per account whatever its path and case, so only one can exist, and aws:PrincipalArn matches only the exact ARN`;
  if (first.name === again.name) return first.arn || again.arn ? undefined : "it is listed twice";
  return `it and "${first.name}" differ only in case or in +=,.@, which resource addresses drop`;
}

/**
 * Each name the assume-role policy is attached to (source.attachTo and the
 * trusted principals) becomes a resource whose address is made from it with
 * `+=,.@` dropped (addressName): a duplicate, or two names that differ only in
 * those or in case (IAM names are unique regardless of case), would collide,
 * and one principal would silently get no access.
 */
function attachedNameProblems(config: AppConfig): ConfigProblem[] {
  return Object.values(attachedNames(config)).flatMap((names) => {
    const seen = new Map<string, AttachedName>();
    return names.flatMap((entry) => {
      const key = addressName(entry.name).toLowerCase();
      const first = seen.get(key);
      if (!first) {
        seen.set(key, entry);
        return [];
      }
      const why = collision(first, entry);
      return why ? [{ path: entry.path, message: `got "${entry.arn ?? entry.name}"; ${why} (${first.path}): list each principal once` }] : [];
    });
  });
}

/**
 * The IAM stack creates each destination's CI role and user and attaches their
 * policy itself. Named again in source.attachTo, or as a trusted principal in
 * another case or under another path, it is a principal IAM already holds
 * (names are unique per account whatever the case and path: CreateRole or
 * CreateUser fails with EntityAlreadyExists) or one the stack attaches to
 * before creating it. A created principal's exact ARN in the trust is
 * redundant with one destination (each destination trusts its own); with
 * several, every destination would trust it and attach its policy to it, so
 * one destination's CI job or key could reach them all.
 */
function createdPrincipalProblems(config: AppConfig): ConfigProblem[] {
  const created = config.destinations.flatMap((d) => createdPrincipals(config, d.name));
  if (created.length === 0) return [];
  const named = attachedNames(config);
  return (["role", "user"] as const).flatMap((kind) =>
    named[`${kind}s`].flatMap((entry, index, entries) => {
      const same = created.find((c) => c.kind === kind && c.name.toLowerCase() === entry.name.toLowerCase());
      // A second name for one principal is attachedNameProblems' to report.
      const repeated = entries.slice(0, index).some((e) => e.name.toLowerCase() === entry.name.toLowerCase());
      if (!same || repeated || (entry.arn === same.arn && config.destinations.length === 1)) return [];
      const what = `the ${CREATED_LABEL[kind]} "${same.name}" of destination "${same.destination}"`;
      const why =
        entry.arn === same.arn
          ? `it is ${what}, which the IAM stack trusts in its own destination; listed here, every destination would trust it and give it its policy, so one destination's ${kind === "role" ? "CI" : "key"} could reach them all: leave it out`
          : `the IAM stack creates ${what} and attaches its policy itself, and IAM names a ${kind} once per account whatever its case and path (Create${kind === "role" ? "Role" : "User"} fails with EntityAlreadyExists when one exists): leave it out, or change role.name`;
      return [{ path: entry.path, message: `got "${entry.arn ?? entry.name}"; ${why}` }];
    }),
  );
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
      buildTrustPolicy(config.partition, config.source.accountId, {
        ...config.role,
        externalId: destination.externalId ?? config.role.externalId,
        trustedPrincipalArns: trustedPrincipalArns(config, destination.name),
      }),
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

/** The user `source.createUser` makes signs in with a long-term key alone: it can never present MFA. */
function createdUserProblems(config: AppConfig): ConfigProblem[] {
  if (!config.source.createUser || !config.role.requireMfa) return [];
  return [
    {
      path: "source.createUser",
      message: "got true; with role.requireMfa the created user could never assume the role (an access key alone carries no MFA): drop one of them",
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
  return repeats(config.destinations, (d) => d.accountId).map(({ index, first }) => ({
    path: `destinations[${index}].accountId`,
    message: `got "${config.destinations[index].accountId}"; destinations[${first}] ("${config.destinations[first].name}") is in the same account, and both would create the role "${config.role.name}" there (IAM roles are global to an account): use one destination per account`,
  }));
}

/** Pairs of keys that differ only in case: IAM and STS read them as one key, EC2 as two. */
function keysByCase(keys: readonly string[]): [string, string][] {
  const seen = new Map<string, string>();
  return keys.flatMap((key): [string, string][] => {
    const earlier = seen.get(key.toLowerCase());
    seen.set(key.toLowerCase(), earlier ?? key);
    return earlier !== undefined && earlier !== key ? [[earlier, key]] : [];
  });
}

/**
 * Every resource of a destination gets the merged tags: IAM (the role, the policy, the group) refuses two keys that
 * differ only in case ("Duplicate tag keys found"), though EC2 would take both. STS does the same with session tags.
 */
function tagKeysByCase(config: AppConfig): ConfigProblem[] {
  const why = (pair: [string, string], where: string) =>
    `has "${pair[0]}" and "${pair[1]}"${where}: IAM treats tag keys that differ only in case as one key and refuses both on the role, policy and group (EC2 would take them). Keep one`;
  const topLevel = keysByCase([...Object.keys(config.tags), PROJECT_TAG, "Name"]).map((pair) => ({ path: "tags", message: why(pair, "") }));
  const merged = config.destinations.flatMap((destination, index) =>
    keysByCase([...Object.keys(config.tags), PROJECT_TAG, "Name", ...Object.keys(destination.tags)])
      .filter(([, later]) => later in destination.tags)
      .map((pair) => ({ path: `destinations[${index}].tags`, message: why(pair, " with the top-level tags, Project and Name") })),
  );
  const session = keysByCase(Object.keys(config.role.sessionTags)).map((pair) => ({
    path: "role.sessionTags",
    message: `has "${pair[0]}" and "${pair[1]}": STS treats session tag keys that differ only in case as one key and refuses both in one AssumeRole. Keep one`,
  }));
  return [...topLevel, ...merged, ...session];
}

/** IAM attaches only a managed policy of the role's own account, or one of AWS's: a boundary elsewhere cannot be set. */
function boundaryAccountProblems(config: AppConfig): ConfigProblem[] {
  const arn = config.role.permissionsBoundaryArn;
  const [, partition, , , owner] = arn?.split(":") ?? [];
  // Another partition is reported by boundaryPartitionProblems.
  if (!arn || owner === "aws" || partition !== config.partition) return [];
  const elsewhere = config.destinations.filter((d) => d.accountId !== owner);
  if (elsewhere.length === 0) return [];
  return [
    {
      path: "role.permissionsBoundaryArn",
      message: `got "${arn}", a policy of account ${owner}; a role's permissions boundary must be a managed policy of the role's own account or an AWS managed policy, and ${elsewhere
        .map((d) => `"${d.name}" is in ${d.accountId}`)
        .join(
          ", ",
        )}. Use an AWS managed policy, or create the boundary policy in every destination account (per-destination boundaries are not supported)`,
    },
  ];
}

/** Roles AWS keeps for itself, whose policies only AWS may change: IAM Identity Center's and service-linked roles. */
const PROTECTED_ROLE = /^arn:[\w-]+:iam::\d{12}:role\/(aws-reserved|aws-service-role)\/|^(AWSReservedSSO_|AWSServiceRoleFor)/;

/**
 * The IAM stack attaches the assume-role policy to each named principal; AWS refuses any change to the roles it keeps
 * for itself (UnmodifiableEntity), so naming one would fail the deploy halfway.
 */
function protectedPrincipalProblems(config: AppConfig): ConfigProblem[] {
  const advice =
    "AWS refuses any policy attached to the roles it keeps for itself (IAM Identity Center's AWSReservedSSO_ roles, service-linked roles): grant sts:AssumeRole on the role in the permission set instead, and leave this role out";
  const trusted = config.role.trustedPrincipalArns.flatMap((arn, index) =>
    PROTECTED_ROLE.test(arn) ? [{ path: `role.trustedPrincipalArns[${index}]`, message: `got "${arn}"; ${advice}` }] : [],
  );
  const attached = (config.source.attachTo?.roles ?? []).flatMap((name, index) =>
    PROTECTED_ROLE.test(name) ? [{ path: `source.attachTo.roles[${index}]`, message: `got "${name}"; ${advice}` }] : [],
  );
  return [...trusted, ...attached];
}

/**
 * Every destination attaches its own managed policy to each named principal: IAM attaches at most 10 managed
 * policies to a group, a quota AWS does not raise, and at most 20 to a user or role with a raised quota (10 by
 * default: sourceQuotaWarnings warns from there).
 */
function attachedPolicyQuotaProblems(config: AppConfig): ConfigProblem[] {
  const count = config.destinations.length;
  const groups = (config.source.attachTo?.groups ?? []).length;
  const others = [...(config.source.attachTo?.users ?? []), ...(config.source.attachTo?.roles ?? []), ...config.role.trustedPrincipalArns].length;
  const problems: ConfigProblem[] = [];
  if (groups > 0 && count > ATTACHED_POLICY_QUOTAS.group)
    problems.push({
      path: "source.attachTo.groups",
      message: `each of the ${count} destinations attaches its own managed policy to every group listed here, and IAM attaches at most ${ATTACHED_POLICY_QUOTAS.group} managed policies to a group (a quota AWS does not raise): split the destinations over several configs, or name users or roles`,
    });
  if (others > 0 && count > ATTACHED_POLICY_QUOTAS.principalMax)
    problems.push({
      path: config.role.trustedPrincipalArns.length > 0 ? "role.trustedPrincipalArns" : "source.attachTo",
      message: `each of the ${count} destinations attaches its own managed policy to every user and role named, and IAM attaches at most ${ATTACHED_POLICY_QUOTAS.principalMax} managed policies to a user or role even with a raised quota: split the destinations over several configs, or attach to groups`,
    });
  return problems;
}

const S3_KEY_MAX_BYTES = 1024;

/** S3 keys are at most 1,024 bytes (UTF-8): every stack's state key, `<keyPrefix>/<stack>.tfstate`, must fit. */
function stateKeyLengthProblems(config: AppConfig): ConfigProblem[] {
  if (config.backend.type !== "s3") return [];
  const { keyPrefix } = config.backend;
  const longest = config.destinations
    .flatMap((d) => [`${d.name}-iam`, `${d.name}-ec2`])
    .map((stack) => `${keyPrefix}/${stack}.tfstate`)
    .reduce((a, b) => (Buffer.byteLength(b) > Buffer.byteLength(a) ? b : a), "");
  const bytes = Buffer.byteLength(longest);
  return bytes > S3_KEY_MAX_BYTES
    ? [
        {
          path: "backend.keyPrefix",
          message: `makes the state key "${longest.slice(0, 60)}..." ${bytes} bytes long; S3 keys are at most ${S3_KEY_MAX_BYTES}: shorten it`,
        },
      ]
    : [];
}

/** A rule, and the top-level fields it reads: it can still run when other fields are invalid. */
interface ListedRule {
  readonly check: CrossFieldRule;
  readonly reads: readonly (keyof AppConfig)[];
}

/** Every cross-field rule, in the order their problems are listed. */
export const CROSS_FIELD_RULES: readonly ListedRule[] = [
  { check: uniqueDestinationNames, reads: ["destinations"] },
  { check: destinationsOutsideSource, reads: ["destinations", "source"] },
  { check: regionsInPartition, reads: ["region", "destinations", "backend", "partition"] },
  { check: projectTagFromProject, reads: ["tags", "destinations"] },
  { check: derivedNameProblems, reads: ["source", "destinations", "role"] },
  { check: attachedNameProblems, reads: ["source", "role"] },
  { check: createdPrincipalProblems, reads: ["source", "role", "destinations", "partition"] },
  { check: sharedAccountProblems, reads: ["destinations", "role"] },
  { check: tagCountProblems, reads: ["tags", "destinations"] },
  { check: trustPolicySizeProblems, reads: ["destinations", "role", "partition", "source"] },
  { check: boundaryPartitionProblems, reads: ["role", "partition"] },
  { check: createdUserProblems, reads: ["source", "role"] },
  { check: trustedPrincipalsInSource, reads: ["role", "source", "partition"] },
  { check: mfaAgeNeedsMfa, reads: ["role"] },
  { check: usernameSessionNeedsUsers, reads: ["role", "source"] },
  { check: ciOidcProblems, reads: ["source", "role", "destinations", "backend"] },
  { check: tagKeysByCase, reads: ["tags", "destinations", "role"] },
  { check: boundaryAccountProblems, reads: ["role", "destinations"] },
  { check: protectedPrincipalProblems, reads: ["role", "source"] },
  { check: attachedPolicyQuotaProblems, reads: ["source", "role", "destinations"] },
  { check: stateKeyLengthProblems, reads: ["backend", "destinations"] },
  ...REFERENCE_RULES,
];

export function crossFieldProblems(config: AppConfig): ConfigProblem[] {
  return CROSS_FIELD_RULES.flatMap((rule) => rule.check(config));
}

/**
 * The cross-field problems of a config whose shape is wrong: each top-level
 * field that is valid on its own is parsed (defaults filled in), and every
 * rule whose fields all are valid still runs. So a bad session length does
 * not hide a duplicate destination name.
 */
export function crossFieldProblemsOfPartial(parsed: Partial<AppConfig>): ConfigProblem[] {
  return CROSS_FIELD_RULES.filter((rule) => rule.reads.every((key) => parsed[key] !== undefined)).flatMap((rule) => rule.check(parsed as AppConfig));
}
