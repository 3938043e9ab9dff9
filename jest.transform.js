// Strips TypeScript types with esbuild: no type checking here, `tsc --noEmit` does that once in `npm test`.
// (@swc/jest would do the same, but its native packages are not all installable from every registry mirror.)
const { transformSync } = require("esbuild");

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, { loader: "ts", format: "cjs", target: "node20", sourcefile: filename, sourcemap: true });
    return { code, map };
  },
};
