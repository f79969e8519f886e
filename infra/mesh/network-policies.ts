// NetworkPolicies the mesh itself needs, as plain manifests: every mesh namespace starts from default deny.
import type * as k8s from "@pulumi/kubernetes";
import { API_SERVER_PORTS, apiServerPeers, MANAGED_BY, namespaceIsolation } from "../namespaces/baseline";
import { PROMETHEUS_BY_ROLE } from "../monitoring/network";
import type { MeshConfig } from "./config";
import { gatewaySelector, INGRESS_GATEWAY, ISTIOD_XDS_PORT, SIDECAR_INJECTION_LABELS } from "./values";

export type NetworkPolicyManifest = k8s.types.input.networking.v1.NetworkPolicy & {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace: string };
};

export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/** istiod's injection and validation webhooks (the Service's 443), and its control-plane metrics. */
export const ISTIOD_WEBHOOK_PORT = 15017;
export const ISTIOD_MONITORING_PORT = 15014;
/** The Istio agent's merged metrics on every sidecar and gateway, which the sidecar PodMonitor scrapes. */
export const PROXY_METRICS_PORT = 15020;

const ISTIOD = { matchLabels: { app: "istiod" } };
const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));

export function networkPolicy(name: string, namespace: string, spec: NetworkPolicyManifest["spec"]): NetworkPolicyManifest {
    return { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace, labels: MANAGED_BY }, spec };
}

const isolation = (namespace: string) => namespaceIsolation(namespace) as NetworkPolicyManifest[];

/** Every sidecar and gateway fetches its configuration and certificate from istiod (xDS and CA on one port). */
export function istiodEgressPolicy(namespace: string, rootNamespace: string): NetworkPolicyManifest {
    return networkPolicy("allow-istiod-egress", namespace, {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
            {
                to: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: rootNamespace } }, podSelector: ISTIOD }],
                ports: tcp(ISTIOD_XDS_PORT),
            },
        ],
    });
}

/** Prometheus scrapes the gateways' merged metrics, found through the prometheus.io annotations. */
export function gatewayMetricsPolicy(namespace: string): NetworkPolicyManifest {
    return networkPolicy("allow-prometheus-proxy-metrics", namespace, {
        podSelector: {},
        policyTypes: ["Ingress"],
        ingress: [{ from: [PROMETHEUS_BY_ROLE], ports: tcp(PROXY_METRICS_PORT) }],
    });
}

/**
 * The root namespace: default deny; istiod takes xDS (15012) from meshed namespaces and the gateways only,
 * webhook calls (15017) from the API server, metrics (15014) from Prometheus, and reaches the API server.
 * The plaintext xDS port 15010 and the debug port 8080 stay closed to everyone.
 */
export function istiodPolicies(mesh: MeshConfig, apiServerCidrs?: string[]): NetworkPolicyManifest[] {
    const ns = mesh.rootNamespace;
    const gateways = [mesh.ingressNamespace, mesh.egressNamespace].sort();
    return [
        ...isolation(ns),
        networkPolicy("istiod-ingress", ns, {
            podSelector: ISTIOD,
            policyTypes: ["Ingress"],
            ingress: [
                {
                    from: [
                        { namespaceSelector: { matchLabels: SIDECAR_INJECTION_LABELS } },
                        { namespaceSelector: { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: "In", values: gateways }] } },
                    ],
                    ports: tcp(ISTIOD_XDS_PORT),
                },
                { from: apiServerPeers(apiServerCidrs), ports: tcp(ISTIOD_WEBHOOK_PORT) },
                { from: [PROMETHEUS_BY_ROLE], ports: tcp(ISTIOD_MONITORING_PORT) },
            ],
        }),
        networkPolicy("istiod-api-server-egress", ns, {
            podSelector: ISTIOD,
            policyTypes: ["Egress"],
            egress: [{ to: apiServerPeers(apiServerCidrs), ports: tcp(...API_SERVER_PORTS) }],
        }),
    ];
}

/**
 * The CNI node agent's namespace. The agent (1.29) runs in the pod network, so these policies hold its own
 * sockets: it takes no connections and reaches only DNS and the API server (to watch pods). What it does on
 * the node through its hostPath mounts and capabilities (rewriting pods' iptables) no NetworkPolicy governs.
 */
export function cniPolicies(mesh: MeshConfig, apiServerCidrs?: string[]): NetworkPolicyManifest[] {
    const ns = mesh.cniNamespace;
    return [
        ...isolation(ns),
        networkPolicy("cni-api-server-egress", ns, {
            podSelector: {},
            policyTypes: ["Egress"],
            egress: [{ to: apiServerPeers(apiServerCidrs), ports: tcp(...API_SERVER_PORTS) }],
        }),
    ];
}

/**
 * The ingress gateway's namespace: default deny; clients (through the load balancer) in on 80, 443 and the
 * status port its health checks use, Prometheus on the metrics port; out only to DNS and istiod. Routes to
 * services add their own egress.
 */
export function ingressGatewayPolicies(mesh: MeshConfig): NetworkPolicyManifest[] {
    const namespace = mesh.ingressNamespace;
    return [
        ...isolation(namespace),
        istiodEgressPolicy(namespace, mesh.rootNamespace),
        networkPolicy("ingress-gateway-clients", namespace, {
            podSelector: { matchLabels: gatewaySelector(INGRESS_GATEWAY) },
            policyTypes: ["Ingress"],
            ingress: [{ ports: tcp(80, 443, 15021) }],
        }),
        gatewayMetricsPolicy(namespace),
    ];
}
