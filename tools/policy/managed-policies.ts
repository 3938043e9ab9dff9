import { asArray, resources, type Json } from "./rule";

/** The managed policies the stack attaches, by the address of the attachment. */
export function attachedPolicyArns(stack: Json): { address: string; arn: string }[] {
  const attachments = [
    "aws_iam_role_policy_attachment",
    "aws_iam_user_policy_attachment",
    "aws_iam_group_policy_attachment",
    "aws_iam_policy_attachment",
  ];
  return [
    ...attachments.flatMap((type) => resources(stack, type).map(([address, a]) => ({ address, arn: String(a.policy_arn) }))),
    ...resources(stack, "aws_iam_role").flatMap(([address, role]) => asArray(role.managed_policy_arns as string[]).map((arn) => ({ address, arn }))),
  ];
}

export const ATTACHMENT_TYPES = [
  "aws_iam_role_policy_attachment",
  "aws_iam_user_policy_attachment",
  "aws_iam_group_policy_attachment",
  "aws_iam_policy_attachment",
  "aws_iam_role",
];
