import type { IamService } from "./iam";
import type { CredentialStore } from "./identity";
import { awsQuery, AwsError } from "./protocol";
import { memberTags, requestTagContext, type CallContext, type Handler, type Service } from "./service";

/**
 * AWS double (test double): STS. `AssumeRole` needs two yeses, as in AWS:
 * the caller's identity policies and the role's trust policy, evaluated with
 * the request's external ID, session name, source identity, MFA and tags.
 */

const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

export class StsService implements Service {
  readonly signingName = "sts";
  readonly protocol = awsQuery("https://sts.amazonaws.com/doc/2011-06-15/");
  readonly handlers: Readonly<Record<string, Handler>>;

  constructor(
    private readonly credentials: CredentialStore,
    private readonly iam: IamService,
  ) {
    this.handlers = {
      // Needs no permission in AWS: every holder of valid credentials may ask who it is.
      GetCallerIdentity: (c) => ({ Arn: c.caller.arn, UserId: c.caller.userId, Account: c.caller.accountId }),
      AssumeRole: (c) => this.assumeRole(c),
    };
  }

  inventory(): Record<string, string[]> {
    return {};
  }

  private async assumeRole(c: CallContext) {
    const roleArn = c.params.required("RoleArn");
    const sessionName = c.params.required("RoleSessionName");
    if (!SESSION_NAME.test(sessionName)) {
      throw new AwsError(
        "ValidationError",
        `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
      );
    }
    const externalId = c.params.get("ExternalId");
    const sourceIdentity = c.params.get("SourceIdentity");
    const tags = memberTags(c.params);
    const transitive = c.params.strings("TransitiveTagKeys.member");
    const denied = () =>
      new AwsError("AccessDenied", `User: ${c.caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);

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

    const duration = c.params.int("DurationSeconds") ?? 3600;
    if (duration < 900 || duration > role.maxSessionDuration) {
      throw new AwsError("ValidationError", `The requested DurationSeconds exceeds the MaxSessionDuration set for this role.`);
    }
    const expiration = new Date(c.now.getTime() + duration * 1000);
    const session = {
      accountId: role.accountId,
      partition: this.iam.partition,
      roleName: role.name,
      roleArn: role.arn,
      roleId: role.id,
      sessionName,
      expiration,
      tags: { ...(c.caller.session?.tags ?? {}), ...tags },
      sourceIdentity: sourceIdentity ?? c.caller.session?.sourceIdentity,
      mfa: c.caller.mfa,
    };
    const issued = this.credentials.issueSession(session);
    return {
      Credentials: {
        AccessKeyId: issued.accessKeyId,
        SecretAccessKey: issued.secretAccessKey,
        SessionToken: issued.sessionToken,
        Expiration: expiration,
      },
      AssumedRoleUser: {
        AssumedRoleId: `${role.id}:${sessionName}`,
        Arn: `arn:${this.iam.partition}:sts::${role.accountId}:assumed-role/${role.name}/${sessionName}`,
      },
      PackedPolicySize: Object.keys(tags).length ? 6 : undefined,
      SourceIdentity: session.sourceIdentity,
    };
  }
}
