const { basename } = require("node:path");
const Sequencer = require("@jest/test-sequencer").default;

/**
 * The end-to-end suites, longest first, as measured in clean-clone runs
 * (seconds, on two cores): a suite that starts last should be a short one.
 * Jest orders by its cache of past durations, which a fresh clone does not
 * have, and then by file size, which here says little: three-destinations,
 * the smallest file, deploys six stacks. A suite not listed keeps jest's
 * place, after these.
 */
const E2E_LONGEST_FIRST = [
  "example-config.test.ts", // 235-260
  "three-destinations.test.ts", // 140-145
  "negatives.test.ts", // 100-115
  "s3-backend.test.ts", // 98-117
  "cdktf-cli.test.ts", // 60-81
  "faults.test.ts", // 55-70
  "state-recovery.test.ts", // 65
  "trusted-role.test.ts", // 40-50
  "expired-credentials.test.ts", // 43
  "provider-regions.test.ts", // 38
  "sandbox.test.ts", // 14
];

/**
 * Fast suites first, so a run shows results within seconds: every unit
 * suite before any Terraform or end-to-end suite; within each group, jest's
 * own order (failed first, then slowest first, from its cache), except that
 * the end-to-end suites, which take most of the run, go longest first.
 */
const RANK = { unit: 0, terraform: 1, e2e: 2 };

class FastFirst extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const rank = (test) => RANK[test.context.config.displayName?.name] ?? 1;
    const e2eOrder = (test) => {
      const place = E2E_LONGEST_FIRST.indexOf(basename(test.path));
      return rank(test) === RANK.e2e && place >= 0 ? place : E2E_LONGEST_FIRST.length;
    };
    return sorted
      .map((test, index) => ({ test, index }))
      .sort((a, b) => rank(a.test) - rank(b.test) || e2eOrder(a.test) - e2eOrder(b.test) || a.index - b.index)
      .map(({ test }) => test);
  }
}

module.exports = FastFirst;
