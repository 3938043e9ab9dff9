import { PROJECT_TAG, type AppConfig, type BackendConfig, type Partition, type PermissionSet, type Tags } from "./config/schema";
import { roleArn } from "./arn";
import { ciOidcSettings, type CiOidcSettings } from "./ci-oidc";
import { trustedPrincipalArns } from "./trusted-principals";
import { stackNames } from "./names";

/** The source account as every stack of one destination sees it. */
export interface SourceAccount {
  readonly accountId: string;
  /** @default - the standard credential chain */
  readonly profile?: string;
  readonly attachTo: { readonly groups: readonly string[]; readonly roles: readonly string[]; readonly users: readonly string[] };
  readonly createUser: boolean;
}

/** The cross-account role, with every default resolved for one destination. */
export interface RoleSettings {
  readonly name: string;
  readonly path: string;
  /** ARN the role will have; known before apply, so policies are literal JSON. */
  readonly arn: string;
  readonly trustedPrincipalArns: readonly string[];
  /** @default - no sts:ExternalId condition */
  readonly externalId?: string;
  readonly requireMfa: boolean;
  /** @default - any MFA age */
  readonly maxMfaAgeSeconds?: number;
  /** @default - no aws:PrincipalOrgID condition */
  readonly sourceOrgId?: string;
  readonly maxSessionDurationSeconds: number;
  readonly permissions: PermissionSet;
  /** @default - no permissions boundary */
  readonly permissionsBoundaryArn?: string;
  readonly sessionName: string;
  /** What sts:RoleSessionName must be: the caller's IAM user name, or `sessionName`. @default - any */
  readonly requireSessionName?: "username" | "sessionName";
  /** @default - no source identity is set or required */
  readonly sourceIdentity?: string;
  readonly sessionTags: Tags;
}

/** The instance launched in one destination. */
export interface InstanceSettings {
  readonly instanceType: string;
  /** @default - latest Canonical Ubuntu LTS for the architecture */
  readonly ami?: string;
  /** @default - the default VPC's default subnet */
  readonly subnetId?: string;
  readonly associatePublicIpAddress: boolean;
  readonly detailedMonitoring: boolean;
  /** @default - the AMI's root volume size */
  readonly rootVolumeSizeGiB?: number;
}

/**
 * Everything the two stacks of one destination need, resolved from the config:
 * per-destination overrides applied, tags merged, the role ARN computed.
 */
export interface DeploymentTarget {
  readonly name: string;
  readonly project: string;
  readonly partition: Partition;
  readonly source: SourceAccount;
  readonly destination: { readonly accountId: string; readonly profile?: string; readonly region: string };
  readonly role: RoleSettings;
  readonly instance: InstanceSettings;
  /** Tags on every resource, including `Project`. */
  readonly tags: Tags;
  readonly backend: BackendConfig;
  /** @default - no CI role */
  readonly ci?: CiOidcSettings;
  /** Being taken down: deploy skips it, destroy still works. */
  readonly retired: boolean;
  readonly iamStackName: string;
  readonly ec2StackName: string;
}

/** One target per destination, in config order. */
export function resolveTargets(config: AppConfig): DeploymentTarget[] {
  return config.destinations.map((destination) => {
    const names = stackNames(destination.name);
    const externalId = destination.externalId ?? config.role.externalId;
    const ci = ciOidcSettings(config, destination.name);
    return {
      name: destination.name,
      project: config.project,
      partition: config.partition,
      source: {
        accountId: config.source.accountId,
        profile: config.source.profile,
        attachTo: config.source.attachTo ?? { groups: [], roles: [], users: [] },
        createUser: config.source.createUser,
      },
      destination: { accountId: destination.accountId, profile: destination.profile, region: destination.region ?? config.region },
      role: {
        ...config.role,
        externalId,
        arn: roleArn(config.partition, destination.accountId, config.role.name, config.role.path),
        trustedPrincipalArns: trustedPrincipalArns(config, destination.name),
      },
      instance: { ...config.instance, instanceType: destination.instanceType ?? config.instance.instanceType },
      tags: { ...config.tags, ...destination.tags, [PROJECT_TAG]: config.project },
      backend: config.backend,
      ...(ci ? { ci } : {}),
      retired: destination.retired,
      iamStackName: names.iam,
      ec2StackName: names.ec2,
    };
  });
}

/** Which stacks of one destination a command acts on. */
export interface StackSelection {
  readonly target: DeploymentTarget;
  readonly iam: boolean;
  readonly ec2: boolean;
}

/** Thrown when a pattern selects nothing; lists what exists. */
export class SelectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SelectionError";
  }
}

function glob(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  );
}

/**
 * `*` and `?` globs, as `cdktf deploy 'prod-*'` takes them: a pattern that
 * matches a destination name selects both of its stacks, one that matches a
 * stack name selects that stack only. No pattern selects everything.
 * @throws SelectionError when a pattern matches nothing
 */
export function selectStacks(targets: readonly DeploymentTarget[], patterns: readonly string[]): StackSelection[] {
  if (patterns.length === 0) return targets.map((target) => ({ target, iam: true, ec2: true }));
  const unmatched = patterns.filter((p) => !targets.some((t) => [t.name, t.iamStackName, t.ec2StackName].some((name) => glob(p).test(name))));
  if (unmatched.length > 0) {
    const stacks = targets.flatMap((t) => [t.iamStackName, t.ec2StackName]);
    throw new SelectionError(
      `Nothing matches ${unmatched.join(" ")}. Destinations: ${targets.map((t) => t.name).join(", ")}; stacks: ${stacks.join(", ")}.`,
    );
  }
  const matches = (name: string) => patterns.some((p) => glob(p).test(name));
  return targets
    .map((target) => ({
      target,
      iam: matches(target.name) || matches(target.iamStackName),
      ec2: matches(target.name) || matches(target.ec2StackName),
    }))
    .filter((s) => s.iam || s.ec2);
}
