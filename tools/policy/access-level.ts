import { actionsCovered } from "./actions";
import { allows, policyDocuments } from "./policy";
import { asArray, type Json } from "./rule";

/**
 * Statements that allow, on "*" and without any condition, actions of the
 * given access levels (from AWS's service authorization reference, where
 * an action can have two: "Permissions management, Write").
 */
export async function unconstrainedOnEveryResource(stack: Json, levels: readonly string[]): Promise<{ address: string; message: string }[]> {
  const found: { address: string; message: string }[] = [];
  for (const p of policyDocuments(stack).filter((p) => !p.trust)) {
    for (const s of p.statements.filter((s) => allows(s) && asArray(s.Resource).includes("*") && !s.Condition)) {
      const matched = (await Promise.all(asArray(s.Action).map(actionsCovered)))
        .flat()
        .filter((a) => a.accessLevel.split(", ").some((level) => levels.includes(level)));
      if (matched.length)
        found.push({
          address: p.address,
          message: `allows ${matched.length} ${levels.join("/")} action(s) on "*" with no condition, e.g. ${matched[0].action}`,
        });
    }
  }
  return found;
}
