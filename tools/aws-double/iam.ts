import type { Json, PrincipalPolicies } from "./authorizer";
import { publishedAwsManagedPolicy } from "./aws-managed-policies";
import type { Caller, CredentialStore, Credentials } from "./identity";
import { awsQuery, AwsError, type QueryParams, type XmlValue } from "./protocol";
import { memberTags, newId, requestTagContext, resourceTagContext, tagList, type CallContext, type Handler, type Service } from "./service";

/**
 * AWS double (test double): IAM. Roles, managed policies, groups, users and
 * OpenID Connect providers per account, with IAM's own rules: names unique per account, no deleting what
 * still has policies or members (DeleteConflict), and a role that cannot be
 * assumed for a while after it is created (eventual consistency).
 */

interface Role {
  readonly name: string;
  readonly path: string;
  readonly arn: string;
  readonly id: string;
  readonly created: Date;
  trustPolicy: string;
  description: string;
  maxSessionDuration: number;
  permissionsBoundary?: string;
  tags: Record<string, string>;
  readonly inline: Map<string, string>;
  readonly attached: Set<string>;
  /** AssumeRole is refused before this time, and for this many more calls. */
  readonly assumableAt: number;
  refusalsLeft: number;
}

interface PolicyVersion {
  readonly id: string;
  readonly document: string;
  readonly created: Date;
}

interface ManagedPolicy {
  readonly name: string;
  readonly path: string;
  readonly arn: string;
  readonly id: string;
  readonly description: string;
  readonly created: Date;
  versions: PolicyVersion[];
  defaultVersion: string;
  tags: Record<string, string>;
}

interface Group {
  readonly name: string;
  readonly path: string;
  readonly arn: string;
  readonly id: string;
  readonly created: Date;
  readonly members: Set<string>;
  readonly attached: Set<string>;
  readonly inline: Map<string, string>;
}

interface User {
  readonly name: string;
  readonly path: string;
  readonly arn: string;
  readonly id: string;
  readonly created: Date;
  tags: Record<string, string>;
  readonly attached: Set<string>;
  readonly inline: Map<string, string>;
  readonly accessKeys: Map<string, Date>;
}

/** An OpenID Connect identity provider: whose tokens, for which audiences, the account's roles may trust. */
interface OidcProvider {
  readonly arn: string;
  /** Host and path, without `https://`, as IAM stores and returns it. */
  readonly url: string;
  readonly clientIds: Set<string>;
  readonly thumbprints: string[];
  readonly created: Date;
  tags: Record<string, string>;
}

interface Account {
  readonly roles: Map<string, Role>;
  readonly policies: Map<string, ManagedPolicy>;
  readonly groups: Map<string, Group>;
  readonly users: Map<string, User>;
  readonly oidcProviders: Map<string, OidcProvider>;
}

const ADMIN_POLICY = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };

/**
 * AdministratorAccess, which the double gives its admin users, without reading AWS's catalogue; every other AWS
 * managed policy as AWS publishes it (publishedAwsManagedPolicy).
 */
const ADMINISTRATOR_ACCESS = "AdministratorAccess";

const IAM_PATH = /^\/([\x21-\x7e]{1,510}\/)?$/;
const IAM_NAME = /^[\w+=,.@-]+$/;

/** IAM's input rules (the API reference of each call, and IAM's quotas), enforced as IAM answers them. */
export const IAM_RULES = {
  /** Name lengths: CreateRole and CreateUser take 64 characters, CreateGroup and CreatePolicy 128. */
  nameLength: { RoleName: 64, UserName: 64, GroupName: 128, PolicyName: 128 } as Record<string, number>,
  /** Quotas counted as IAM counts them, without whitespace. */
  trustPolicyChars: 2048,
  managedPolicyChars: 6144,
  /** All inline policies of one role together. */
  roleInlineChars: 10240,
  maxTags: 50,
  /** Managed policies attached to one group (not adjustable), role or user (the default; adjustable to 20). */
  attachedPolicies: 10,
  tagKeyLength: 128,
  tagValueLength: 256,
  descriptionLength: 1000,
  sessionSeconds: { min: 3600, max: 43200 },
  /** CreateOpenIDConnectProvider: client IDs of 1-255 characters, at most 100; thumbprints of 40 hex characters, at most 5. */
  oidc: { clientIdLength: 255, maxClientIds: 100, maxThumbprints: 5 },
} as const;

/** A policy's size as IAM's quotas count it: characters, whitespace not counted. */
export const policySize = (text: string) => text.replace(/\s/g, "").length;

/** Paths of roles AWS keeps for itself: service-linked roles, IAM Identity Center's. Only AWS may change them. */
const PROTECTED_ROLE_PATHS = ["/aws-service-role/", "/aws-reserved/"];
export const isProtectedRolePath = (path: string) => PROTECTED_ROLE_PATHS.some((prefix) => path.startsWith(prefix));

/** IAM names are unique in an account regardless of case: `Admins` and `admins` are one group. */
const nameTaken = (names: ReadonlyMap<string, unknown>, name: string) =>
  [...names.keys()].some((taken) => taken.toLowerCase() === name.toLowerCase());

const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** IAM's tag rules: at most 50, keys of 1-128 and values of up to 256 allowed characters, no `aws:` prefix. */
export function tagProblem(tags: Readonly<Record<string, string>>): AwsError | undefined {
  const entries = Object.entries(tags);
  if (entries.length > IAM_RULES.maxTags)
    return new AwsError("LimitExceeded", `The number of tags has reached the maximum limit of ${IAM_RULES.maxTags}.`, 409);
  // IAM and STS treat tag keys that differ only in case as one key; EC2 does not.
  const lower = entries.map(([key]) => key.toLowerCase());
  if (new Set(lower).size < lower.length)
    return new AwsError("InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive.", 400);
  for (const [key, value] of entries) {
    if (key.toLowerCase().startsWith("aws:")) return new AwsError("InvalidInput", `User-defined tag keys can't start with 'aws:': ${key}`, 400);
    if (key.length < 1 || key.length > IAM_RULES.tagKeyLength || !TAG_TEXT.test(key))
      return new AwsError("ValidationError", `1 validation error detected: Value '${key}' at 'tags.member.key' failed to satisfy constraint`, 400);
    if (value.length > IAM_RULES.tagValueLength || !TAG_TEXT.test(value))
      return new AwsError(
        "ValidationError",
        `1 validation error detected: Value '${value}' at 'tags.member.value' failed to satisfy constraint`,
        400,
      );
  }
  return undefined;
}

/**
 * How a new role refuses AssumeRole, as IAM's eventual consistency does:
 * for a time (as in AWS), or for its first calls (the same, deterministic,
 * for tests whose timing varies with load).
 */
export interface RoleConsistency {
  /** @default 0 */
  readonly delayMs?: number;
  /** @default 0 */
  readonly refusals?: number;
}

/** IAM for every account of the double. */
export class IamService implements Service {
  readonly signingName = "iam";
  readonly protocol = awsQuery("https://iam.amazonaws.com/doc/2010-05-08/");
  private readonly accounts = new Map<string, Account>();
  readonly handlers: Readonly<Record<string, Handler>>;

  constructor(
    private readonly credentials: CredentialStore,
    readonly partition: string,
    private readonly consistency: RoleConsistency = {},
  ) {
    this.handlers = this.buildHandlers();
  }

  private account(accountId: string): Account {
    let account = this.accounts.get(accountId);
    if (!account) {
      account = { roles: new Map(), policies: new Map(), groups: new Map(), users: new Map(), oidcProviders: new Map() };
      this.accounts.set(accountId, account);
    }
    return account;
  }

  private arn(accountId: string, type: string, path: string, name: string): string {
    return `arn:${this.partition}:iam::${accountId}:${type}${path}${name}`;
  }

  /**
   * An IAM user with a key, as an administrator hands one out: the double's
   * way in, like the tutorial's `source` and `destination` profiles.
   */
  createUserWithKey(accountId: string, userName: string, options: { admin?: boolean; mfa?: boolean; policies?: readonly Json[] } = {}): Credentials {
    const user = this.addUser(accountId, userName, "/", {});
    if (options.admin) user.attached.add(this.awsManagedArn(ADMINISTRATOR_ACCESS));
    (options.policies ?? []).forEach((document, index) => user.inline.set(`policy-${index}`, JSON.stringify(document)));
    return this.credentials.issueUserKey({ accountId, partition: this.partition, userName, userId: user.id, path: "/" }, { mfa: options.mfa });
  }

  /** An access key of `accountId`'s root user. */
  createRootKey(accountId: string): Credentials {
    this.account(accountId);
    return this.credentials.issueRootKey({ accountId, partition: this.partition });
  }

  /**
   * A role with a session already issued, as CI gets one from its OIDC
   * provider or an instance profile: the double's way in for a principal that
   * is a role. The role holds only `policies`.
   */
  createRoleWithSession(accountId: string, roleName: string, sessionName: string, policies: readonly Json[], path = "/"): Credentials {
    const arn = this.arn(accountId, "role", path, roleName);
    const trust = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { AWS: `arn:${this.partition}:iam::${accountId}:root` }, Action: "sts:AssumeRole" }],
    };
    const role: Role = {
      name: roleName,
      path,
      arn,
      id: newId("AROA", 17, true),
      created: new Date(),
      trustPolicy: JSON.stringify(trust),
      description: "",
      maxSessionDuration: 43200,
      tags: {},
      inline: new Map(policies.map((document, index): [string, string] => [`policy-${index}`, JSON.stringify(document)])),
      attached: new Set(),
      assumableAt: 0,
      refusalsLeft: 0,
    };
    this.account(accountId).roles.set(roleName, role);
    this.seededRoles.add(arn);
    return this.credentials.issueSession({
      accountId,
      partition: this.partition,
      roleName,
      roleArn: arn,
      roleId: role.id,
      sessionName,
      expiration: new Date(Date.now() + 12 * 3600 * 1000),
      tags: {},
      mfa: false,
    });
  }

  private readonly seededRoles = new Set<string>();

  private awsManagedArn(name: string): string {
    return `arn:${this.partition}:iam::aws:policy/${name}`;
  }

  private managedDocument(arn: string): Json | undefined {
    const awsManaged = new RegExp(`^arn:${this.partition}:iam::aws:policy/(.+)$`).exec(arn);
    if (awsManaged) return awsManaged[1] === ADMINISTRATOR_ACCESS ? ADMIN_POLICY : publishedAwsManagedPolicy(awsManaged[1]);
    const accountId = arn.split(":")[4];
    const policy = [...this.account(accountId).policies.values()].find((p) => p.arn === arn);
    const version = policy?.versions.find((v) => v.id === policy.defaultVersion);
    return version && (JSON.parse(version.document) as Json);
  }

  /** A role by ARN, for STS. */
  findRole(arn: string): (Pick<Role, "name" | "arn" | "id" | "trustPolicy" | "maxSessionDuration"> & { accountId: string }) | undefined {
    const role = this.roleByArn(arn);
    return role && { ...role, accountId: arn.split(":")[4] };
  }

  private roleByArn(arn: string): Role | undefined {
    return [...(this.accounts.get(arn.split(":")[4])?.roles.values() ?? [])].find((r) => r.arn === arn);
  }

  /** An OIDC provider by ARN, for STS's AssumeRoleWithWebIdentity. */
  findOidcProvider(arn: string): Pick<OidcProvider, "arn" | "url" | "clientIds"> | undefined {
    return this.accounts.get(arn.split(":")[4])?.oidcProviders.get(arn);
  }

  /** Whether a role has propagated far enough to be assumed; each refusal counts down. */
  propagated(arn: string, now: Date): boolean {
    const role = this.roleByArn(arn);
    if (!role || now.getTime() < role.assumableAt) return false;
    if (role.refusalsLeft > 0) {
      role.refusalsLeft -= 1;
      return false;
    }
    return true;
  }

  /** Identity policies and boundary of a caller: its user's or its role's, groups included. */
  policiesOf(caller: Caller): PrincipalPolicies {
    const account = this.account(caller.accountId);
    const collect = (owner: string, inline: Map<string, string>, attached: Set<string>) => [
      ...[...inline].map(([name, document]) => ({ name: `${owner}/${name}`, document: JSON.parse(document) as Json })),
      ...[...attached].flatMap((arn) => {
        const document = this.managedDocument(arn);
        return document ? [{ name: arn, document }] : [];
      }),
    ];
    // The root user needs no policy in its own account; a resource policy decides elsewhere.
    if (caller.root)
      return { identity: [{ name: "root", document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] } }] };
    if (caller.session) {
      const role = account.roles.get(caller.session.roleName);
      if (!role) return { identity: [] };
      const boundary = role.permissionsBoundary ? this.managedDocument(role.permissionsBoundary) : undefined;
      return { identity: collect(role.name, role.inline, role.attached), boundary };
    }
    const user = caller.userName ? account.users.get(caller.userName) : undefined;
    if (!user) return { identity: [] };
    const groups = [...account.groups.values()].filter((g) => g.members.has(user.name));
    return {
      identity: [...collect(user.name, user.inline, user.attached), ...groups.flatMap((g) => collect(`group/${g.name}`, g.inline, g.attached))],
    };
  }

  /** Everything IAM holds, per account, except the double's own users: what a destroy must leave empty. */
  inventory(): Record<string, string[]> {
    return Object.fromEntries(
      [...this.accounts].map(([accountId, account]) => [
        accountId,
        [
          ...[...account.roles.values()].filter((r) => !this.seededRoles.has(r.arn)).map((r) => r.arn),
          ...[...account.policies.values()].map((p) => p.arn),
          ...[...account.groups.values()].map((g) => g.arn),
          ...[...account.users.values()].filter((u) => !this.seededUsers.has(u.arn)).map((u) => u.arn),
          ...account.oidcProviders.keys(),
        ],
      ]),
    );
  }

  private readonly seededUsers = new Set<string>();

  /** Marks users the double itself created, so the inventory leaves them out. */
  markSeeded(): void {
    for (const account of this.accounts.values()) for (const user of account.users.values()) this.seededUsers.add(user.arn);
  }

  private addUser(accountId: string, name: string, path: string, tags: Record<string, string>): User {
    const account = this.account(accountId);
    if (nameTaken(account.users, name)) throw new AwsError("EntityAlreadyExists", `User with name ${name} already exists.`, 409);
    const user: User = {
      name,
      path,
      arn: this.arn(accountId, "user", path, name),
      id: newId("AIDA", 17, true),
      created: new Date(),
      tags,
      attached: new Set(),
      inline: new Map(),
      accessKeys: new Map(),
    };
    account.users.set(name, user);
    return user;
  }

  private buildHandlers(): Record<string, Handler> {
    const accountOf = (c: CallContext) => this.account(c.caller.accountId);
    const name = (params: QueryParams, key: string) => {
      const value = params.required(key);
      if (!IAM_NAME.test(value) || value.length > (IAM_RULES.nameLength[key] ?? 128))
        throw new AwsError(
          "ValidationError",
          `1 validation error detected: Value '${value}' at '${key}' failed to satisfy constraint: Member must have length less than or equal to ${IAM_RULES.nameLength[key] ?? 128}, and match [\\w+=,.@-]+`,
        );
      return value;
    };
    /** Tags of a create call, refused as IAM refuses them. */
    const validTags = (params: QueryParams) => {
      const tags = memberTags(params);
      const problem = tagProblem(tags);
      if (problem) throw problem;
      return tags;
    };
    const quota = (what: string, limit: number, text: string) => {
      if (policySize(text) > limit) throw new AwsError("LimitExceeded", `Cannot exceed quota for ${what}: ${limit}`, 409);
      return text;
    };
    const path = (params: QueryParams) => {
      const value = params.get("Path") ?? "/";
      if (!IAM_PATH.test(value))
        throw new AwsError(
          "ValidationError",
          `The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.`,
        );
      return value;
    };
    const noSuch = (kind: string, id: string) => new AwsError("NoSuchEntity", `The ${kind} with name ${id} cannot be found.`, 404);
    const roleOf = (c: CallContext) => {
      const role = accountOf(c).roles.get(c.params.required("RoleName"));
      if (!role) throw noSuch("role", c.params.required("RoleName"));
      return role;
    };
    const oidcProviderOf = (c: CallContext) => {
      const arn = c.params.required("OpenIDConnectProviderArn");
      const provider = accountOf(c).oidcProviders.get(arn);
      if (!provider) throw new AwsError("NoSuchEntity", `OpenIDConnect Provider not found for arn ${arn}`, 404);
      return provider;
    };
    const groupOf = (c: CallContext) => {
      const group = accountOf(c).groups.get(c.params.required("GroupName"));
      if (!group) throw noSuch("group", c.params.required("GroupName"));
      return group;
    };
    const userOf = (c: CallContext) => {
      const userName = c.params.get("UserName") ?? c.caller.userName ?? "";
      const user = accountOf(c).users.get(userName);
      if (!user) throw noSuch("user", userName);
      return user;
    };
    const policyOf = (c: CallContext) => {
      const arn = c.params.required("PolicyArn");
      const policy = [...accountOf(c).policies.values()].find((p) => p.arn === arn);
      if (!policy) throw new AwsError("NoSuchEntity", `Policy ${arn} does not exist or is not attachable.`, 404);
      return policy;
    };
    /** A managed policy of the caller's account or AWS's: a policy of another account is not attachable. */
    const attachableArn = (c: CallContext, arn: string) => {
      const owner = arn.split(":")[4];
      if ((owner !== "aws" && owner !== c.caller.accountId) || !this.managedDocument(arn))
        throw new AwsError("NoSuchEntity", `Policy ${arn} does not exist or is not attachable.`, 404);
      return arn;
    };
    const attachable = (c: CallContext) => attachableArn(c, c.params.required("PolicyArn"));
    /**
     * Only AWS changes the policies of its own roles, whoever asks: checked before the caller's policies (the
     * evaluator cannot read the ARN of a role whose path holds a service's domain, and would answer AccessDenied).
     */
    const modifiable = (holder: { readonly name: string; readonly path?: string }) => {
      if (holder.path && isProtectedRolePath(holder.path))
        throw new AwsError(
          "UnmodifiableEntity",
          `Cannot perform the operation on the protected role '${holder.name}' - this role is only modifiable by AWS`,
          400,
        );
    };
    const on =
      (action: string, resource: string, context: Record<string, string | string[]> = {}) =>
      (c: CallContext) =>
        c.authorize(`iam:${action}`, [{ resource, context }]);
    const list = <T>(key: string, items: T[]) => ({ [key]: items, IsTruncated: false });
    const document = (text: string) => encodeURIComponent(text);
    const roleXml = (r: Role): XmlValue => ({
      Path: r.path,
      RoleName: r.name,
      RoleId: r.id,
      Arn: r.arn,
      CreateDate: r.created,
      AssumeRolePolicyDocument: document(r.trustPolicy),
      Description: r.description || undefined,
      MaxSessionDuration: r.maxSessionDuration,
      PermissionsBoundary: r.permissionsBoundary ? { PermissionsBoundaryType: "Policy", PermissionsBoundaryArn: r.permissionsBoundary } : undefined,
      Tags: Object.keys(r.tags).length ? tagList(r.tags) : undefined,
      RoleLastUsed: {},
    });
    const policyXml = (p: ManagedPolicy): XmlValue => ({
      PolicyName: p.name,
      PolicyId: p.id,
      Arn: p.arn,
      Path: p.path,
      DefaultVersionId: p.defaultVersion,
      AttachmentCount: this.attachmentCount(p.arn),
      PermissionsBoundaryUsageCount: 0,
      IsAttachable: true,
      Description: p.description || undefined,
      CreateDate: p.created,
      UpdateDate: p.created,
      Tags: Object.keys(p.tags).length ? tagList(p.tags) : undefined,
    });
    const groupXml = (g: Group): XmlValue => ({ Path: g.path, GroupName: g.name, GroupId: g.id, Arn: g.arn, CreateDate: g.created });
    const userXml = (u: User): XmlValue => ({
      Path: u.path,
      UserName: u.name,
      UserId: u.id,
      Arn: u.arn,
      CreateDate: u.created,
      Tags: Object.keys(u.tags).length ? tagList(u.tags) : undefined,
    });
    const attachedXml = (arns: Set<string>) => [...arns].map((arn) => ({ PolicyName: arn.split("/").pop(), PolicyArn: arn }));
    const validDocument = (text: string, field: string) => {
      try {
        JSON.parse(text);
      } catch {
        throw new AwsError("MalformedPolicyDocument", `${field} is not valid JSON`);
      }
      return text;
    };

    /** Inline and attached policies work alike on roles, groups and users: `PutRolePolicy`, `AttachGroupPolicy`... */
    const policyHolderHandlers = (
      kind: "Role" | "Group" | "User",
      holderOf: (c: CallContext) => {
        readonly name: string;
        readonly path?: string;
        readonly arn: string;
        readonly inline: Map<string, string>;
        readonly attached: Set<string>;
      },
    ): Record<string, Handler> => {
      const noSuchPolicy = (name: string) => new AwsError("NoSuchEntity", `The ${kind.toLowerCase()} policy with name ${name} cannot be found.`, 404);
      return {
        [`Put${kind}Policy`]: async (c) => {
          const holder = holderOf(c);
          modifiable(holder);
          await on(`Put${kind}Policy`, holder.arn)(c);
          const policyName = name(c.params, "PolicyName");
          const text = validDocument(c.params.required("PolicyDocument"), "PolicyDocument");
          // A role's inline policies share one quota (RolePolicySize): the new one counted with the others.
          if (kind === "Role") {
            const others = [...holder.inline].filter(([other]) => other !== policyName).map(([, other]) => policySize(other));
            if (others.reduce((sum, size) => sum + size, policySize(text)) > IAM_RULES.roleInlineChars)
              throw new AwsError("LimitExceeded", `Maximum policy size of ${IAM_RULES.roleInlineChars} bytes exceeded for role ${holder.name}`, 409);
          }
          holder.inline.set(policyName, text);
          return undefined;
        },
        [`Get${kind}Policy`]: async (c) => {
          const holder = holderOf(c);
          await on(`Get${kind}Policy`, holder.arn)(c);
          const policyName = c.params.required("PolicyName");
          const text = holder.inline.get(policyName);
          if (text === undefined) throw noSuchPolicy(policyName);
          return { [`${kind}Name`]: holder.name, PolicyName: policyName, PolicyDocument: document(text) };
        },
        [`List${kind}Policies`]: async (c) => {
          const holder = holderOf(c);
          await on(`List${kind}Policies`, holder.arn)(c);
          return list("PolicyNames", [...holder.inline.keys()]);
        },
        [`Delete${kind}Policy`]: async (c) => {
          const holder = holderOf(c);
          await on(`Delete${kind}Policy`, holder.arn)(c);
          if (!holder.inline.delete(c.params.required("PolicyName"))) throw noSuchPolicy(c.params.required("PolicyName"));
          return undefined;
        },
        [`Attach${kind}Policy`]: async (c) => {
          const holder = holderOf(c);
          const arn = attachable(c);
          modifiable(holder);
          await on(`Attach${kind}Policy`, holder.arn, { "iam:PolicyARN": arn })(c);
          if (!holder.attached.has(arn) && holder.attached.size >= IAM_RULES.attachedPolicies)
            throw new AwsError("LimitExceeded", `Cannot exceed quota for PoliciesPer${kind}: ${IAM_RULES.attachedPolicies}`, 409);
          holder.attached.add(arn);
          return undefined;
        },
        [`Detach${kind}Policy`]: async (c) => {
          const holder = holderOf(c);
          const arn = c.params.required("PolicyArn");
          await on(`Detach${kind}Policy`, holder.arn, { "iam:PolicyARN": arn })(c);
          if (!holder.attached.delete(arn)) throw new AwsError("NoSuchEntity", `Policy ${arn} was not found.`, 404);
          return undefined;
        },
        [`ListAttached${kind}Policies`]: async (c) => {
          const holder = holderOf(c);
          await on(`ListAttached${kind}Policies`, holder.arn)(c);
          return list("AttachedPolicies", attachedXml(holder.attached));
        },
      };
    };

    return {
      // Roles
      CreateRole: async (c) => {
        const roleName = name(c.params, "RoleName");
        const rolePath = path(c.params);
        const arn = this.arn(c.caller.accountId, "role", rolePath, roleName);
        const tags = validTags(c.params);
        const boundary = c.params.get("PermissionsBoundary");
        if (boundary) attachableArn(c, boundary);
        const seconds = c.params.int("MaxSessionDuration") ?? IAM_RULES.sessionSeconds.min;
        if (seconds < IAM_RULES.sessionSeconds.min || seconds > IAM_RULES.sessionSeconds.max)
          throw new AwsError(
            "ValidationError",
            `1 validation error detected: Value '${seconds}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value between 3600 and 43200`,
          );
        if ((c.params.get("Description") ?? "").length > IAM_RULES.descriptionLength)
          throw new AwsError(
            "ValidationError",
            "1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 1000",
          );
        quota("ACLSizePerRole", IAM_RULES.trustPolicyChars, c.params.required("AssumeRolePolicyDocument"));
        await on("CreateRole", arn, { ...requestTagContext(tags), ...(boundary ? { "iam:PermissionsBoundary": boundary } : {}) })(c);
        const account = accountOf(c);
        if (nameTaken(account.roles, roleName)) throw new AwsError("EntityAlreadyExists", `Role with name ${roleName} already exists.`, 409);
        const role: Role = {
          name: roleName,
          path: rolePath,
          arn,
          id: newId("AROA", 17, true),
          created: c.now,
          trustPolicy: validDocument(c.params.required("AssumeRolePolicyDocument"), "AssumeRolePolicyDocument"),
          description: c.params.get("Description") ?? "",
          maxSessionDuration: c.params.int("MaxSessionDuration") ?? 3600,
          permissionsBoundary: boundary,
          tags,
          inline: new Map(),
          attached: new Set(),
          assumableAt: c.now.getTime() + (this.consistency.delayMs ?? 0),
          refusalsLeft: this.consistency.refusals ?? 0,
        };
        account.roles.set(roleName, role);
        return { Role: roleXml(role) };
      },
      GetRole: async (c) => {
        const role = roleOf(c);
        await on("GetRole", role.arn)(c);
        return { Role: roleXml(role) };
      },
      UpdateRole: async (c) => {
        const role = roleOf(c);
        await on("UpdateRole", role.arn)(c);
        role.description = c.params.get("Description") ?? role.description;
        role.maxSessionDuration = c.params.int("MaxSessionDuration") ?? role.maxSessionDuration;
        return {};
      },
      UpdateRoleDescription: async (c) => {
        const role = roleOf(c);
        await on("UpdateRoleDescription", role.arn)(c);
        role.description = c.params.get("Description") ?? "";
        return { Role: roleXml(role) };
      },
      UpdateAssumeRolePolicy: async (c) => {
        const role = roleOf(c);
        await on("UpdateAssumeRolePolicy", role.arn)(c);
        role.trustPolicy = quota("ACLSizePerRole", IAM_RULES.trustPolicyChars, validDocument(c.params.required("PolicyDocument"), "PolicyDocument"));
        return undefined;
      },
      PutRolePermissionsBoundary: async (c) => {
        const role = roleOf(c);
        await on("PutRolePermissionsBoundary", role.arn, { "iam:PermissionsBoundary": c.params.required("PermissionsBoundary") })(c);
        attachableArn(c, c.params.required("PermissionsBoundary"));
        role.permissionsBoundary = c.params.required("PermissionsBoundary");
        return undefined;
      },
      DeleteRolePermissionsBoundary: async (c) => {
        const role = roleOf(c);
        await on("DeleteRolePermissionsBoundary", role.arn)(c);
        role.permissionsBoundary = undefined;
        return undefined;
      },
      TagRole: async (c) => {
        const role = roleOf(c);
        const tags = validTags(c.params);
        const problem = tagProblem({ ...role.tags, ...tags });
        if (problem) throw problem;
        await on("TagRole", role.arn, { ...requestTagContext(tags), ...resourceTagContext(role.tags) })(c);
        role.tags = { ...role.tags, ...tags };
        return undefined;
      },
      UntagRole: async (c) => {
        const role = roleOf(c);
        const keys = c.params.strings("TagKeys.member");
        await on("UntagRole", role.arn, { "aws:TagKeys": keys, ...resourceTagContext(role.tags) })(c);
        role.tags = Object.fromEntries(Object.entries(role.tags).filter(([key]) => !keys.includes(key)));
        return undefined;
      },
      ListRoleTags: async (c) => {
        const role = roleOf(c);
        await on("ListRoleTags", role.arn)(c);
        return list("Tags", tagList(role.tags));
      },
      DeleteRole: async (c) => {
        const role = roleOf(c);
        await on("DeleteRole", role.arn)(c);
        if (role.inline.size > 0 || role.attached.size > 0)
          throw new AwsError("DeleteConflict", "Cannot delete entity, must delete policies first.", 409);
        accountOf(c).roles.delete(role.name);
        return undefined;
      },
      ListInstanceProfilesForRole: async (c) => {
        const role = roleOf(c);
        await on("ListInstanceProfilesForRole", role.arn)(c);
        return list("InstanceProfiles", []);
      },
      ...policyHolderHandlers("Role", roleOf),
      // OpenID Connect providers
      CreateOpenIDConnectProvider: async (c) => {
        const url = c.params.required("Url");
        if (!/^https:\/\/[^?#\s]+$/.test(url) || url.length > 255)
          throw new AwsError("ValidationError", `1 validation error detected: Value '${url}' at 'url' failed to satisfy constraint`);
        const clientIds = c.params.strings("ClientIDList.member");
        const thumbprints = c.params.strings("ThumbprintList.member");
        const badClientId = clientIds.find((id) => id.length < 1 || id.length > IAM_RULES.oidc.clientIdLength);
        if (badClientId !== undefined)
          throw new AwsError("ValidationError", `1 validation error detected: Value '${badClientId}' at 'clientIDList' failed to satisfy constraint`);
        if (clientIds.length > IAM_RULES.oidc.maxClientIds)
          throw new AwsError("LimitExceeded", `Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: ${IAM_RULES.oidc.maxClientIds}`, 409);
        if (thumbprints.length > IAM_RULES.oidc.maxThumbprints || thumbprints.some((t) => t.length !== 40))
          throw new AwsError("ValidationError", "1 validation error detected: Value at 'thumbprintList' failed to satisfy constraint");
        const arn = this.arn(c.caller.accountId, "oidc-provider", "/", url.replace(/^https:\/\//, "").replace(/\/$/, ""));
        const tags = validTags(c.params);
        await on("CreateOpenIDConnectProvider", arn, requestTagContext(tags))(c);
        const providers = accountOf(c).oidcProviders;
        if (providers.has(arn)) throw new AwsError("EntityAlreadyExists", `Provider with url ${url} already exists.`, 409);
        providers.set(arn, {
          arn,
          url: arn.split(":oidc-provider/")[1],
          clientIds: new Set(clientIds),
          thumbprints,
          created: new Date(),
          tags,
        });
        return { OpenIDConnectProviderArn: arn, Tags: Object.keys(tags).length ? tagList(tags) : undefined };
      },
      GetOpenIDConnectProvider: async (c) => {
        const provider = oidcProviderOf(c);
        await on("GetOpenIDConnectProvider", provider.arn)(c);
        return {
          Url: provider.url,
          ClientIDList: [...provider.clientIds],
          ThumbprintList: provider.thumbprints,
          CreateDate: provider.created,
          Tags: Object.keys(provider.tags).length ? tagList(provider.tags) : undefined,
        };
      },
      ListOpenIDConnectProviders: async (c) => {
        await on("ListOpenIDConnectProviders", "*")(c);
        return { OpenIDConnectProviderList: [...accountOf(c).oidcProviders.keys()].map((arn) => ({ Arn: arn })) };
      },
      DeleteOpenIDConnectProvider: async (c) => {
        const provider = oidcProviderOf(c);
        await on("DeleteOpenIDConnectProvider", provider.arn)(c);
        accountOf(c).oidcProviders.delete(provider.arn);
        return undefined;
      },
      // Managed policies
      CreatePolicy: async (c) => {
        const policyName = name(c.params, "PolicyName");
        const policyPath = path(c.params);
        const arn = this.arn(c.caller.accountId, "policy", policyPath, policyName);
        const tags = validTags(c.params);
        quota("PolicySize", IAM_RULES.managedPolicyChars, c.params.required("PolicyDocument"));
        await on("CreatePolicy", arn, requestTagContext(tags))(c);
        const account = accountOf(c);
        if (nameTaken(account.policies, policyName))
          throw new AwsError("EntityAlreadyExists", `A policy called ${policyName} already exists. Duplicate names are not allowed.`, 409);
        const policy: ManagedPolicy = {
          name: policyName,
          path: policyPath,
          arn,
          id: newId("ANPA", 17, true),
          description: c.params.get("Description") ?? "",
          created: c.now,
          versions: [{ id: "v1", document: validDocument(c.params.required("PolicyDocument"), "PolicyDocument"), created: c.now }],
          defaultVersion: "v1",
          tags,
        };
        account.policies.set(policyName, policy);
        return { Policy: policyXml(policy) };
      },
      GetPolicy: async (c) => {
        const arn = c.params.required("PolicyArn");
        await on("GetPolicy", arn)(c);
        return { Policy: policyXml(policyOf(c)) };
      },
      GetPolicyVersion: async (c) => {
        const arn = c.params.required("PolicyArn");
        await on("GetPolicyVersion", arn)(c);
        const version = policyOf(c).versions.find((v) => v.id === c.params.required("VersionId"));
        if (!version) throw new AwsError("NoSuchEntity", `Policy ${arn} version ${c.params.get("VersionId")} does not exist.`, 404);
        return {
          PolicyVersion: {
            Document: document(version.document),
            VersionId: version.id,
            IsDefaultVersion: version.id === policyOf(c).defaultVersion,
            CreateDate: version.created,
          },
        };
      },
      ListPolicyVersions: async (c) => {
        const arn = c.params.required("PolicyArn");
        await on("ListPolicyVersions", arn)(c);
        const policy = policyOf(c);
        return list(
          "Versions",
          policy.versions.map((v) => ({ VersionId: v.id, IsDefaultVersion: v.id === policy.defaultVersion, CreateDate: v.created })),
        );
      },
      CreatePolicyVersion: async (c) => {
        const arn = c.params.required("PolicyArn");
        await on("CreatePolicyVersion", arn)(c);
        const policy = policyOf(c);
        if (policy.versions.length >= 5) throw new AwsError("LimitExceeded", "A managed policy can have up to 5 versions.", 409);
        const next = `v${Math.max(...policy.versions.map((v) => Number(v.id.slice(1)))) + 1}`;
        policy.versions.push({ id: next, document: validDocument(c.params.required("PolicyDocument"), "PolicyDocument"), created: c.now });
        if (c.params.bool("SetAsDefault")) policy.defaultVersion = next;
        return { PolicyVersion: { VersionId: next, IsDefaultVersion: policy.defaultVersion === next, CreateDate: c.now } };
      },
      DeletePolicyVersion: async (c) => {
        const arn = c.params.required("PolicyArn");
        await on("DeletePolicyVersion", arn)(c);
        const policy = policyOf(c);
        const id = c.params.required("VersionId");
        if (id === policy.defaultVersion) throw new AwsError("DeleteConflict", "Cannot delete the default version of a policy.", 409);
        policy.versions = policy.versions.filter((v) => v.id !== id);
        return undefined;
      },
      TagPolicy: async (c) => {
        const policy = policyOf(c);
        const tags = memberTags(c.params);
        await on("TagPolicy", policy.arn, requestTagContext(tags))(c);
        policy.tags = { ...policy.tags, ...tags };
        return undefined;
      },
      UntagPolicy: async (c) => {
        const policy = policyOf(c);
        const keys = c.params.strings("TagKeys.member");
        await on("UntagPolicy", policy.arn, { "aws:TagKeys": keys })(c);
        policy.tags = Object.fromEntries(Object.entries(policy.tags).filter(([key]) => !keys.includes(key)));
        return undefined;
      },
      DeletePolicy: async (c) => {
        const arn = c.params.required("PolicyArn");
        await on("DeletePolicy", arn)(c);
        const policy = policyOf(c);
        if (this.attachmentCount(arn) > 0) throw new AwsError("DeleteConflict", "Cannot delete a policy attached to entities.", 409);
        if (policy.versions.length > 1)
          throw new AwsError(
            "DeleteConflict",
            "This policy has more than one version. Before you delete a policy, you must delete the policy's versions.",
            409,
          );
        accountOf(c).policies.delete(policy.name);
        return undefined;
      },
      // Groups
      CreateGroup: async (c) => {
        const groupName = name(c.params, "GroupName");
        const groupPath = path(c.params);
        const arn = this.arn(c.caller.accountId, "group", groupPath, groupName);
        await on("CreateGroup", arn)(c);
        const account = accountOf(c);
        if (nameTaken(account.groups, groupName)) throw new AwsError("EntityAlreadyExists", `Group with name ${groupName} already exists.`, 409);
        const group: Group = {
          name: groupName,
          path: groupPath,
          arn,
          id: newId("AGPA", 17, true),
          created: c.now,
          members: new Set(),
          attached: new Set(),
          inline: new Map(),
        };
        account.groups.set(groupName, group);
        return { Group: groupXml(group) };
      },
      GetGroup: async (c) => {
        const group = groupOf(c);
        await on("GetGroup", group.arn)(c);
        const users = [...group.members].flatMap((member) => {
          const user = accountOf(c).users.get(member);
          return user ? [userXml(user)] : [];
        });
        return { Group: groupXml(group), Users: users, IsTruncated: false };
      },
      DeleteGroup: async (c) => {
        const group = groupOf(c);
        await on("DeleteGroup", group.arn)(c);
        if (group.attached.size > 0 || group.inline.size > 0)
          throw new AwsError("DeleteConflict", "Cannot delete entity, must delete policies first.", 409);
        if (group.members.size > 0) throw new AwsError("DeleteConflict", "Cannot delete entity, must remove users from group first.", 409);
        accountOf(c).groups.delete(group.name);
        return undefined;
      },
      ...policyHolderHandlers("Group", groupOf),
      AddUserToGroup: async (c) => {
        const group = groupOf(c);
        const user = userOf(c);
        await on("AddUserToGroup", group.arn)(c);
        group.members.add(user.name);
        return undefined;
      },
      RemoveUserFromGroup: async (c) => {
        const group = groupOf(c);
        await on("RemoveUserFromGroup", group.arn)(c);
        group.members.delete(c.params.required("UserName"));
        return undefined;
      },
      ListGroupsForUser: async (c) => {
        const user = userOf(c);
        await on("ListGroupsForUser", user.arn)(c);
        return list("Groups", [...accountOf(c).groups.values()].filter((g) => g.members.has(user.name)).map(groupXml));
      },
      // Users
      CreateUser: async (c) => {
        const userName = name(c.params, "UserName");
        const userPath = path(c.params);
        const tags = validTags(c.params);
        await on("CreateUser", this.arn(c.caller.accountId, "user", userPath, userName), requestTagContext(tags))(c);
        return { User: userXml(this.addUser(c.caller.accountId, userName, userPath, tags)) };
      },
      GetUser: async (c) => {
        const user = userOf(c);
        await on("GetUser", user.arn)(c);
        return { User: userXml(user) };
      },
      TagUser: async (c) => {
        const user = userOf(c);
        const tags = memberTags(c.params);
        await on("TagUser", user.arn, requestTagContext(tags))(c);
        user.tags = { ...user.tags, ...tags };
        return undefined;
      },
      UntagUser: async (c) => {
        const user = userOf(c);
        const keys = c.params.strings("TagKeys.member");
        await on("UntagUser", user.arn, { "aws:TagKeys": keys })(c);
        user.tags = Object.fromEntries(Object.entries(user.tags).filter(([key]) => !keys.includes(key)));
        return undefined;
      },
      DeleteUser: async (c) => {
        const user = userOf(c);
        await on("DeleteUser", user.arn)(c);
        const inGroup = [...accountOf(c).groups.values()].some((g) => g.members.has(user.name));
        if (user.attached.size > 0 || user.inline.size > 0 || user.accessKeys.size > 0 || inGroup)
          throw new AwsError("DeleteConflict", "Cannot delete entity, must delete policies, access keys and group memberships first.", 409);
        accountOf(c).users.delete(user.name);
        return undefined;
      },
      ...policyHolderHandlers("User", userOf),
      CreateAccessKey: async (c) => {
        const user = userOf(c);
        await on("CreateAccessKey", user.arn)(c);
        const key = this.credentials.issueUserKey({
          accountId: c.caller.accountId,
          partition: this.partition,
          userName: user.name,
          userId: user.id,
          path: user.path,
        });
        user.accessKeys.set(key.accessKeyId, c.now);
        return {
          AccessKey: { UserName: user.name, AccessKeyId: key.accessKeyId, Status: "Active", SecretAccessKey: key.secretAccessKey, CreateDate: c.now },
        };
      },
      ListAccessKeys: async (c) => {
        const user = userOf(c);
        await on("ListAccessKeys", user.arn)(c);
        return list(
          "AccessKeyMetadata",
          [...user.accessKeys].map(([id, created]) => ({ UserName: user.name, AccessKeyId: id, Status: "Active", CreateDate: created })),
        );
      },
      DeleteAccessKey: async (c) => {
        const user = userOf(c);
        await on("DeleteAccessKey", user.arn)(c);
        const accessKeyId = c.params.required("AccessKeyId");
        if (!user.accessKeys.delete(accessKeyId)) throw new AwsError("NoSuchEntity", `The Access Key with id ${accessKeyId} cannot be found.`, 404);
        this.credentials.revoke(accessKeyId);
        return undefined;
      },
    };
  }

  private attachmentCount(arn: string): number {
    let count = 0;
    for (const account of this.accounts.values()) {
      for (const holder of [...account.roles.values(), ...account.groups.values(), ...account.users.values()]) if (holder.attached.has(arn)) count++;
    }
    return count;
  }
}
