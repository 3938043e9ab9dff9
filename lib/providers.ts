import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { Construct } from "constructs";
import type { Tags } from "./config/schema";

/** The role a provider assumes, as Terraform's `assume_role` block takes it. */
export interface AssumeRoleSettings {
  readonly roleArn: string;
  readonly sessionName: string;
  /** @default - no external ID is sent */
  readonly externalId?: string;
  /** @default - no source identity is set */
  readonly sourceIdentity?: string;
  /** @default - no session tags */
  readonly tags?: Tags;
}

export interface AccountProviderProps {
  /** Provider alias; resources pick it with `provider:`. @default - the default provider */
  readonly alias?: string;
  readonly region: string;
  /** Shared-config profile. @default - the standard credential chain (env vars, SSO, instance role...) */
  readonly profile?: string;
  /** Applied to every taggable resource through `default_tags`. */
  readonly tags: Tags;
  /** @default - use the profile's own credentials */
  readonly assumeRole?: AssumeRoleSettings;
}

/** An AWS provider for one account, tagging everything it creates. */
export function accountProvider(scope: Construct, id: string, props: AccountProviderProps): AwsProvider {
  const assumeRole = props.assumeRole;
  return new AwsProvider(scope, id, {
    alias: props.alias,
    region: props.region,
    profile: props.profile,
    defaultTags: [{ tags: { ...props.tags } }],
    assumeRole: assumeRole && [
      {
        roleArn: assumeRole.roleArn,
        sessionName: assumeRole.sessionName,
        externalId: assumeRole.externalId,
        sourceIdentity: assumeRole.sourceIdentity,
        tags: assumeRole.tags && Object.keys(assumeRole.tags).length > 0 ? { ...assumeRole.tags } : undefined,
      },
    ],
  });
}

/**
 * Reads the caller identity through `provider` and fails the plan, before
 * anything is created, when the credentials belong to another account.
 * @param description - whose credentials these are, for the error message
 */
export function requireAccount(
  scope: Construct,
  id: string,
  provider: AwsProvider,
  expectedAccountId: string,
  description: string,
): DataAwsCallerIdentity {
  return new DataAwsCallerIdentity(scope, id, {
    provider,
    lifecycle: {
      postcondition: [
        {
          condition: `\${self.account_id == "${expectedAccountId}"}`,
          errorMessage: `The ${description} credentials belong to account \${self.account_id} (\${self.arn}), but account ${expectedAccountId} is configured. Check the profile or credentials used for the ${description} account.`,
        },
      ],
    },
  });
}
