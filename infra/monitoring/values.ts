// Helm values for the three charts, as pure functions of config. A helm.sh/v3 Release hides its rendered
// objects from the policy pack, so every security-relevant setting is written here explicitly, even
// where it matches the chart's current default.
import { quantityValue } from "../lib/quantity";
import type { MonitoringConfig, Resources } from "./config";

/** falcoctl runs as the Falco pod's user (root, for the probe) but with no capability and no escalation. */
const FALCOCTL_CONTAINER = {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
} as const;

export const RELEASES = {
    kubePrometheusStack: "kube-prometheus-stack",
    falco: "falco",
    trivyOperator: "trivy-operator",
} as const;

/** kube-prometheus-stack selects ServiceMonitors, PodMonitors and PrometheusRules carrying its release label. */
export const SELECTOR_LABELS = { release: RELEASES.kubePrometheusStack };

/** Name of the Secret holding alertmanager.yaml; created by the component, never by Helm values. */
export const ALERTMANAGER_CONFIG_SECRET = "alertmanager-security-config";

/** Pod-level settings of the restricted Pod Security Standard. */
export function restrictedPod(uid: number, gid = uid): Record<string, unknown> {
    return { runAsNonRoot: true, runAsUser: uid, runAsGroup: gid, fsGroup: gid, seccompProfile: { type: "RuntimeDefault" } };
}

export const RESTRICTED_CONTAINER = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    privileged: false,
    capabilities: { drop: ["ALL"] },
} as const;

export function resourceValues(r: Resources): { requests: Record<string, string>; limits: Record<string, string> } {
    return { requests: { cpu: r.cpuRequest, memory: r.memoryRequest }, limits: { cpu: r.cpuLimit, memory: r.memoryLimit } };
}

const small = (cpuLimit: string, memory: string) => ({ requests: { cpu: "50m", memory }, limits: { cpu: cpuLimit, memory } });

function volumeClaim(size: string, storageClass: string | undefined): Record<string, unknown> {
    return {
        volumeClaimTemplate: {
            spec: {
                ...(storageClass ? { storageClassName: storageClass } : {}),
                accessModes: ["ReadWriteOnce"],
                resources: { requests: { storage: size } },
            },
        },
    };
}

export interface StackContext {
    clusterName: string;
    environment: string;
}

export function kubePrometheusStackValues(config: MonitoringConfig, context: StackContext): Record<string, unknown> {
    const p = config.prometheus;
    const a = config.alertmanager;
    return {
        crds: { enabled: true },
        // No admin password in values, no UI exposed by default: dashboards are not part of security alerting.
        grafana: { enabled: false },
        // node-exporter needs hostNetwork, hostPID and hostPath, which would drop this namespace below the
        // restricted Pod Security level; Falco watches the nodes instead.
        nodeExporter: { enabled: false },
        // The managed control plane (EKS) exposes no scheduler, controller-manager or etcd endpoints, and
        // kube-proxy serves its metrics on localhost only.
        kubeControllerManager: { enabled: false },
        kubeScheduler: { enabled: false },
        kubeEtcd: { enabled: false },
        kubeProxy: { enabled: false },
        defaultRules: {
            create: true,
            rules: {
                etcd: false,
                kubeControllerManager: false,
                kubeSchedulerAlerting: false,
                kubeSchedulerRecording: false,
                kubeProxy: false,
                node: false,
                nodeExporterAlerting: false,
                nodeExporterRecording: false,
                kubePrometheusNodeRecording: false,
                windows: false,
            },
        },
        prometheusOperator: {
            resources: small("200m", "256Mi"),
            securityContext: restrictedPod(65534),
            containerSecurityContext: RESTRICTED_CONTAINER,
            admissionWebhooks: {
                patch: { securityContext: restrictedPod(2000), resources: small("100m", "64Mi") },
            },
        },
        "kube-state-metrics": {
            resources: small("200m", "256Mi"),
            securityContext: { enabled: true, ...restrictedPod(65534) },
            containerSecurityContext: RESTRICTED_CONTAINER,
        },
        prometheus: {
            prometheusSpec: {
                replicas: p.replicas,
                retention: p.retention,
                // Leave 10% headroom on the volume so that compaction never fills it.
                retentionSize: `${Math.max(1, Math.floor(gibibytes(p.storageSize) * 0.9))}GB`,
                scrapeInterval: p.scrapeInterval,
                evaluationInterval: "30s",
                externalLabels: { cluster: context.clusterName, environment: context.environment },
                enableAdminAPI: false,
                resources: resourceValues(p.resources),
                securityContext: restrictedPod(1000, 2000),
                storageSpec: volumeClaim(p.storageSize, p.storageClass),
                podAntiAffinity: "hard",
                // Only objects labelled for this release are picked up (the chart's default, stated explicitly).
                serviceMonitorSelectorNilUsesHelmValues: true,
                podMonitorSelectorNilUsesHelmValues: true,
                ruleSelectorNilUsesHelmValues: true,
            },
        },
        alertmanager: {
            // Alertmanager never calls the Kubernetes API: neither its account nor its pods (the operator copies the
            // spec's setting into the pod, which overrides the account's) carry a token.
            serviceAccount: { automountServiceAccountToken: false },
            alertmanagerSpec: {
                automountServiceAccountToken: false,
                replicas: a.replicas,
                retention: "120h",
                useExistingSecret: true,
                configSecret: ALERTMANAGER_CONFIG_SECRET,
                resources: small("200m", "256Mi"),
                securityContext: restrictedPod(1000, 2000),
                storage: volumeClaim(a.storageSize, p.storageClass),
                // Soft: three replicas must still schedule on a two-node staging cluster.
                podAntiAffinity: "soft",
            },
        },
    };
}

/** A storage quantity in GiB ("100Gi" -> 100, "200G" -> 186.3), for retentionSize. */
export function gibibytes(quantity: string): number {
    const bytes = quantityValue(quantity);
    if (Number.isNaN(bytes)) throw new Error(`monitoring: storage size ${quantity} is not a quantity such as 100Gi`);
    return bytes / 2 ** 30;
}

/**
 * Falco with the modern eBPF probe in least-privileged mode: instead of a privileged container the
 * chart grants BPF, PERFMON, SYS_RESOURCE and SYS_PTRACE (listed in docs/monitoring.md and the
 * policy-pack exemptions). falcosidekick receives the events and exports them as Prometheus metrics.
 */
export function falcoValues(config: MonitoringConfig): Record<string, unknown> {
    const replicas = config.prometheus.replicas > 1 ? 2 : 1;
    return {
        driver: { enabled: true, kind: "modern_ebpf", modernEbpf: { leastPrivileged: true } },
        resources: { requests: { cpu: "100m", memory: "512Mi" }, limits: { cpu: "1000m", memory: "1024Mi" } },
        tty: false,
        falco: { json_output: true, json_include_output_property: true, priority: "notice" },
        // falcoctl installs and follows the rules artifacts: it only downloads files into the pod's own volumes,
        // so it needs no capability (the exemption for Falco's probe is not a licence for these containers).
        falcoctl: {
            artifact: {
                install: { resources: small("100m", "64Mi"), securityContext: FALCOCTL_CONTAINER },
                follow: { resources: small("100m", "64Mi"), securityContext: FALCOCTL_CONTAINER },
            },
        },
        falcosidekick: {
            enabled: true,
            replicaCount: replicas,
            webui: { enabled: false },
            resources: small("200m", "128Mi"),
            podSecurityContext: restrictedPod(1234),
            securityContext: RESTRICTED_CONTAINER,
            serviceMonitor: { enabled: true, additionalLabels: SELECTOR_LABELS },
        },
    };
}

/**
 * Where Trivy Operator's pods pull from. The chart defaults to mirror.gcr.io/aquasec/, which no stack allows;
 * Aqua publishes the same images under ghcr.io/aquasecurity/, one of the platform's image sources. The
 * trivy image reaches the scan jobs through the chart's ConfigMap, so it needs its own override.
 */
export const TRIVY_IMAGES = {
    operator: { registry: "ghcr.io", repository: "aquasecurity/trivy-operator" },
    trivy: { registry: "ghcr.io", repository: "aquasecurity/trivy" },
    nodeCollector: { registry: "ghcr.io", repository: "aquasecurity/node-collector" },
} as const;

/** What Trivy downloads at run time (OCI artifacts, not pod images): from the publisher's registry too, not mirror.gcr.io. */
export const TRIVY_ARTIFACTS = {
    db: { dbRegistry: "ghcr.io", dbRepository: "aquasecurity/trivy-db" },
    javaDb: { javaDbRegistry: "ghcr.io", javaDbRepository: "aquasecurity/trivy-java-db" },
    checks: { registry: "ghcr.io", repository: "aquasecurity/trivy-checks" },
} as const;

/** Trivy Operator: vulnerability reports as CRDs and as metrics; scan jobs run restricted in its own namespace. */
export function trivyOperatorValues(): Record<string, unknown> {
    return {
        image: TRIVY_IMAGES.operator,
        nodeCollector: TRIVY_IMAGES.nodeCollector,
        operator: {
            vulnerabilityScannerEnabled: true,
            // The node collector reads the host's kubelet and etcd files (hostPath, hostPID); not run here.
            infraAssessmentScannerEnabled: false,
            scanJobsConcurrentLimit: 3,
        },
        trivy: {
            image: TRIVY_IMAGES.trivy,
            ...TRIVY_ARTIFACTS.db,
            ...TRIVY_ARTIFACTS.javaDb,
            severity: "UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL",
            ignoreUnfixed: false,
        },
        policiesBundle: TRIVY_ARTIFACTS.checks,
        serviceMonitor: { enabled: true, labels: SELECTOR_LABELS, honorLabels: true },
        resources: small("500m", "512Mi"),
        podSecurityContext: restrictedPod(10000),
        securityContext: RESTRICTED_CONTAINER,
        trivyOperator: {
            // Scan jobs stay in the operator's namespace, out of the default-deny application namespaces.
            scanJobsInSameNamespace: false,
            scanJobAutomountServiceAccountToken: false,
            scanJobPodTemplatePodSecurityContext: restrictedPod(10000),
            scanJobPodTemplateContainerSecurityContext: RESTRICTED_CONTAINER,
        },
    };
}
