import { oidcProviderArn, roleArn } from "./arn";
import type { AppConfig } from "./config/schema";
import { ciRoleName } from "./names";

/**
 * The source-account role CI assumes with its OIDC token, for one
 * destination: it may assume that destination's role and nothing else.
 */
export interface CiOidcSettings {
  readonly roleName: string;
  readonly roleArn: string;
  /** The provider URL without `https://`: IAM names the provider and its condition keys (`<issuer>:sub`) with it. */
  readonly issuer: string;
  readonly providerUrl: string;
  readonly providerArn: string;
  readonly audience: string;
  readonly subjects: readonly string[];
  /** Create the provider; otherwise look it up (one per URL per account). */
  readonly createProvider: boolean;
  /** The S3 backend's state role, which CI must assume too to read and write state. @default - none (local state) */
  readonly stateRoleArn?: string;
}

/** The CI role of one destination, when `source.ciOidc` asks for one. */
export function ciOidcSettings(config: AppConfig, destination: string): CiOidcSettings | undefined {
  const ci = config.source.ciOidc;
  if (!ci) return undefined;
  const name = ciRoleName(config.role.name, destination);
  const issuer = ci.providerUrl.replace(/^https:\/\//, "");
  return {
    roleName: name,
    roleArn: roleArn(config.partition, config.source.accountId, name),
    issuer,
    providerUrl: ci.providerUrl,
    providerArn: oidcProviderArn(config.partition, config.source.accountId, issuer),
    audience: ci.audience,
    subjects: ci.subjects,
    createProvider: ci.createProvider,
    ...(config.backend.type === "s3" && config.backend.roleArn ? { stateRoleArn: config.backend.roleArn } : {}),
  };
}
