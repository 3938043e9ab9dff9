import { partition } from "@aws-sdk/core/client";

/**
 * The partition a region belongs to, from the AWS SDK's partition data (the
 * list AWS maintains for its SDKs); `undefined` for a region that list does
 * not have. The SDK answers every name that looks like a region with its
 * partition's defaults, and adds the region's description only for regions it
 * knows: that is the test.
 */
export function regionPartition(region: string): string | undefined {
  const info: { readonly name: string; readonly description?: string } = partition(region);
  return info.description === undefined ? undefined : info.name;
}

/**
 * Regions AWS's SDK data lists that the pinned hashicorp/aws 5.100.0 and Terraform 1.11's S3 backend do not know
 * yet, and refuse: the provider at plan ("invalid AWS Region"), the backend at init ("Invalid region value").
 * `__tests__/e2e/provider-regions.test.ts` checks the list against the real provider for every region the SDK knows.
 */
export const REGIONS_UNKNOWN_TO_TERRAFORM: readonly string[] = ["ap-southeast-6", "me-west-1", "sa-west-1"];
