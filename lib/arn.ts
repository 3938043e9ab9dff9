import type { Partition } from "./config/schema";

/**
 * ARN builders: every ARN is derived from the partition and the account,
 * never pasted as an `arn:aws:` literal, so aws-cn and aws-us-gov work too.
 */

/** The account itself as a principal (`arn:<partition>:iam::<account>:root`). */
export function accountRootArn(partition: Partition, accountId: string): string {
  return `arn:${partition}:iam::${accountId}:root`;
}

/** ARN of an IAM role; `path` is `/` or `/a/b/`, as IAM stores it. */
export function roleArn(partition: Partition, accountId: string, name: string, path = "/"): string {
  return `arn:${partition}:iam::${accountId}:role${path}${name}`;
}

/** ARN of an IAM user; `path` is `/` or `/a/b/`, as IAM stores it. */
export function userArn(partition: Partition, accountId: string, name: string, path = "/"): string {
  return `arn:${partition}:iam::${accountId}:user${path}${name}`;
}

/** ARN of an AWS-managed policy, such as AmazonEC2FullAccess. */
export function awsManagedPolicyArn(partition: Partition, name: string): string {
  return `arn:${partition}:iam::aws:policy/${name}`;
}

/** ARN pattern for EC2 resources of one type in one account and region (`*` for any). */
export function ec2ResourceArn(partition: Partition, region: string, accountId: string, resourceType: string, id = "*"): string {
  return `arn:${partition}:ec2:${region}:${accountId}:${resourceType}/${id}`;
}

/** ARN of a customer managed policy. */
export function policyArn(partition: Partition, accountId: string, name: string, path = "/"): string {
  return `arn:${partition}:iam::${accountId}:policy${path}${name}`;
}

/** The identity of a role session, as STS's GetCallerIdentity answers it. */
export function assumedRoleArn(partition: Partition, accountId: string, roleName: string, sessionName: string): string {
  return `arn:${partition}:sts::${accountId}:assumed-role/${roleName}/${sessionName}`;
}

/** ARN of an IAM OIDC identity provider; IAM names it by the issuer's host and path (`token.actions.githubusercontent.com`). */
export function oidcProviderArn(partition: Partition, accountId: string, issuer: string): string {
  return `arn:${partition}:iam::${accountId}:oidc-provider/${issuer}`;
}
