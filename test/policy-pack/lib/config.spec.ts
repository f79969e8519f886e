import { strict as assert } from "node:assert";
import { enforcementFor, findExemption, PackConfigError, parsePackConfig, pulumiConfigSchema } from "../../../policy-pack/lib/config";
import { allPolicies } from "../../../policy-pack/policies";

const byName = (name: string) => allPolicies.find((p) => p.name === name)!;

describe("lib/config", () => {
    it("accepts Pulumi's policy-pack-config shape: levels, exemptions and each policy's settings", () => {
        const config = parsePackConfig(
            {
                all: "advisory",
                "pss:baseline:privileged-containers": {
                    enforcementLevel: "mandatory",
                    exemptions: [{ namespace: "kube-system", reason: "istio-cni installs the CNI plugin on each node" }],
                },
                "k8s:images:allowed-registries": { allowedRegistries: ["registry.example.com/"] },
            },
            allPolicies,
        );
        assert.equal(enforcementFor(byName("pss:baseline:privileged-containers"), config), "mandatory");
        assert.equal(enforcementFor(byName("pss:baseline:host-ports"), config), "advisory");
    });
    it("rejects unknown policies, settings of the wrong type and exemptions without a reason or target", () => {
        assert.throws(
            () => parsePackConfig({ "no-such-policy": "mandatory" }, allPolicies),
            (e: Error) => e instanceof PackConfigError && /unknown policy "no-such-policy"/.test(e.message),
        );
        assert.throws(
            () => parsePackConfig({ "k8s:images:allowed-registries": { allowedRegistries: "registry.example.com/" } }, allPolicies),
            /allowedRegistries/,
        );
        assert.throws(() => parsePackConfig({ "k8s:images:allowed-registries": { allowedRegistry: [] } }, allPolicies), /allowedRegistry/);
        assert.throws(() => parsePackConfig({ "pss:baseline:host-ports": { exemptions: [{ namespace: "x" }] } }, allPolicies), /reason/);
        assert.throws(
            () => parsePackConfig({ "pss:baseline:host-ports": { exemptions: [{ namespace: "x", reason: "ok" }] } }, allPolicies),
            /written reason/,
        );
        assert.throws(
            () => parsePackConfig({ "pss:baseline:host-ports": { exemptions: [{ reason: "a reason long enough" }] } }, allPolicies),
            /namespace, a resource name, or both/,
        );
        assert.throws(() => parsePackConfig({ "pss:baseline:host-ports": "sometimes" }, allPolicies), /pss:baseline:host-ports/);
    });
    it("matches exemptions on every field they name, names with a trailing *", () => {
        const exemptions = [
            { namespace: "ops", name: "agent-*", reason: "reviewed: SEC-1" },
            { name: "ingress-gateway", reason: "the public entry point" },
        ];
        assert.equal(findExemption(exemptions, { namespace: "ops", names: ["agent-7"] })?.reason, "reviewed: SEC-1");
        assert.equal(findExemption(exemptions, { namespace: "apps", names: ["agent-7"] }), undefined);
        assert.equal(
            findExemption(exemptions, { namespace: "istio-ingress", names: ["ingress-gateway"] })?.reason,
            "the public entry point",
        );
    });
    it("derives the JSON schema Pulumi validates config against, with defaults", () => {
        const schema = pulumiConfigSchema(byName("k8s:images:allowed-registries"));
        assert.deepEqual(Object.keys(schema.properties).sort(), ["allowedRegistries", "exemptions"]);
        assert.deepEqual((schema.properties.allowedRegistries as { default: unknown }).default, []);
        for (const policy of allPolicies) assert.ok(!("enforcementLevel" in pulumiConfigSchema(policy).properties), policy.name);
    });
});
