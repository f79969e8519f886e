// Kubernetes NetworkPolicies for the same edges as the authorization policies: a second, independent layer
// (enforced by the node's CNI, below the sidecar) on top of each namespace's default deny.
import type * as k8s from "@pulumi/kubernetes";
import {
    gatewayMetricsPolicy,
    istiodEgressPolicy,
    NAMESPACE_NAME_LABEL,
    networkPolicy as policy,
    type NetworkPolicyManifest,
} from "../mesh/network-policies";
import { EGRESS_GATEWAY, EGRESS_GATEWAY_TLS_PORT, gatewaySelector } from "../mesh/values";
import { namespaceIsolation, PRIVATE_NETWORKS } from "../namespaces/baseline";
import type { ExternalHost } from "./egress";
import { calleesOf, callersOf, type ServiceGraph, type Workload } from "./graph";

export type { NetworkPolicyManifest };
type Peer = k8s.types.input.networking.v1.NetworkPolicyPeer;

export interface MeshNamespaces {
    root: string;
    ingress: string;
    egress: string;
}

/** Pods of one workload, wherever the policy lives (the namespace's automatic name label). */
function peer(namespace: string, podLabels: Record<string, string>): Peer {
    return { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } }, podSelector: { matchLabels: podLabels } };
}

const tcp = (ports: number[]) => [...new Set(ports)].map((port) => ({ protocol: "TCP", port }));

/** The declared callers may open connections to the service's declared ports. */
export function serviceIngressPolicy(callee: Workload, callers: Workload[]): NetworkPolicyManifest {
    return policy(`${callee.name}-ingress`, callee.namespace, {
        podSelector: { matchLabels: callee.labels },
        policyTypes: ["Ingress"],
        ingress: [{ from: callers.map((c) => peer(c.namespace, c.labels)), ports: tcp(callee.config.ports.map((p) => p.port)) }],
    });
}

/** The service may connect to the services it is a declared caller of, and to the egress gateway if it has external hosts. */
export function serviceEgressPolicy(caller: Workload, callees: Workload[], mesh: MeshNamespaces): NetworkPolicyManifest {
    const egress = callees.map((callee) => ({
        to: [peer(callee.namespace, callee.labels)],
        ports: tcp(callee.config.ports.map((p) => p.port)),
    }));
    if (caller.config.egress.length > 0) {
        egress.push({ to: [peer(mesh.egress, gatewaySelector(EGRESS_GATEWAY))], ports: tcp([EGRESS_GATEWAY_TLS_PORT]) });
    }
    return policy(`${caller.name}-egress`, caller.namespace, {
        podSelector: { matchLabels: caller.labels },
        policyTypes: ["Egress"],
        egress,
    });
}

/** Private and link-local ranges: the egress gateway reaches the internet, never the cluster or the VPC through it. */
export const NON_PUBLIC_RANGES = [...PRIVATE_NETWORKS, "169.254.0.0/16", "127.0.0.0/8"];

/** The egress gateway's namespace: default deny; in from the declaring services and Prometheus (metrics), out to DNS, istiod and the internet on the declared ports. */
export function egressGatewayPolicies(hosts: ExternalHost[], mesh: MeshNamespaces): NetworkPolicyManifest[] {
    const namespace = mesh.egress;
    const policies: NetworkPolicyManifest[] = [
        ...(namespaceIsolation(namespace) as NetworkPolicyManifest[]),
        istiodEgressPolicy(namespace, mesh.root),
        gatewayMetricsPolicy(namespace),
    ];
    if (hosts.length === 0) return policies;
    const callers = new Map(hosts.flatMap((h) => h.callers).map((c) => [c.id, c]));
    const selector = { matchLabels: gatewaySelector(EGRESS_GATEWAY) };
    policies.push(
        policy("egress-gateway-ingress", namespace, {
            podSelector: selector,
            policyTypes: ["Ingress"],
            ingress: [{ from: [...callers.values()].map((c) => peer(c.namespace, c.labels)), ports: tcp([EGRESS_GATEWAY_TLS_PORT]) }],
        }),
    );
    policies.push(
        policy("egress-gateway-egress", namespace, {
            podSelector: selector,
            policyTypes: ["Egress"],
            egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: NON_PUBLIC_RANGES } }], ports: tcp(hosts.map((h) => h.port)) }],
        }),
    );
    return policies;
}

/** Per application namespace the istiod egress; per service its ingress (if it has callers) and egress (if it calls out). */
export function networkPolicies(graph: ServiceGraph, applicationNamespaces: string[], mesh: MeshNamespaces): NetworkPolicyManifest[] {
    const policies = applicationNamespaces.map((ns) => istiodEgressPolicy(ns, mesh.root));
    for (const workload of graph.workloads) {
        const callers = callersOf(graph, workload);
        if (callers.length > 0) policies.push(serviceIngressPolicy(workload, callers));
        const callees = calleesOf(graph, workload);
        if (callees.length > 0 || workload.config.egress.length > 0) policies.push(serviceEgressPolicy(workload, callees, mesh));
    }
    return policies;
}
