// NetworkPolicies of the monitoring area: its own namespaces are default-deny with named allows, and each
// application namespace admits Prometheus to the sidecars' metrics ports and nothing else.
import type * as k8s from "@pulumi/kubernetes";
import { apiServerPeers, MANAGED_BY, namespaceIsolation } from "../namespaces/baseline";
import type { VaultServerFacts } from "../vault/values";
import type { MonitoringConfig } from "./config";
import { RELEASES } from "./values";

export type NetworkPolicyManifest = k8s.types.input.networking.v1.NetworkPolicy & {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace: string };
};

/** Istio's sidecar metrics: 15020 (agent, merged metrics) and 15090 (Envoy's own). */
export const SIDECAR_METRICS_PORTS = [15020, 15090] as const;

const byName = (namespace: string) => ({ matchLabels: { "kubernetes.io/metadata.name": namespace } });
const app = (name: string) => ({ matchLabels: { "app.kubernetes.io/name": name } });
const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));
/** Kubernetes API (443 on EKS, 6443 on kind) and HTTPS endpoints outside the cluster. */
const ANYWHERE = [{ ipBlock: { cidr: "0.0.0.0/0" } }, { ipBlock: { cidr: "::/0" } }];

function policy(name: string, namespace: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec): NetworkPolicyManifest {
    return { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace, labels: { ...MANAGED_BY } }, spec };
}

const PROMETHEUS_PODS = app("prometheus");

/** Prometheus pods, as seen from any namespace. */
export function prometheusPeer(config: MonitoringConfig) {
    return { namespaceSelector: byName(config.namespace), podSelector: PROMETHEUS_PODS };
}

/**
 * The monitoring namespace carries this label, so that components which do not know its name (the mesh's
 * namespaces) can admit its Prometheus; only cluster administrators can label namespaces.
 */
export const MONITORING_NAMESPACE_LABELS = { "secure-platform/role": "monitoring" };

/** The same Prometheus pods, found by the monitoring namespace's label instead of its name. */
export const PROMETHEUS_BY_ROLE = { namespaceSelector: { matchLabels: MONITORING_NAMESPACE_LABELS }, podSelector: PROMETHEUS_PODS };

/** Default deny and DNS, as in application namespaces. */
function isolated(ns: string): NetworkPolicyManifest[] {
    return namespaceIsolation(ns) as NetworkPolicyManifest[];
}

/** Isolated, plus HTTPS to anywhere: the API server (443 on EKS, 6443 on kind) and external endpoints. */
function isolatedWithHttpsEgress(ns: string): NetworkPolicyManifest[] {
    return [
        ...isolated(ns),
        policy("allow-https-egress", ns, { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: ANYWHERE, ports: tcp(443, 6443) }] }),
    ];
}

export function monitoringNamespacePolicies(config: MonitoringConfig, apiServerCidrs?: string[]): NetworkPolicyManifest[] {
    const ns = config.namespace;
    return [
        // The operator, kube-state-metrics and the webhook jobs talk to the API server; Alertmanager to its receivers.
        ...isolatedWithHttpsEgress(ns),
        policy("allow-prometheus-scrape-egress", ns, {
            podSelector: app("prometheus"),
            policyTypes: ["Egress"],
            // Scrape targets live in every namespace; kubelets listen on the nodes' addresses.
            egress: [{ to: [{ namespaceSelector: {} }] }, { to: ANYWHERE, ports: tcp(10250) }],
        }),
        policy("allow-ingress-from-prometheus", ns, {
            podSelector: {},
            policyTypes: ["Ingress"],
            ingress: [{ from: [{ podSelector: app("prometheus") }] }],
        }),
        policy("allow-alertmanager-cluster", ns, {
            podSelector: app("alertmanager"),
            policyTypes: ["Ingress", "Egress"],
            ingress: [{ from: [{ podSelector: app("alertmanager") }], ports: [...tcp(9094), { protocol: "UDP", port: 9094 }] }],
            egress: [{ to: [{ podSelector: app("alertmanager") }], ports: [...tcp(9094), { protocol: "UDP", port: 9094 }] }],
        }),
        policy("allow-operator-webhook", ns, {
            podSelector: { matchLabels: { app: `${RELEASES.kubePrometheusStack}-operator` } },
            policyTypes: ["Ingress"],
            // The API server calls the operator's admission webhook (PrometheusRule validation) on 10250; no one else may.
            ingress: [{ from: apiServerPeers(apiServerCidrs), ports: tcp(10250) }],
        }),
    ];
}

export function falcoNamespacePolicies(config: MonitoringConfig): NetworkPolicyManifest[] {
    const ns = config.falcoNamespace;
    return [
        ...isolated(ns),
        policy("allow-falco-egress", ns, {
            podSelector: app("falco"),
            policyTypes: ["Egress"],
            // Events to falcosidekick; rule updates (falcoctl) from the OCI registry over HTTPS.
            egress: [
                { to: [{ podSelector: app("falcosidekick") }], ports: tcp(2801) },
                { to: ANYWHERE, ports: tcp(443) },
            ],
        }),
        policy("allow-falcosidekick-ingress", ns, {
            podSelector: app("falcosidekick"),
            policyTypes: ["Ingress"],
            ingress: [{ from: [{ podSelector: app("falco") }, prometheusPeer(config)], ports: tcp(2801) }],
        }),
    ];
}

export function trivyNamespacePolicies(config: MonitoringConfig): NetworkPolicyManifest[] {
    const ns = config.trivyNamespace;
    return [
        // The API server, image registries and the vulnerability database, all over HTTPS.
        ...isolatedWithHttpsEgress(ns),
        policy("allow-metrics-from-prometheus", ns, {
            podSelector: app("trivy-operator"),
            policyTypes: ["Ingress"],
            ingress: [{ from: [prometheusPeer(config)], ports: tcp(8080) }],
        }),
    ];
}

/** In each application namespace (default-deny): Prometheus may scrape the sidecars, nothing more. */
export function sidecarScrapePolicy(config: MonitoringConfig, namespace: string): NetworkPolicyManifest {
    return policy("allow-prometheus-sidecar-metrics", namespace, {
        podSelector: {},
        policyTypes: ["Ingress"],
        ingress: [{ from: [prometheusPeer(config)], ports: tcp(...SIDECAR_METRICS_PORTS) }],
    });
}

/**
 * In Vault's namespace: Prometheus may reach the Vault servers' API port for /v1/sys/metrics. The Vault
 * component isolates its servers with its own ingress policy; this one only adds Prometheus to it.
 */
export function vaultScrapePolicy(config: MonitoringConfig, vault: VaultServerFacts): NetworkPolicyManifest {
    return policy("allow-prometheus-vault-metrics", vault.namespace, {
        podSelector: { matchLabels: vault.serverPodLabels },
        policyTypes: ["Ingress"],
        ingress: [{ from: [prometheusPeer(config)], ports: tcp(vault.port) }],
    });
}
