import { UsageError } from "../scripts/entry";
import { withStackTerraform } from "../scripts/stack-terraform";

describe("withStackTerraform", () => {
  it("fails if the stack is not one of the config's, naming its stacks, before anything runs", async () => {
    // GIVEN the example config (config/default.json), whose stacks are destination-iam and destination-ec2
    const body = jest.fn();
    // WHEN
    const error = await withStackTerraform("prod-iam", "import", "usage: npm run import", body).catch((caught: unknown) => caught);
    // THEN
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe("no stack prod-iam in the config; its stacks: destination-iam, destination-ec2\nusage: npm run import");
    expect(body).not.toHaveBeenCalled();
  });
});
