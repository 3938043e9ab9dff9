const Sequencer = require("@jest/test-sequencer").default;

/**
 * Fast suites first, so a run shows results within seconds: every unit
 * suite before any Terraform or end-to-end suite; within each group, jest's
 * own order (failed first, then slowest first, from its cache), which keeps
 * the slow group's total time short.
 */
const RANK = { unit: 0, terraform: 1, e2e: 2 };

class FastFirst extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const rank = (test) => RANK[test.context.config.displayName?.name] ?? 1;
    return sorted
      .map((test, index) => ({ test, index }))
      .sort((a, b) => rank(a.test) - rank(b.test) || a.index - b.index)
      .map(({ test }) => test);
  }
}

module.exports = FastFirst;
