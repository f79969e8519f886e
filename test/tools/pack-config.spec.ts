import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { evaluate } from "../../policy-pack/lib/evaluate";
import { allPolicies } from "../../policy-pack/policies";
import {
    COMPONENT_EXEMPTIONS,
    componentExemptionEntries,
    componentExemptionsFor,
    mergePackConfigs,
    PACK_CONFIG_DIR,
    packConfigPath,
    platformConfigOf,
    policyPackConfigFor,
} from "../../tools/pack-config";
import { listStacks } from "../../tools/render/stack-file";

describe("tools/pack-config: reviewed additions", () => {
    it("layers reviewed settings over generated ones and keeps every exemption with its reason", () => {
        const generated = {
            "k8s:images:allowed-registries": {
                allowedRegistries: ["registry.example.com/"],
                exemptions: [{ namespace: "kube-system", reason: "EKS add-ons come from AWS's own registries" }],
            },
            "k8s:images:require-digest": { enforcementLevel: "advisory" },
        };
        const reviewed = {
            "k8s:images:allowed-registries": {
                exemptions: [{ namespace: "ops", name: "agent", reason: "vendor agent, reviewed in SEC-12" }],
            },
            "k8s:images:require-digest": "mandatory",
            "pss:baseline:host-ports": { exemptions: [{ namespace: "ingress", reason: "the node-local ingress binds 443 on purpose" }] },
        };
        assert.deepEqual(mergePackConfigs(generated, reviewed), {
            "k8s:images:allowed-registries": {
                allowedRegistries: ["registry.example.com/"],
                exemptions: [
                    { namespace: "kube-system", reason: "EKS add-ons come from AWS's own registries" },
                    { namespace: "ops", name: "agent", reason: "vendor agent, reviewed in SEC-12" },
                ],
            },
            "k8s:images:require-digest": { enforcementLevel: "mandatory" },
            "pss:baseline:host-ports": { exemptions: [{ namespace: "ingress", reason: "the node-local ingress binds 443 on purpose" }] },
        });
    });
});

describe("tools/pack-config: exemptions of the components' charts", () => {
    const agent = {
        policy: "pss:baseline:capabilities",
        namespace: "agents",
        name: "node-agent",
        reason: "the node agent adds NET_ADMIN to program routes",
    };

    it("turns a component's list into pack entries, one exemption per entry with its reason", () => {
        const role = {
            policy: "k8s:rbac:no-wildcards",
            name: "agent-reader",
            clusterScoped: true,
            reason: "reads every type of its own API group",
        };
        assert.deepEqual(componentExemptionEntries("test.json", [agent, { ...agent, name: "node-agent-2" }, role], ["agents"]), {
            "pss:baseline:capabilities": {
                exemptions: [
                    { namespace: "agents", name: "node-agent", reason: agent.reason },
                    { namespace: "agents", name: "node-agent-2", reason: agent.reason },
                ],
            },
            "k8s:rbac:no-wildcards": { exemptions: [{ name: "agent-reader", clusterScoped: true, reason: role.reason }] },
        });
    });

    it("refuses an entry without a reason or target, and one reviewed for a namespace the stack does not use", () => {
        assert.throws(
            () => componentExemptionEntries("test.json", [{ ...agent, reason: "" }], ["agents"]),
            /test\.json\[0\] \(pss:baseline:capabilities\): .*written reason/,
        );
        assert.throws(
            () => componentExemptionEntries("test.json", [{ policy: agent.policy, reason: agent.reason }], ["agents"]),
            /names a namespace, a resource name, or both/,
        );
        assert.throws(() => componentExemptionEntries("test.json", [{ ...agent, container: "x" }], ["agents"]), /test\.json\[0\]/);
        assert.throws(
            () => componentExemptionEntries("test.json", [agent], ["node-agents"]),
            /reviewed for namespace "agents", but the stack runs the component in "node-agents"/,
        );
    });

    it("puts every component's exemptions into the config of every stack that runs the component, and only there", () => {
        for (const stack of listStacks()) {
            const config = platformConfigOf(stack);
            const written = JSON.parse(readFileSync(packConfigPath(stack), "utf8")) as Record<string, { exemptions?: unknown[] }>;
            for (const component of COMPONENT_EXEMPTIONS) {
                // Vault's backups bucket exists on EKS only; every other component runs in every stack.
                const runs = component.runs(config);
                assert.equal(
                    runs,
                    component.file !== "exemptions.vault.json" || config.cluster.mode === "eks",
                    `${stack}: ${component.file}`,
                );
                const entries = JSON.parse(readFileSync(join(PACK_CONFIG_DIR, component.file), "utf8")) as {
                    policy: string;
                    reason: string;
                }[];
                assert.ok(entries.length > 0, component.file);
                for (const { policy, ...exemption } of entries) {
                    assert.ok(exemption.reason.length >= 80, `${component.file} ${policy}: a reason a reviewer can judge`);
                    assert.equal(
                        written[policy]?.exemptions?.some((e) => JSON.stringify(e) === JSON.stringify(exemption)) ?? false,
                        runs,
                        `${stack}: ${policy} ${JSON.stringify(exemption)}`,
                    );
                }
            }
        }
    });

    it("leaves out the exemptions of a component the stack does not run", () => {
        const config = platformConfigOf("dev");
        const withoutMonitoring = componentExemptionsFor({ ...config, monitoring: { ...config.monitoring, enabled: false } });
        assert.ok(JSON.stringify(componentExemptionsFor(config)).includes("kube-prometheus-stack-operator"));
        assert.ok(!JSON.stringify(withoutMonitoring).includes("kube-prometheus-stack-operator"));
        assert.ok(!JSON.stringify(withoutMonitoring).includes("trivy-operator-config"));
        assert.ok(JSON.stringify(withoutMonitoring).includes("istio-cni-node"), "the mesh runs in every stack");
    });

    it("in prod's pack config, exempts the components' ClusterRoles and node agent, and nothing of the same name elsewhere", async () => {
        const wildcardRead = { rules: [{ apiGroups: ["networking.istio.io"], resources: ["*"], verbs: ["get", "list", "watch"] }] };
        const addsNetAdmin = (namespace: string) => ({
            metadata: { name: "istio-cni-node", namespace },
            spec: {
                template: {
                    spec: {
                        containers: [
                            {
                                name: "install-cni",
                                image: "docker.io/istio/install-cni:1.29.2",
                                securityContext: { capabilities: { drop: ["ALL"], add: ["NET_ADMIN"] } },
                            },
                        ],
                    },
                },
            },
        });
        const report = await evaluate(
            [
                {
                    type: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
                    name: "istiod-clusterrole-istio-system",
                    props: { metadata: { name: "istiod-clusterrole-istio-system" }, ...wildcardRead },
                },
                {
                    type: "kubernetes:rbac.authorization.k8s.io/v1:Role",
                    name: "shop/istiod-clusterrole-istio-system",
                    props: { metadata: { name: "istiod-clusterrole-istio-system", namespace: "shop" }, ...wildcardRead },
                },
                { type: "kubernetes:apps/v1:DaemonSet", name: "istio-cni/istio-cni-node", props: addsNetAdmin("istio-cni") },
                { type: "kubernetes:apps/v1:DaemonSet", name: "shop/istio-cni-node", props: addsNetAdmin("shop") },
            ],
            JSON.parse(readFileSync(packConfigPath("prod"), "utf8")),
            { policies: allPolicies, stackPolicies: false },
        );
        const judged = (policy: string) => ["k8s:rbac:no-wildcards", "pss:baseline:capabilities"].includes(policy);
        assert.deepEqual(
            report.exemptions
                .filter((e) => judged(e.policy))
                .map((e) => `${e.policy} ${e.resource.name}`)
                .sort(),
            ["k8s:rbac:no-wildcards istiod-clusterrole-istio-system", "pss:baseline:capabilities istio-cni-node"],
        );
        assert.deepEqual(
            report.violations
                .filter((v) => judged(v.policy))
                .map((v) => `${v.policy} ${v.resource?.namespace}/${v.resource?.name} ${v.enforcementLevel}`)
                .sort(),
            [
                "k8s:rbac:no-wildcards shop/istiod-clusterrole-istio-system mandatory",
                "pss:baseline:capabilities shop/istio-cni-node mandatory",
            ],
        );
    });
});

describe("tools/pack-config: what the AWS policies learn about the stack", () => {
    it("tells the production-only policies whether the stack is prod, and holds EKS stacks to their own KMS keys", () => {
        for (const stack of listStacks()) {
            const config = platformConfigOf(stack);
            const pack = policyPackConfigFor(stack) as Record<string, Record<string, unknown> | undefined>;
            const production = config.environment === "prod";
            assert.deepEqual(pack["aws:rds-multi-az"], { production }, stack);
            assert.deepEqual(pack["aws:lb-deletion-protection"], { production }, stack);
            const eks = config.cluster.mode === "eks";
            assert.equal(pack["aws:s3-bucket-kms-encryption"]?.requireCustomerManagedKey, eks ? true : undefined, stack);
            assert.equal(pack["aws:ec2-encrypted-volumes"]?.requireCustomerManagedKey, eks ? true : undefined, stack);
        }
        assert.ok(listStacks().some((s) => platformConfigOf(s).environment === "prod"));
        assert.ok(listStacks().some((s) => platformConfigOf(s).environment !== "prod"));
    });
});
