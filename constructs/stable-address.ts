import type { TerraformResource } from "cdktf";

/**
 * Keeps a resource's Terraform address what it was before it moved into a
 * construct (its own id, not the path-derived name CDKTF gives nested
 * resources): a changed address would make Terraform destroy and recreate
 * the role, the policy and their attachments on the next deploy.
 */
export function stableAddress<T extends TerraformResource>(resource: T): T {
  resource.overrideLogicalId(resource.node.id);
  return resource;
}
