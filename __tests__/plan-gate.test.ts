import { gatePlan, stackFromPlan, STATIC_RULES, type PlanValues } from "../tools/policy";

/** A plan as `terraform show -json` writes it: nested blocks as lists, values the plan knows. */
function planOf(instance: Record<string, unknown>, extra: PlanValues["planned_values"] = {}): PlanValues {
  return {
    planned_values: {
      root_module: {
        resources: [
          {
            mode: "managed",
            type: "aws_instance",
            name: "instance",
            values: {
              instance_type: "t3.micro",
              metadata_options: [{ http_tokens: "required" }],
              root_block_device: [{ encrypted: true, volume_type: "gp3" }],
              associate_public_ip_address: false,
              monitoring: true,
              ...instance,
            },
          },
        ],
      },
      ...extra,
    },
  };
}

describe("stackFromPlan", () => {
  it("reads a plan as the rules read a synthesized stack: one nested block as an object, with the exceptions the stack records", () => {
    // GIVEN an exception recorded on the instance in the synthesized stack
    const synthesized = { resource: { aws_instance: { instance: { "//": { exceptions: [{ rule: "CKV_AWS_126", reason: "cost" }] } } } } };
    // WHEN
    const stack = stackFromPlan(planOf({}), synthesized) as { resource: { aws_instance: { instance: Record<string, unknown> } } };
    // THEN
    expect(stack.resource.aws_instance.instance).toMatchObject({
      metadata_options: { http_tokens: "required" },
      root_block_device: { encrypted: true },
      "//": { exceptions: [{ rule: "CKV_AWS_126", reason: "cost" }] },
    });
  });
});

describe("gatePlan", () => {
  it("passes a plan that meets every rule", async () => {
    expect(await gatePlan(STATIC_RULES, planOf({}), {})).toEqual({ blocking: [], warnings: [], excused: [] });
  });

  it("blocks a plan with IMDSv1 or an unencrypted volume, naming the rule, the resource and why", async () => {
    const result = await gatePlan(
      STATIC_RULES,
      planOf({ metadata_options: [{ http_tokens: "optional" }], root_block_device: [{ encrypted: false }] }),
      {},
    );
    expect(result.blocking.map((f) => [f.rule, f.address])).toEqual([
      ["CKV_AWS_79", "aws_instance.instance"],
      ["CKV_AWS_8", "aws_instance.instance"],
    ]);
    expect(result.blocking[0].explanation).toMatch(/IMDSv1/);
  });

  it("only warns about what the config offers on purpose: no detailed monitoring, a public IP", async () => {
    const result = await gatePlan(STATIC_RULES, planOf({ monitoring: false, associate_public_ip_address: true }), {});
    expect(result.blocking).toEqual([]);
    expect(result.warnings.map((f) => f.rule).sort()).toEqual(["CKV_AWS_126", "CKV_AWS_88"]);
  });

  it("excuses a failure an exception recorded on the resource covers", async () => {
    const synthesized = { resource: { aws_instance: { instance: { "//": { exceptions: [{ rule: "CKV_AWS_126", reason: "cost" }] } } } } };
    const result = await gatePlan(STATIC_RULES, planOf({ monitoring: false }), synthesized);
    expect(result.warnings).toEqual([]);
    expect(result.excused.map((e) => [e.rule, e.reason])).toEqual([["CKV_AWS_126", "cost"]]);
  });
});
