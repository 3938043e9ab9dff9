import { parseFlags, parsePositionals, UsageError } from "../scripts/entry";

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

describe("parsePositionals", () => {
  const IMPORT = "usage: npm run import -- <stack> <address> <id>";
  const names = ["a stack", "a resource address", "its import ID"];

  it("gives the arguments in order", () => {
    expect(parsePositionals(names, IMPORT, ["dev-iam", "aws_iam_role.role", "ops"])).toEqual(["dev-iam", "aws_iam_role.role", "ops"]);
  });

  it.each([
    ["too few arguments", ["dev-iam"], "expected a stack, a resource address, its import ID; got 1 argument(s)"],
    ["too many arguments", ["a", "b", "c", "d"], "got 4 argument(s)"],
    ["a flag", ["--force", "a", "b", "c"], "Unknown option '--force'"],
  ])("fails on %s, with the problem and then the usage", (_, args, problem) => {
    const error = (() => {
      try {
        return parsePositionals(names, IMPORT, args);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain(problem);
    expect((error as Error).message.endsWith(`\n${IMPORT}`)).toBe(true);
  });
});
