import type { TerraformElement } from "cdktf";

/**
 * Gives an element of a construct the address of its own id
 * (`aws_iam_role.ci-role`), not the path-derived name CDKTF gives nested
 * elements. Resources that moved into constructs keep the addresses they had
 * before, where a changed address would make Terraform destroy and recreate
 * the role, the policy and their attachments on the next deploy.
 */
export function stableAddress<T extends TerraformElement>(resource: T): T {
  resource.overrideLogicalId(resource.node.id);
  return resource;
}
