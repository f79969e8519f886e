import { strict as assert } from "node:assert";
import fc from "fast-check";
import { changeArbitrary, changed, judgeConfig } from "../../../bench/reliability/configs";
import { judge, truncationArbitrary, unknownsArbitrary } from "../../../bench/reliability/pack";
import { planResources, planSchema, readStackPolicyConfig } from "../../../policy-pack/lib/plan";
import type { ResourceInput } from "../../../policy-pack/lib/evaluate";
import { rawStackConfig } from "../../helpers/config";
import { rendered, STACKS } from "../../helpers/stacks";

// Changes that can never be valid: the config must reject them, naming the key.
const ALWAYS_INVALID = new Set(["wrong-type", "unknown-key", "malformed-cidr", "malformed-arn", "malformed-quantity"]);

describe("bench/reliability: the core properties, fewer runs", () => {
    for (const stack of STACKS) {
        it(`${stack}: a generated invalid config is a ConfigError naming its key under secure-platform:, never another error`, () => {
            const valid = rawStackConfig(stack);
            fc.assert(
                fc.property(changeArbitrary(valid), (change) => {
                    const outcome = judgeConfig(stack, changed(valid, change), change.key);
                    assert.notEqual(outcome.verdict, "threw", outcome.error);
                    assert.notEqual(outcome.verdict, "rejected-other-key", `${change.kind} ${change.key}: ${outcome.problems.join(" | ")}`);
                    if (ALWAYS_INVALID.has(change.kind))
                        assert.equal(outcome.verdict, "rejected-naming-key", `${change.kind} ${change.key} was accepted`);
                }),
                { numRuns: 150 },
            );
        });
    }

    describe("the policy pack over the rendered prod stack", () => {
        let resources: ResourceInput[];
        let packConfig: unknown;
        before(async () => {
            resources = planResources(planSchema.parse({ stack: "prod", resources: (await rendered("prod")).resources }));
            packConfig = readStackPolicyConfig("prod");
        });

        it("a real resource truncated at any depth or key never makes a policy throw", async () => {
            await fc.assert(
                fc.asyncProperty(truncationArbitrary(resources), async (change) => {
                    const outcome = await judge(change.resources, packConfig);
                    assert.equal(outcome.threw, false, `${change.describe}: ${outcome.errors.join("; ")}`);
                }),
                { numRuns: 40 },
            );
        });

        it("values not known yet never produce a mandatory violation", async () => {
            await fc.assert(
                fc.asyncProperty(unknownsArbitrary(resources), async (change) => {
                    const outcome = await judge(change.resources, packConfig);
                    assert.equal(outcome.threw, false, outcome.errors.join("; "));
                    const mandatory = outcome.report!.violations.filter((v) => v.enforcementLevel === "mandatory");
                    assert.deepEqual(
                        mandatory.map((v) => `${v.policy}: ${v.message}`),
                        [],
                        change.describe,
                    );
                }),
                { numRuns: 40 },
            );
        });
    });
});
