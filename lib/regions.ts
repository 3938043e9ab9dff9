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
