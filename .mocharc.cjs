// One mocha configuration for every tier: TEST_TIER=unit|render|cli picks one (test/tiers.cjs), unset runs all.
const { tier } = require("./test/tiers.cjs");

const selected = tier(process.env.TEST_TIER);

module.exports = {
    require: ["tsx/cjs", "test/setup.ts", ...selected.require],
    extension: ["ts"],
    spec: selected.spec,
    ignore: selected.ignore,
    timeout: selected.timeout,
    parallel: selected.parallel ?? false,
    ...(selected.jobs ? { jobs: selected.jobs } : {}),
    reporter: "spec",
};
