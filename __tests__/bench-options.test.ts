import { benchOptions, USAGE } from "../scripts/bench-options";
import { UsageError } from "../scripts/entry";

describe("npm run bench's flags", () => {
  it("measures 5 runs of everything at 1 and 10 destinations by default, and writes nothing", () => {
    expect(benchOptions([])).toEqual({ runs: 5, synthOnly: false, deployOnly: false, deploySizes: [1, 10], write: false });
  });

  it("takes the runs, the deploy path alone at the sizes given, and --write", () => {
    expect(benchOptions(["--runs", "3", "--deploy-only", "--sizes", "1,4", "--write"])).toEqual({
      runs: 3,
      synthOnly: false,
      deployOnly: true,
      deploySizes: [1, 4],
      write: true,
    });
  });

  it.each([
    ["--runs is not a whole number of at least 1", ["--runs", "0"], "--runs takes a whole number of at least 1; got 0."],
    ["--runs is not a number", ["--runs", "2x"], "--runs takes a whole number of at least 1; got 2x."],
    ["--sizes comes without --deploy-only", ["--sizes", "1"], "--sizes narrows --deploy-only; add --deploy-only."],
    [
      "--sizes holds something else than counts",
      ["--deploy-only", "--sizes", "1,x"],
      "--sizes takes destination counts separated by commas (1,10); got 1,x.",
    ],
    ["--synth-only and --deploy-only come together", ["--synth-only", "--deploy-only"], "--synth-only and --deploy-only exclude each other."],
    ["a flag is unknown", ["--sizes=1", "--deploy-onyl"], "Unknown option '--deploy-onyl'"],
  ])("fails if %s", (_, args, problem) => {
    expect(() => benchOptions(args)).toThrow(UsageError);
    expect(() => benchOptions(args)).toThrow(problem);
    expect(() => benchOptions(args)).toThrow(USAGE);
  });
});
