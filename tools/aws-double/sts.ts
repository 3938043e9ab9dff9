import { authorizeWebIdentity } from "./authorizer";
import { tagProblem, type IamService } from "./iam";
import type { CredentialStore, RoleSession } from "./identity";
import type { OidcIssuers } from "./oidc-issuer";
import { awsQuery, AwsError, type QueryParams } from "./protocol";
import {
  memberTags,
  requestTagContext,
  type CallContext,
  type Handler,
  type Service,
  type UnsignedCallContext,
  type UnsignedHandler,
} from "./service";

/**
 * AWS double (test double): STS. `AssumeRole` needs two yeses, as in AWS:
 * the caller's identity policies and the role's trust policy, evaluated with
 * the request's external ID, session name, source identity, MFA and tags.
 * `AssumeRoleWithWebIdentity` needs a token its issuer signed, an OIDC
 * provider for that issuer and audience in the role's account, and the
 * role's trust, evaluated with the token's claims.
 */

/** AssumeRole's parameter rules, from the STS API Reference. */
export const STS_RULES = {
  roleSessionName: { min: 2, max: 64, pattern: "[\\w+=,.@-]*" },
  externalId: { min: 2, max: 1224, pattern: "[\\w+=,.@:/-]*" },
  sourceIdentity: { min: 2, max: 64, pattern: "[\\w+=,.@-]*" },
  /** Session tags and transitive tag keys, each. */
  maxTags: 50,
  /**
   * STS packs session tags into a space whose size AWS does not publish. One published measurement sets the double's:
   * 9 tags of 2-character keys and 250-character values, 2,268 characters, took 498% of it
   * (aws-actions/configure-aws-credentials#1898).
   */
  packedSessionTags: { characters: 2268, percent: 498 },
} as const;
// Registered JWT claims that AWS does not turn into condition keys.
const NOT_CONDITION_KEYS = new Set(["iss", "exp", "iat", "nbf", "jti"]);

type AssumableRole = NonNullable<ReturnType<IamService["findRole"]>>;

export class StsService implements Service {
  readonly signingName = "sts";
  readonly protocol = awsQuery("https://sts.amazonaws.com/doc/2011-06-15/");
  readonly handlers: Readonly<Record<string, Handler>>;
  readonly unsignedHandlers: Readonly<Record<string, UnsignedHandler>>;

  constructor(
    private readonly credentials: CredentialStore,
    private readonly iam: IamService,
    private readonly issuers: OidcIssuers,
  ) {
    this.handlers = {
      // Needs no permission in AWS: every holder of valid credentials may ask who it is.
      GetCallerIdentity: (c) => ({ Arn: c.caller.arn, UserId: c.caller.userId, Account: c.caller.accountId }),
      AssumeRole: (c) => this.assumeRole(c),
    };
    this.unsignedHandlers = { AssumeRoleWithWebIdentity: (c) => this.assumeRoleWithWebIdentity(c) };
  }

  inventory(): Record<string, string[]> {
    return {};
  }

  private async assumeRole(c: CallContext) {
    const roleArn = c.params.required("RoleArn");
    const sessionName = validSessionName(c.params);
    const externalId = constrained(c.params, "ExternalId", STS_RULES.externalId);
    const sourceIdentity = constrained(c.params, "SourceIdentity", STS_RULES.sourceIdentity);
    if (sourceIdentity?.toLowerCase().startsWith("aws:"))
      throw new AwsError("ValidationError", `SourceIdentity cannot begin with the reserved prefix 'aws:': ${sourceIdentity}`);
    const tags = memberTags(c.params);
    const tagError = tagProblem(tags);
    if (tagError) throw tagError.code === "LimitExceeded" ? tooMany("tags") : new AwsError("ValidationError", tagError.message);
    const transitive = c.params.strings("TransitiveTagKeys.member");
    if (transitive.length > STS_RULES.maxTags) throw tooMany("transitiveTagKeys");
    const untagged = transitive.filter((key) => !(key in tags));
    if (untagged.length)
      throw new AwsError("InvalidParameterValue", `Transitive tag keys must be session tags of this request: ${untagged.join(", ")}`);
    const denied = () =>
      new AwsError("AccessDenied", `User: ${c.caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
    // Whatever the trust says: AWS answers the root user before it reads the role.
    if (c.caller.root) throw new AwsError("AccessDenied", "Roles may not be assumed by root accounts.", 403);

    const role = this.iam.findRole(roleArn);
    // AWS answers a role that does not exist, or does not exist yet everywhere, exactly like a refusal.
    if (!role) throw denied();
    const context = {
      "sts:RoleSessionName": sessionName,
      ...(externalId !== undefined ? { "sts:ExternalId": externalId } : {}),
      ...(sourceIdentity !== undefined ? { "sts:SourceIdentity": sourceIdentity } : {}),
      ...(transitive.length ? { "sts:TransitiveTagKeys": transitive } : {}),
      ...requestTagContext(tags),
    };
    const options = { resourcePolicy: JSON.parse(role.trustPolicy) as Record<string, unknown>, resourceAccount: role.accountId };
    const actions = [
      "sts:AssumeRole",
      ...(Object.keys(tags).length ? ["sts:TagSession"] : []),
      ...(sourceIdentity !== undefined ? ["sts:SetSourceIdentity"] : []),
    ];
    for (const action of actions) {
      try {
        await c.authorize(action, [{ resource: roleArn, context }], options);
      } catch (error) {
        if (error instanceof AwsError && error.code === "AccessDenied") throw denied();
        throw error;
      }
    }
    if (!this.iam.propagated(roleArn, c.now)) throw denied();
    const sessionTags = { ...(c.caller.session?.tags ?? {}), ...tags };
    const packed = packedSize(sessionTags);
    if (packed > 100) throw new AwsError("PackedPolicyTooLarge", `Packed size of session tags consumes ${packed}% of allotted space.`);
    const session = this.issue(role, c.params, c.now, {
      sessionName,
      tags: sessionTags,
      sourceIdentity: sourceIdentity ?? c.caller.session?.sourceIdentity,
      mfa: c.caller.mfa,
    });
    return { ...session.response, PackedPolicySize: Object.keys(tags).length ? packed : undefined, SourceIdentity: session.sourceIdentity };
  }

  private assumeRoleWithWebIdentity(c: UnsignedCallContext) {
    const roleArn = c.params.required("RoleArn");
    const sessionName = validSessionName(c.params);
    const claims = this.issuers.verify(c.params.required("WebIdentityToken"), c.now);
    const denied = () => new AwsError("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403);
    const role = this.iam.findRole(roleArn);
    if (!role) throw denied();
    const issuer = String(claims.iss).replace(/^https:\/\//, "");
    const provider = this.iam.findOidcProvider(`arn:${this.iam.partition}:iam::${role.accountId}:oidc-provider/${issuer}`);
    if (!provider) throw new AwsError("InvalidIdentityToken", `No OpenIDConnect provider found in your account for ${String(claims.iss)}`);
    if (!provider.clientIds.has(String(claims.aud))) throw new AwsError("InvalidIdentityToken", "Incorrect token audience");
    const context = {
      "sts:RoleSessionName": sessionName,
      ...Object.fromEntries(
        Object.entries(claims)
          .filter(([claim, value]) => typeof value === "string" && !NOT_CONDITION_KEYS.has(claim))
          .map(([claim, value]) => [`${issuer}:${claim}`, String(value)]),
      ),
    };
    const trustPolicy = JSON.parse(role.trustPolicy) as Record<string, unknown>;
    if (!authorizeWebIdentity({ providerArn: provider.arn, roleArn, roleAccount: role.accountId, trustPolicy, context }, c.authorizations)) {
      throw denied();
    }
    if (!this.iam.propagated(roleArn, c.now)) throw denied();
    const session = this.issue(role, c.params, c.now, { sessionName, tags: {}, mfa: false });
    return { ...session.response, SubjectFromWebIdentityToken: claims.sub, Provider: claims.iss, Audience: claims.aud };
  }

  /** Session credentials of `role`, for the requested duration within the role's maximum. */
  private issue(role: AssumableRole, params: QueryParams, now: Date, of: Pick<RoleSession, "sessionName" | "tags" | "sourceIdentity" | "mfa">) {
    const duration = params.int("DurationSeconds") ?? 3600;
    if (duration < 900 || duration > role.maxSessionDuration) {
      throw new AwsError("ValidationError", `The requested DurationSeconds exceeds the MaxSessionDuration set for this role.`);
    }
    const expiration = new Date(now.getTime() + duration * 1000);
    const session: RoleSession = {
      accountId: role.accountId,
      partition: this.iam.partition,
      roleName: role.name,
      roleArn: role.arn,
      roleId: role.id,
      expiration,
      ...of,
    };
    const issued = this.credentials.issueSession(session);
    return {
      sourceIdentity: session.sourceIdentity,
      response: {
        Credentials: {
          AccessKeyId: issued.accessKeyId,
          SecretAccessKey: issued.secretAccessKey,
          SessionToken: issued.sessionToken,
          Expiration: expiration,
        },
        AssumedRoleUser: {
          AssumedRoleId: `${role.id}:${of.sessionName}`,
          Arn: `arn:${this.iam.partition}:sts::${role.accountId}:assumed-role/${role.name}/${of.sessionName}`,
        },
      },
    };
  }
}

const validSessionName = (params: QueryParams): string =>
  constrained(params, "RoleSessionName", STS_RULES.roleSessionName) ?? params.required("RoleSessionName");

/** A parameter held to its length and pattern, refused with the message STS gives. */
function constrained(params: QueryParams, name: string, rule: { min: number; max: number; pattern: string }): string | undefined {
  const value = params.get(name);
  if (value === undefined) return undefined;
  const member = name[0].toLowerCase() + name.slice(1);
  const refuse = (constraint: string) =>
    new AwsError("ValidationError", `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`);
  if (value.length < rule.min) throw refuse(`Member must have length greater than or equal to ${rule.min}`);
  if (value.length > rule.max) throw refuse(`Member must have length less than or equal to ${rule.max}`);
  if (!new RegExp(`^${rule.pattern}$`).test(value)) throw refuse(`Member must satisfy regular expression pattern: ${rule.pattern}`);
  return value;
}

const tooMany = (member: string) =>
  new AwsError(
    "ValidationError",
    `1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${STS_RULES.maxTags}`,
  );

/** The share, in percent, of STS's packed space a session's tags take, keys and values counted as the measurement did. */
function packedSize(tags: Readonly<Record<string, string>>): number {
  const characters = Object.entries(tags).reduce((sum, [key, value]) => sum + key.length + value.length, 0);
  const { characters: measured, percent } = STS_RULES.packedSessionTags;
  return Math.round((characters * percent) / measured);
}
