import assert from "node:assert/strict";
import { PRIVATE_RANGES } from "../../../infra/vault/manifests";
import { networkSideAllows, type Pod } from "../../../tools/charts/access-evaluator";
import { stackConfig } from "../../helpers/config";
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
            // The API server: on EKS 443 inside the VPC (the control plane's interfaces); on kind 6443.
            assert.deepEqual(ports, [[8200, 8201], stack === "local" ? [6443] : [443]]);
            const vpc = stackConfig(stack).cluster;
            assert.deepEqual(egress.egress[1].to, [{ ipBlock: { cidr: vpc.mode === "eks" ? vpc.vpc.cidr : "0.0.0.0/0" } }]);
            // AWS's public endpoints on 443, for the pods with AWS roles only, and never a private address.
            const aws = byName.get("vault-aws-egress");
            if (stack === "local") assert.equal(aws, undefined);
            else {
                assert.deepEqual(aws.podSelector.matchExpressions[0].values, ["vault", "vault-bootstrap", "vault-snapshot"]);
                assert.deepEqual(aws.egress, [
                    { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: PRIVATE_RANGES } }], ports: [{ protocol: "TCP", port: 443 }] },
                ]);
            }
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

    for (const stack of STACKS) {
        it(`${stack}: only the pods of services that declared Vault reach 8200, and only AWS-role pods leave on 443 to public addresses`, async () => {
            const config = stackConfig(stack);
            const policies = kubernetesObjects(await rendered(stack))
                .map((o) => o.manifest as Json)
                .filter((m) => m.kind === "NetworkPolicy");
            const namespaces = Object.fromEntries([...config.namespaces.map((n) => n.name), "vault"].map((n) => [n, {}]));
            const view = { rootNamespace: "istio-system", namespaces };
            const allowed = (from: Pod, to: Pod, port: number) =>
                (["Egress", "Ingress"] as const).every((side) =>
                    networkSideAllows(policies, { from, to, port, protocol: "TCP" }, view, side),
                );
            const pod = (namespace: string, name: string, ip: string): Pod => ({
                id: `${namespace}/${name}`,
                namespace,
                labels: { "app.kubernetes.io/name": name },
                ip,
            });
            const server = {
                ...pod("vault", "vault", "10.0.64.10"),
                labels: { "app.kubernetes.io/name": "vault", "app.kubernetes.io/instance": "vault", component: "server" },
            };
            const users = config.services.filter((s) => s.vault);
            const others = config.services.filter((s) => !s.vault);
            assert.ok(users.length > 0 && others.length > 0, `${stack} has services with and without Vault`);
            users.forEach((s, i) =>
                assert.ok(allowed(pod(s.namespace, s.name, `10.0.65.${i + 1}`), server, 8200), `${s.namespace}/${s.name}`),
            );
            others.forEach((s, i) =>
                assert.ok(
                    !allowed(pod(s.namespace, s.name, `10.0.66.${i + 1}`), server, 8200),
                    `${s.namespace}/${s.name} did not declare Vault`,
                ),
            );
            const outside = (ip: string): Pod => ({ id: ip, labels: {}, ip });
            const snapshot = pod("vault", "vault-snapshot", "10.0.64.11");
            const unseal = pod("vault", "vault-unseal-insecure-local", "10.0.64.12");
            // A public AWS address (KMS) and a private address that is neither the API server nor Vault.
            assert.equal(allowed(server, outside("52.94.0.10"), 443), stack !== "local");
            assert.equal(allowed(snapshot, outside("52.94.0.10"), 443), stack !== "local");
            assert.equal(allowed(unseal, outside("52.94.0.10"), 443), false);
            assert.equal(allowed(server, outside("192.168.7.7"), 443), false);
        });
    }
});
