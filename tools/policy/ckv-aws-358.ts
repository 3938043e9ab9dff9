import { conditionValues, federatedPrincipals, statementFindings } from "./policy";
import type { StaticRule } from "./rule";

const GITHUB_ISSUER = "token.actions.githubusercontent.com";
// repo:<owner>/<repository>:..., with neither owner nor repository wildcarded.
const SAFE_SUBJECT = /^repo:[^*?/:]+\/[^*?/:]+:/;

export const CKV_AWS_358: StaticRule = {
  id: "CKV_AWS_358",
  title: "GitHub Actions OIDC trust names the owner and repository in its sub condition",
  explanation:
    "Every GitHub repository gets tokens from the same issuer: a trust without a sub condition, or with a wildcard in the owner or repository, lets other people's workflows assume the role.",
  appliesTo: ["aws_iam_role"],
  check: async (stack) =>
    statementFindings(
      stack,
      "trust",
      (s) =>
        federatedPrincipals(s).some((arn) => arn.endsWith(`:oidc-provider/${GITHUB_ISSUER}`)) &&
        ((values) => values.length === 0 || values.some((sub) => !SAFE_SUBJECT.test(sub)))(conditionValues(s, `${GITHUB_ISSUER}:sub`)),
      `trusts GitHub's OIDC provider without a ${GITHUB_ISSUER}:sub condition naming owner and repository`,
    ),
};
