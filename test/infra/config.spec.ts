import { strict as assert } from "node:assert";
import { ConfigError, parsePlatformConfig } from "../../infra/config";
import { readStackFile } from "../../tools/render/stack-file";
import { rawStackConfig } from "../helpers/config";
import { INVALID_CONFIG_CASES as cases } from "../helpers/invalid-configs";
import { renderWith, STACKS } from "../helpers/stacks";

type Raw = Record<string, any>;

const rawConfig = (stack: string): Raw => rawStackConfig(stack);

function rejects(stack: string, raw: Raw): ConfigError {
    try {
        parsePlatformConfig(stack, raw);
    } catch (error) {
        assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
        return error;
    }
    assert.fail("the configuration was accepted");
}

describe("infra/config", () => {
    for (const stack of STACKS) {
        it(`accepts the ${stack} stack file`, () => {
            const config = parsePlatformConfig(stack, rawConfig(stack));
            assert.equal(config.environment, stack);
        });
    }

    it("applies the environment's defaults", () => {
        const prod = parsePlatformConfig("prod", rawConfig("prod"));
        const dev = parsePlatformConfig("dev", rawConfig("dev"));
        assert.equal(prod.protect, true);
        assert.equal(dev.protect, false);
        const devCluster = dev.cluster;
        assert.equal(devCluster.mode, "eks");
        if (devCluster.mode === "eks") {
            assert.equal(devCluster.logRetentionDays, 90);
            assert.equal(devCluster.endpoint.publicAccess, false);
            assert.equal(devCluster.workloadIdentity, "pod-identity");
        }
        assert.equal(prod.namespaces[0]!.podSecurity, "restricted");
    });

    it("takes the environment from the stack name when it is not set", () => {
        const raw = rawConfig("dev");
        delete raw.environment;
        assert.equal(parsePlatformConfig("dev", raw).environment, "dev");
        const error = rejects("feature-x", raw);
        assert.match(error.message, /secure-platform:environment/);
    });

    it("reports every problem at once", () => {
        const raw = rawConfig("prod");
        raw.cluster.region = "nowhere";
        raw.namespaces[0].quota.limitsMemory = "lots";
        const error = rejects("prod", raw);
        assert.equal(error.problems.length, 2, error.message);
    });

    describe("rejects invalid configuration, naming the key", () => {
        for (const testCase of cases) {
            it(testCase.title, () => {
                const stack = testCase.stack ?? "prod";
                const raw = structuredClone(rawConfig(stack));
                testCase.mutate(raw);
                const error = rejects(stack, raw);
                const problem = error.problems.find((p) => p.startsWith(`${testCase.key}:`));
                assert.ok(problem, `no problem names ${testCase.key}:\n${error.message}`);
                if (testCase.says) assert.match(problem, testCase.says);
            });
        }
    });

    it("registers no resource when the configuration is invalid", async () => {
        const cluster = JSON.parse(readStackFile("prod").config["secure-platform:cluster"]!);
        cluster.endpoint.publicAccessCidrs = ["0.0.0.0/0"];
        await assert.rejects(
            renderWith("prod", { "secure-platform:cluster": JSON.stringify(cluster) }),
            (error: Error & { resourcesRegistered?: number }) => {
                assert.ok(error instanceof ConfigError);
                assert.match(error.message, /secure-platform:cluster\.endpoint\.publicAccessCidrs\[0\]/);
                assert.equal((error as { resourcesRegistered?: number }).resourcesRegistered, 0);
                return true;
            },
        );
    });
});
