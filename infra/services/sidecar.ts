// One Sidecar per application namespace: its proxies learn only the hosts the namespace's services call,
// so a compromised workload cannot even resolve the rest of the mesh through its sidecar.
import type { IstioManifest } from "../mesh/policies";
import { EGRESS_GATEWAY } from "../mesh/values";
import { MANAGED_BY } from "../namespaces/baseline";
import { RELEASE_NAME as VAULT_SERVICE, VAULT_NAMESPACE } from "../vault/values";
import { calleesOf, serviceHost, type ServiceGraph } from "./graph";

export function namespaceSidecar(graph: ServiceGraph, namespace: string, egressNamespace: string): IstioManifest {
    const hosts = new Set<string>();
    for (const caller of graph.workloads.filter((w) => w.namespace === namespace)) {
        for (const callee of calleesOf(graph, caller))
            hosts.add(`${callee.namespace === namespace ? "." : callee.namespace}/${serviceHost(callee)}`);
        for (const external of caller.config.egress) hosts.add(`${egressNamespace}/${external.host}`);
        if (caller.config.egress.length > 0) hosts.add(`${egressNamespace}/${EGRESS_GATEWAY}.${egressNamespace}.svc.cluster.local`);
        // Services with Vault access log in and fetch secrets from Vault (outside the mesh, TLS end to end).
        if (caller.config.vault) hosts.add(`${VAULT_NAMESPACE}/${VAULT_SERVICE}.${VAULT_NAMESPACE}.svc.cluster.local`);
    }
    // "~/*" imports no host at all: the namespace calls nothing, so its proxies learn nothing.
    const visible = hosts.size > 0 ? [...hosts].sort() : ["~/*"];
    return {
        apiVersion: "networking.istio.io/v1",
        kind: "Sidecar",
        metadata: { name: "default", namespace, labels: MANAGED_BY },
        spec: {
            egress: [{ hosts: visible }],
            outboundTrafficPolicy: { mode: "REGISTRY_ONLY" },
        },
    };
}

export function sidecars(graph: ServiceGraph, applicationNamespaces: string[], egressNamespace: string): IstioManifest[] {
    return applicationNamespaces.map((ns) => namespaceSidecar(graph, ns, egressNamespace));
}
