import assert from "node:assert/strict";
import { kubernetesObjects, rendered, STACKS } from "../../helpers/stacks";

type Json = Record<string, any>;

describe("vault namespace network isolation", () => {
    for (const stack of STACKS) {
        it(`${stack}: denies by default, then allows DNS, the Vault servers' ports and HTTPS out only`, async () => {
            const policies = kubernetesObjects(await rendered(stack))
                .map((o) => o.manifest as Json)
                .filter((m) => m.kind === "NetworkPolicy" && m.metadata.namespace === "vault");
            const byName = new Map(policies.map((p) => [p.metadata.name, p.spec]));
            assert.deepEqual(byName.get("default-deny-all"), { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
            assert.ok(byName.has("allow-dns-egress"));
            const egress = byName.get("vault-namespace-egress")!;
            assert.deepEqual(egress.policyTypes, ["Egress"]);
            const ports = egress.egress.map((rule: Json) => rule.ports.map((p: Json) => p.port).sort());
            assert.deepEqual(ports, [
                [8200, 8201],
                [443, 6443],
            ]);
            assert.deepEqual(egress.egress[0].to[0].podSelector.matchLabels["app.kubernetes.io/name"], "vault");
            const database = byName.get("vault-database-egress")!;
            assert.equal(database.podSelector.matchLabels.component, "server", "only the servers reach the database");
            assert.deepEqual(database.egress[0].ports, [{ protocol: "TCP", port: 5432 }]);
            // EKS Pod Identity: the pods with AWS roles reach the node's agent, IPv4 and IPv6, on 80 only; kind has none.
            const agent = byName.get("vault-pod-identity-egress");
            if (stack === "local") assert.equal(agent, undefined);
            else {
                assert.deepEqual(agent.podSelector.matchExpressions, [
                    { key: "app.kubernetes.io/name", operator: "In", values: ["vault", "vault-bootstrap", "vault-snapshot"] },
                ]);
                assert.deepEqual(agent.egress, [
                    {
                        to: [{ ipBlock: { cidr: "169.254.170.23/32" } }, { ipBlock: { cidr: "fd00:ec2::23/128" } }],
                        ports: [{ protocol: "TCP", port: 80 }],
                    },
                ]);
            }
            // No policy in the namespace opens ingress to every pod: only the servers take connections.
            for (const policy of policies.filter((p) => p.spec.policyTypes.includes("Ingress") && p.metadata.name !== "default-deny-all")) {
                assert.notDeepEqual(policy.spec.podSelector, {}, policy.metadata.name);
            }
        });
    }
});
