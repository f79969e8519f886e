// What Prometheus scrapes beyond the chart's own targets: istiod, every Istio sidecar, and Vault.
import type { MonitoredComponents, MonitoringConfig } from "./config";
import type { VaultServerFacts } from "../vault/values";
import { SELECTOR_LABELS } from "./values";

type Manifest = {
    apiVersion: "monitoring.coreos.com/v1";
    kind: "ServiceMonitor" | "PodMonitor";
    metadata: { name: string; namespace: string; labels: Record<string, string> };
    spec: Record<string, unknown>;
};

const labels = { ...SELECTOR_LABELS, "app.kubernetes.io/part-of": "security-monitoring" };

/** istiod's control-plane metrics (port http-monitoring, 15014): pushes, rejected configs, CA certificate expiry. */
export function istiodServiceMonitor(config: MonitoringConfig, istioNamespace: string): Manifest {
    return {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: { name: "istiod", namespace: config.namespace, labels },
        spec: {
            jobLabel: "istio",
            targetLabels: ["app"],
            selector: { matchExpressions: [{ key: "istio", operator: "In", values: ["pilot"] }] },
            namespaceSelector: { matchNames: [istioNamespace] },
            endpoints: [{ port: "http-monitoring", interval: "15s" }],
        },
    };
}

/**
 * Every sidecar's merged metrics (istio_requests_total and friends) from the agent on 15020, found through
 * the prometheus.io annotations the injector sets. Pods opt out with the label istio-prometheus-ignore.
 */
export function sidecarPodMonitor(config: MonitoringConfig): Manifest {
    return {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PodMonitor",
        metadata: { name: "istio-sidecars", namespace: config.namespace, labels },
        spec: {
            jobLabel: "envoy-stats",
            selector: { matchExpressions: [{ key: "istio-prometheus-ignore", operator: "DoesNotExist" }] },
            namespaceSelector: { any: true },
            podMetricsEndpoints: [
                {
                    path: "/stats/prometheus",
                    interval: "15s",
                    relabelings: [
                        { action: "keep", sourceLabels: ["__meta_kubernetes_pod_container_name"], regex: "istio-proxy" },
                        { action: "keep", sourceLabels: ["__meta_kubernetes_pod_annotationpresent_prometheus_io_scrape"] },
                        // The port the injector announces (15020), on the pod's own address (IPv4 or IPv6).
                        {
                            action: "replace",
                            sourceLabels: ["__meta_kubernetes_pod_annotation_prometheus_io_port", "__meta_kubernetes_pod_ip"],
                            regex: "(\\d+);(([A-Fa-f0-9]{1,4}::?){1,7}[A-Fa-f0-9]{1,4})",
                            replacement: "[$2]:$1",
                            targetLabel: "__address__",
                        },
                        {
                            action: "replace",
                            sourceLabels: ["__meta_kubernetes_pod_annotation_prometheus_io_port", "__meta_kubernetes_pod_ip"],
                            regex: "(\\d+);((([0-9]+?)(\\.|$)){4})",
                            replacement: "$2:$1",
                            targetLabel: "__address__",
                        },
                        { action: "replace", sourceLabels: ["__meta_kubernetes_namespace"], targetLabel: "namespace" },
                        { action: "replace", sourceLabels: ["__meta_kubernetes_pod_name"], targetLabel: "pod" },
                    ],
                },
            ],
        },
    };
}

/**
 * Vault's telemetry from every server pod (the headless vault-internal service), over TLS verified with
 * Vault's CA. The listener serves /v1/sys/metrics without a token (unauthenticated_metrics_access), and
 * only Prometheus may reach it: see VAULT_TELEMETRY_HCL and docs/monitoring.md.
 */
export function vaultServiceMonitor(vault: VaultServerFacts): Manifest {
    const ns = vault.namespace;
    return {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        // In Vault's namespace: a ServiceMonitor reads its CA ConfigMap from its own namespace.
        metadata: { name: "vault", namespace: ns, labels },
        spec: {
            selector: { matchLabels: vault.internalServiceLabels },
            namespaceSelector: { matchNames: [ns] },
            endpoints: [
                {
                    port: "https",
                    scheme: "https",
                    path: "/v1/sys/metrics",
                    params: { format: ["prometheus"] },
                    interval: "30s",
                    tlsConfig: {
                        ca: { configMap: vault.caConfigMap },
                        serverName: vault.serverName,
                    },
                },
            ],
        },
    };
}

/**
 * The Vault server configuration this scrape relies on, for the Vault component's server config:
 * Prometheus-format telemetry kept for a day, and the metrics path open without a token on the listener.
 */
export const VAULT_TELEMETRY_HCL = `telemetry {
  prometheus_retention_time = "24h"
  disable_hostname          = true
}

listener "tcp" {
  # ... the listener's address and TLS settings ...
  telemetry {
    unauthenticated_metrics_access = true
  }
}`;

export function scrapeTargets(config: MonitoringConfig, monitored: MonitoredComponents): Manifest[] {
    return [
        istiodServiceMonitor(config, monitored.istioNamespace),
        sidecarPodMonitor(config),
        ...(config.vault.enabled ? [vaultServiceMonitor(monitored.vault)] : []),
    ];
}
