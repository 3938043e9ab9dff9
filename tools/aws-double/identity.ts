import { randomBytes } from "node:crypto";
import { AwsError } from "./protocol";

/**
 * AWS double (test double): who is calling. As in AWS, the account comes from
 * the credentials: each access key belongs to an IAM user of one account, and
 * the session credentials AssumeRole hands out belong to the role's account.
 */

/** A role session, as STS hands it out. */
export interface RoleSession {
  readonly accountId: string;
  readonly partition: string;
  readonly roleName: string;
  readonly roleArn: string;
  readonly roleId: string;
  readonly sessionName: string;
  readonly expiration: Date;
  readonly tags: Readonly<Record<string, string>>;
  readonly sourceIdentity?: string;
  readonly mfa: boolean;
}

/** The principal behind a request's credentials. */
export interface Caller {
  readonly accountId: string;
  readonly partition: string;
  /** What GetCallerIdentity answers: a user ARN, or `arn:...:sts::<account>:assumed-role/<role>/<session>`. */
  readonly arn: string;
  readonly userId: string;
  /** aws:PrincipalArn: the user, or the role behind a session. */
  readonly principalArn: string;
  readonly userName?: string;
  readonly session?: RoleSession;
  /** Long-term keys used with an MFA code (the double's stand-in for GetSessionToken with MFA). */
  readonly mfa: boolean;
  /** The account's root user: no IAM user, every right in its account, never a role. @default false */
  readonly root?: boolean;
}

interface UserKey {
  readonly kind: "user";
  readonly secret: string;
  readonly accountId: string;
  readonly partition: string;
  readonly userName: string;
  readonly userId: string;
  readonly path: string;
  readonly mfa: boolean;
}

interface RootKey {
  readonly kind: "root";
  readonly secret: string;
  readonly accountId: string;
  readonly partition: string;
}

interface SessionKey {
  readonly kind: "session";
  readonly secret: string;
  readonly token: string;
  readonly session: RoleSession;
}

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

const keyId = (prefix: "AKIA" | "ASIA") => `${prefix}${randomBytes(8).toString("hex").toUpperCase()}`;

/** Access keys and sessions of every account the double serves. */
export class CredentialStore {
  private readonly keys = new Map<string, UserKey | RootKey | SessionKey>();

  /** Issues a long-term key for an IAM user. */
  issueUserKey(
    user: { accountId: string; partition: string; userName: string; userId: string; path: string },
    options: { mfa?: boolean } = {},
  ): Credentials {
    const accessKeyId = keyId("AKIA");
    const secret = randomBytes(20).toString("base64");
    this.keys.set(accessKeyId, { kind: "user", secret, mfa: options.mfa ?? false, ...user });
    return { accessKeyId, secretAccessKey: secret };
  }

  /** Issues an access key of the account's root user, which AWS allows though it advises against it. */
  issueRootKey(account: { accountId: string; partition: string }): Credentials {
    const accessKeyId = keyId("AKIA");
    const secret = randomBytes(20).toString("base64");
    this.keys.set(accessKeyId, { kind: "root", secret, ...account });
    return { accessKeyId, secretAccessKey: secret };
  }

  /** Issues session credentials for an assumed role. */
  issueSession(session: RoleSession): Credentials {
    const accessKeyId = keyId("ASIA");
    const secret = randomBytes(20).toString("base64");
    const token = randomBytes(48).toString("base64");
    this.keys.set(accessKeyId, { kind: "session", secret, token, session });
    return { accessKeyId, secretAccessKey: secret, sessionToken: token };
  }

  /** Removes a key (DeleteAccessKey). */
  revoke(accessKeyId: string): void {
    this.keys.delete(accessKeyId);
  }

  /**
   * The caller behind an access key, or the error AWS answers for a key it
   * does not know, a missing or wrong session token, or an expired session.
   */
  resolve(accessKeyId: string, sessionToken: string | undefined, now = new Date()): Caller {
    const key = this.keys.get(accessKeyId);
    if (!key) throw new AwsError("InvalidClientTokenId", "The security token included in the request is invalid.", 403);
    if (key.kind === "root") {
      const arn = `arn:${key.partition}:iam::${key.accountId}:root`;
      return { accountId: key.accountId, partition: key.partition, arn, principalArn: arn, userId: key.accountId, mfa: false, root: true };
    }
    if (key.kind === "user") {
      const arn = `arn:${key.partition}:iam::${key.accountId}:user${key.path}${key.userName}`;
      return { accountId: key.accountId, partition: key.partition, arn, principalArn: arn, userId: key.userId, userName: key.userName, mfa: key.mfa };
    }
    if (sessionToken !== key.token) throw new AwsError("InvalidClientTokenId", "The security token included in the request is invalid.", 403);
    if (key.session.expiration <= now) throw new AwsError("ExpiredToken", "The security token included in the request is expired", 403);
    const { session } = key;
    return {
      accountId: session.accountId,
      partition: session.partition,
      arn: `arn:${session.partition}:sts::${session.accountId}:assumed-role/${session.roleName}/${session.sessionName}`,
      principalArn: session.roleArn,
      userId: `${session.roleId}:${session.sessionName}`,
      session,
      mfa: session.mfa,
    };
  }
}
