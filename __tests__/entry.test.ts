import { parseFlags, UsageError } from "../scripts/entry";

const USAGE = "usage: npm run list [-- --json]";
const OPTIONS = { json: { type: "boolean", default: false }, runs: { type: "string" } } as const;
const attempt = (args: string[]) => {
  try {
    return parseFlags(OPTIONS, USAGE, args);
  } catch (error) {
    return error;
  }
};

describe("parseFlags", () => {
  it("gives each flag's value, and the default of one not given", () => {
    expect(parseFlags(OPTIONS, USAGE, ["--runs", "3"])).toEqual({ json: false, runs: "3" });
    expect(parseFlags(OPTIONS, USAGE, ["--json"])).toEqual({ json: true });
  });

  it.each([
    ["a misspelt flag", ["--jsno"], /Unknown option '--jsno'/],
    ["an argument the script does not take", ["destination"], /Unexpected argument 'destination'/],
    ["a flag without its value", ["--runs"], /Option '--runs <value>' argument missing/],
  ])("fails on %s, with the problem and then the usage", (_, args, problem) => {
    const error = attempt(args);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(problem);
    expect((error as Error).message.endsWith(`\n${USAGE}`)).toBe(true);
  });
});
