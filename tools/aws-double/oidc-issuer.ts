import { createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";
import { AwsError } from "./protocol";

/**
 * AWS double (test double): the CI's OpenID Connect issuer (GitHub Actions'
 * token service, for example). It signs ID tokens (RS256 JWTs) with a key of
 * its own per issuer URL, and STS checks a token's signature with that key,
 * as AWS checks it with the keys the issuer publishes.
 */

/** The claims of an ID token the double issues. */
export interface IdTokenClaims {
  /** Issuer URL, e.g. `https://token.actions.githubusercontent.com`. */
  readonly iss: string;
  readonly sub: string;
  readonly aud: string;
  /** Seconds the token is valid. @default 300 */
  readonly expiresIn?: number;
  /** More claims, such as GitHub's `repository` or `ref`. */
  readonly extra?: Readonly<Record<string, string>>;
}

/** The verified claims of a token. */
export type VerifiedClaims = Readonly<Record<string, string | number>>;

const base64url = (value: Buffer | string) => Buffer.from(value).toString("base64url");
const invalid = (message: string) => new AwsError("InvalidIdentityToken", message);

export class OidcIssuers {
  private readonly keys = new Map<string, { readonly privateKey: KeyObject; readonly publicKey: KeyObject }>();

  /** Signs an ID token as the issuer `claims.iss` would. */
  token(claims: IdTokenClaims, now = new Date()): string {
    const issuedAt = Math.floor(now.getTime() / 1000);
    const payload = {
      ...claims.extra,
      iss: claims.iss,
      sub: claims.sub,
      aud: claims.aud,
      iat: issuedAt,
      nbf: issuedAt,
      exp: issuedAt + (claims.expiresIn ?? 300),
    };
    const input = `${base64url(JSON.stringify({ alg: "RS256", typ: "JWT", kid: "double" }))}.${base64url(JSON.stringify(payload))}`;
    return `${input}.${base64url(sign("sha256", Buffer.from(input), this.keyOf(claims.iss).privateKey))}`;
  }

  /**
   * The claims of a token whose signature its issuer's key verifies, or the
   * error STS answers: InvalidIdentityToken for a malformed or forged token,
   * ExpiredTokenException for an expired one.
   */
  verify(token: string, now = new Date()): VerifiedClaims {
    const [header, payload, signature, ...rest] = token.split(".");
    if (!header || !payload || !signature || rest.length > 0) throw invalid("The ID token is not a well-formed JWT.");
    let claims: Record<string, string | number>;
    try {
      claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, string | number>;
    } catch {
      throw invalid("The ID token is not a well-formed JWT.");
    }
    const key = typeof claims.iss === "string" ? this.keys.get(claims.iss) : undefined;
    if (!key || !verify("sha256", Buffer.from(`${header}.${payload}`), key.publicKey, Buffer.from(signature, "base64url"))) {
      throw invalid("Couldn't verify the ID token's signature with the issuer's keys.");
    }
    if (typeof claims.exp !== "number" || claims.exp * 1000 <= now.getTime()) {
      throw new AwsError("ExpiredTokenException", "Token is expired", 400);
    }
    return claims;
  }

  private keyOf(issuer: string) {
    let key = this.keys.get(issuer);
    if (!key) {
      const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
      key = { privateKey, publicKey: createPublicKey(privateKey) };
      this.keys.set(issuer, key);
    }
    return key;
  }
}
