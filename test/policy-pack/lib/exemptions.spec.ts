import { strict as assert } from "node:assert";
import { findExemption, parsePackConfig, pulumiConfigSchema } from "../../../policy-pack/lib/config";
import { evaluate } from "../../../policy-pack/lib/evaluate";
import { allPolicies } from "../../../policy-pack/policies";

const WILDCARD_RULES = { rules: [{ apiGroups: ["networking.istio.io"], resources: ["*"], verbs: ["get", "list", "watch"] }] };
const clusterRole = (name: string) => ({
    type: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
    name,
    props: { metadata: { name }, ...WILDCARD_RULES },
});
const role = (namespace: string, name: string) => ({
    type: "kubernetes:rbac.authorization.k8s.io/v1:Role",
    name: `${namespace}-${name}`,
    props: { metadata: { name, namespace }, ...WILDCARD_RULES },
});

describe("lib/config: exemptions of cluster-scoped objects", () => {
    const exemption = {
        name: "istiod-clusterrole-istio-system",
        clusterScoped: true as const,
        reason: "istiod reads every Istio resource type it serves",
    };

    it("covers the named object without a namespace, never a same-named namespaced one", () => {
        assert.equal(findExemption([exemption], { names: ["istiod-clusterrole-istio-system"] }), exemption);
        assert.equal(findExemption([exemption], { namespace: "shop", names: ["istiod-clusterrole-istio-system"] }), undefined);
        assert.equal(findExemption([exemption], { names: ["another-clusterrole"] }), undefined);
        // Without the flag, a name matches in every namespace: what the flag is for.
        const { clusterScoped: _flag, ...byNameOnly } = exemption;
        assert.equal(findExemption([byNameOnly], { namespace: "shop", names: ["istiod-clusterrole-istio-system"] }), byNameOnly);
    });

    it("needs a name, no namespace and a written reason", () => {
        const withExemption = (e: unknown) => () => parsePackConfig({ "k8s:rbac:no-wildcards": { exemptions: [e] } }, allPolicies);
        withExemption(exemption)();
        assert.throws(withExemption({ clusterScoped: true, reason: "a reason long enough" }), /names the object and no namespace/);
        assert.throws(withExemption({ ...exemption, namespace: "istio-system" }), /names the object and no namespace/);
        assert.throws(withExemption({ ...exemption, clusterScoped: false }), /clusterScoped/);
        assert.throws(withExemption({ name: exemption.name, clusterScoped: true }), /reason/);
        const items = (
            pulumiConfigSchema(allPolicies.find((p) => p.name === "k8s:rbac:no-wildcards")!).properties.exemptions as {
                items: { properties: Record<string, unknown>; required: string[] };
            }
        ).items;
        assert.ok("clusterScoped" in items.properties);
        assert.deepEqual(items.required, ["reason"]);
    });

    it("exempts the ClusterRole in an evaluation, with its reason, and still judges a same-named Role", async () => {
        const report = await evaluate(
            [clusterRole("istiod-clusterrole-istio-system"), role("shop", "istiod-clusterrole-istio-system")],
            { "k8s:rbac:no-wildcards": { exemptions: [exemption] } },
            { policies: allPolicies.filter((p) => p.name === "k8s:rbac:no-wildcards") },
        );
        assert.deepEqual(
            report.exemptions.map((e) => [e.resource.type, e.reason]),
            [["kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", exemption.reason]],
        );
        assert.deepEqual(
            report.violations.map((v) => [v.resource?.namespace, v.enforcementLevel]),
            [["shop", "mandatory"]],
        );
    });
});
