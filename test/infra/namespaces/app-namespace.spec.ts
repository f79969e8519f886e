import { strict as assert } from "node:assert";
import { defaultDenyPolicy, dnsEgressPolicy, limitRange, namespaceManifest, resourceQuota } from "../../../infra/namespaces/baseline";
import { namespaceSchema } from "../../../infra/namespaces/config";
import type { RenderedStack } from "../../../tools/render/render";
import { stackConfig } from "../../helpers/config";
import { ofType, rendered, STACKS } from "../../helpers/stacks";

type Inputs = Record<string, any>;

describe("infra/namespaces", () => {
    describe("baseline manifests", () => {
        const shop = namespaceSchema.parse({ name: "shop" });

        it("labels enforce, audit and warn restricted, pinned to the cluster's version", () => {
            const labels = (namespaceManifest(shop, "1.33") as Inputs).metadata.labels as Record<string, string>;
            for (const mode of ["enforce", "audit", "warn"]) {
                assert.equal(labels[`pod-security.kubernetes.io/${mode}`], "restricted");
                assert.equal(labels[`pod-security.kubernetes.io/${mode}-version`], "v1.33");
            }
        });

        it("records why a namespace runs below restricted", () => {
            const legacy = namespaceSchema.parse({
                name: "legacy",
                podSecurity: "baseline",
                podSecurityReason: "vendor image writes to its root filesystem",
            });
            const manifest = namespaceManifest(legacy, "1.33") as Inputs;
            assert.equal(manifest.metadata.labels["pod-security.kubernetes.io/enforce"], "baseline");
            assert.match(manifest.metadata.annotations["secure-platform/pod-security-reason"], /vendor image/);
        });

        it("denies all ingress and egress, then allows DNS to kube-dns only", () => {
            const deny = defaultDenyPolicy("shop") as Inputs;
            assert.deepEqual(deny.spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
            const dns = dnsEgressPolicy("shop") as Inputs;
            assert.deepEqual(dns.spec.policyTypes, ["Egress"]);
            assert.equal(dns.spec.ingress, undefined);
            assert.equal(dns.spec.egress.length, 1);
            const [rule] = dns.spec.egress;
            assert.deepEqual(rule.ports, [
                { protocol: "UDP", port: 53 },
                { protocol: "TCP", port: 53 },
            ]);
            assert.deepEqual(rule.to[0].namespaceSelector.matchLabels, { "kubernetes.io/metadata.name": "kube-system" });
            assert.deepEqual(rule.to[0].podSelector.matchLabels, { "k8s-app": "kube-dns" });
        });

        it("sets container defaults and a quota that forbids LoadBalancer and NodePort services", () => {
            const limits = (limitRange(shop) as Inputs).spec.limits[0];
            assert.deepEqual(limits.defaultRequest, { cpu: "100m", memory: "128Mi" });
            assert.deepEqual(limits.default, { cpu: "500m", memory: "512Mi" });
            const hard = (resourceQuota(shop) as Inputs).spec.hard;
            assert.equal(hard["services.loadbalancers"], "0");
            assert.equal(hard["services.nodeports"], "0");
            assert.equal(hard.pods, "50");
        });
    });

    for (const stackName of STACKS) {
        describe(`${stackName} stack`, () => {
            let stack: RenderedStack;
            let declared: string[];
            before(async () => {
                stack = await rendered(stackName);
                declared = stackConfig(stackName).namespaces.map((n) => n.name);
            });

            it("creates each declared namespace with its baseline", () => {
                const inNamespace = (type: string, namespace: string) =>
                    ofType(stack, type).filter((r) => (r.inputs as Inputs).metadata?.namespace === namespace);
                for (const name of declared) {
                    const namespace = ofType(stack, "kubernetes:core/v1:Namespace").find(
                        (r) => (r.inputs as Inputs).metadata.name === name,
                    );
                    assert.ok(namespace, name);
                    assert.equal((namespace.inputs as Inputs).metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
                    const policies = inNamespace("kubernetes:networking.k8s.io/v1:NetworkPolicy", name).map(
                        (p) => (p.inputs as Inputs).metadata.name,
                    );
                    assert.ok(
                        policies.includes("default-deny-all") && policies.includes("allow-dns-egress"),
                        `${name}: ${policies.join(", ")}`,
                    );
                    assert.equal(inNamespace("kubernetes:core/v1:LimitRange", name).length, 1);
                    assert.equal(inNamespace("kubernetes:core/v1:ResourceQuota", name).length, 1);
                }
                assert.deepEqual([...(stack.outputs.namespaces as string[])].sort(), [...declared].sort());
            });
        });
    }
});
