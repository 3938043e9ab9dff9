import { CKV2_AWS_40 } from "./ckv2-aws-40";
import { CKV2_AWS_56 } from "./ckv2-aws-56";
import { CKV_AWS_126 } from "./ckv-aws-126";
import { CKV_AWS_274 } from "./ckv-aws-274";
import { CKV_AWS_286 } from "./ckv-aws-286";
import { CKV_AWS_287 } from "./ckv-aws-287";
import { CKV_AWS_288 } from "./ckv-aws-288";
import { CKV_AWS_289 } from "./ckv-aws-289";
import { CKV_AWS_290 } from "./ckv-aws-290";
import { CKV_AWS_355 } from "./ckv-aws-355";
import { CKV_AWS_356 } from "./ckv-aws-356";
import { CKV_AWS_358 } from "./ckv-aws-358";
import { CKV_AWS_60 } from "./ckv-aws-60";
import { CKV_AWS_61 } from "./ckv-aws-61";
import { CKV_AWS_62 } from "./ckv-aws-62";
import { CKV_AWS_63 } from "./ckv-aws-63";
import { CKV_AWS_79 } from "./ckv-aws-79";
import { CKV_AWS_8 } from "./ckv-aws-8";
import { CKV_AWS_88 } from "./ckv-aws-88";
import { KICS_CROSS_ACCOUNT_WITHOUT_EXTERNAL_ID } from "./kics-external-id";
import { KICS_PASS_ROLE_ALL } from "./kics-pass-role";
import { PROWLER_PERMISSIVE_ROLE_ASSUMPTION } from "./prowler-permissive-role-assumption";
import type { StaticRule } from "./rule";

export { evaluate, type Excused, type Finding, type RuleException, type RuleResult, type StaticRule } from "./rule";
export { exposedSecrets } from "./outputs";

/** Every static rule, in the order of the README's rule table. */
export const STATIC_RULES: readonly StaticRule[] = [
  CKV_AWS_60,
  CKV_AWS_61,
  KICS_CROSS_ACCOUNT_WITHOUT_EXTERNAL_ID,
  CKV_AWS_62,
  CKV_AWS_63,
  CKV_AWS_274,
  CKV2_AWS_40,
  CKV2_AWS_56,
  CKV_AWS_355,
  CKV_AWS_356,
  CKV_AWS_286,
  CKV_AWS_287,
  CKV_AWS_288,
  CKV_AWS_289,
  CKV_AWS_290,
  KICS_PASS_ROLE_ALL,
  PROWLER_PERMISSIVE_ROLE_ASSUMPTION,
  CKV_AWS_358,
  CKV_AWS_79,
  CKV_AWS_8,
  CKV_AWS_88,
  CKV_AWS_126,
];
export { gatePlan, stackFromPlan, type GateResult, type PlanValues } from "./plan";
