import { actionsCovered } from "./actions";
import { allows, policyDocuments, PERMISSION_POLICY_TYPES } from "./policy";
import { asArray, type StaticRule } from "./rule";

export const CKV_AWS_355: StaticRule = {
  id: "CKV_AWS_355",
  title: 'No IAM policy allows "*" as the resource of an action that can be narrowed',
  explanation:
    "Where AWS lets an action name its resources, `*` grants it on every one in the account; `*` is only unavoidable for actions without resource types (most Describe calls).",
  appliesTo: PERMISSION_POLICY_TYPES,
  check: async (stack) => {
    const found: { address: string; message: string }[] = [];
    for (const p of policyDocuments(stack).filter((p) => !p.trust)) {
      for (const s of p.statements.filter((s) => allows(s) && asArray(s.Resource).includes("*"))) {
        const narrowable = (await Promise.all(asArray(s.Action).map(actionsCovered))).flat().filter((a) => a.hasResourceTypes);
        if (narrowable.length) found.push({ address: p.address, message: `allows ${narrowable.map((a) => a.action).join(", ")} on "*"` });
      }
    }
    return found;
  },
};
