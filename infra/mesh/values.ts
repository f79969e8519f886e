// Helm values for Istio's charts, as pure functions of the mesh config. A helm.sh/v3 Release hides its
// rendered objects from CrossGuard, so every security-relevant setting is written here explicitly.
import type { MeshConfig } from "./config";

type Values = Record<string, unknown>;
type Resources = MeshConfig["istiod"]["resources"];

export const INGRESS_GATEWAY = "istio-ingressgateway";
export const EGRESS_GATEWAY = "istio-egressgateway";
/** The chart labels gateway pods `istio: <release name without "istio-">`; Gateway resources select on it. */
export const gatewaySelector = (releaseName: string) => ({ istio: releaseName.replace(/^istio-/, "") });
/** The port on which the egress gateway accepts mutual TLS from sidecars for external TLS hosts. */
export const EGRESS_GATEWAY_TLS_PORT = 443;
/** istiod's xDS and certificate-signing port, the one port every sidecar must reach. */
export const ISTIOD_XDS_PORT = 15012;

function kubernetesResources(r: Resources) {
    return { requests: { cpu: r.cpuRequest, memory: r.memoryRequest }, limits: { cpu: r.cpuLimit, memory: r.memoryLimit } };
}

const RUNTIME_DEFAULT = { type: "RuntimeDefault" };

/** Spread replicas over zones, then nodes, so that one zone or node loss leaves the rest serving. */
function spread(matchLabels: Record<string, string>, replicas: number) {
    if (replicas < 2) return [];
    return [
        { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels } },
        { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels } },
    ];
}

/** The CRDs and cluster-wide roles; the istiod validation webhook for the default revision. */
export function baseValues(mesh: MeshConfig): Values {
    return {
        global: { istioNamespace: mesh.rootNamespace },
        defaultRevision: "default",
    };
}

/** Istio's own proxy image for a release, what the injector uses when mesh.proxyImage is not set. */
export const ISTIO_PROXY_IMAGE = (version: string) => `docker.io/istio/proxyv2:${version}`;

/** The image the injector gives every sidecar and gateway: the one definition admission also reads. */
export function proxyImage(mesh: MeshConfig): string {
    return mesh.proxyImage ?? ISTIO_PROXY_IMAGE(mesh.version);
}

export function istiodValues(mesh: MeshConfig): Values {
    const replicas = mesh.istiod.replicas;
    return {
        global: {
            istioNamespace: mesh.rootNamespace,
            logAsJson: true,
            // A budget of minAvailable 1 over a single replica would block every node drain.
            defaultPodDisruptionBudget: { enabled: replicas > 1 },
            // A reference with a "/" is used verbatim by the injection template (a digest-pinned mirror, for instance).
            proxy: {
                privileged: false,
                resources: kubernetesResources(mesh.sidecarResources),
                ...(mesh.proxyImage ? { image: mesh.proxyImage } : {}),
            },
            // istio-validation (the CNI init container) takes proxy_init.image: without it the injector would
            // compose <hub>/<full reference>:<tag> from a full proxy.image, and no meshed pod would start.
            ...(mesh.proxyImage ? { proxy_init: { image: mesh.proxyImage } } : {}),
        },
        pilot: {
            autoscaleEnabled: false,
            replicaCount: replicas,
            resources: kubernetesResources(mesh.istiod.resources),
            seccompProfile: RUNTIME_DEFAULT,
            topologySpreadConstraints: spread({ app: "istiod" }, replicas),
            // The CNI node agent sets up traffic redirection, so injected pods get no istio-init container
            // and need neither NET_ADMIN nor NET_RAW: application namespaces stay Pod Security "restricted".
            cni: { enabled: true, provider: "default" },
            env: {
                MAX_WORKLOAD_CERT_TTL: mesh.maxWorkloadCertTtl,
                DEFAULT_WORKLOAD_CERT_TTL: mesh.workloadCertTtl,
                CITADEL_SELF_SIGNED_CA_CERT_TTL: mesh.rootCertTtl,
                // The proxy as a native sidecar (an init container that keeps running) starts before the pod's other
                // init containers, so that a Vault agent init container can reach Vault through the mesh.
                ENABLE_NATIVE_SIDECARS: "true",
            },
        },
        meshConfig: {
            rootNamespace: mesh.rootNamespace,
            trustDomain: "cluster.local",
            enableAutoMtls: true,
            // Only hosts in the registry (Kubernetes services and ServiceEntries) are reachable.
            outboundTrafficPolicy: { mode: "REGISTRY_ONLY" },
            pathNormalization: { normalization: mesh.pathNormalization },
            defaultConfig: {
                holdApplicationUntilProxyStarts: true,
                // The lifetime the Istio agent requests for its workload certificate; it rotates before expiry.
                proxyMetadata: { SECRET_TTL: mesh.workloadCertTtl },
            },
        },
    };
}

/** The chart (1.2x) reads its settings at the top level of values. */
export function cniValues(mesh: MeshConfig): Values {
    return {
        global: { logAsJson: true },
        // Never redirect the traffic of the control plane or of the node agent itself.
        excludeNamespaces: [mesh.rootNamespace, mesh.cniNamespace, "kube-system"],
        seccompProfile: RUNTIME_DEFAULT,
        resources: { requests: { cpu: "100m", memory: "100Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
    };
}

const GATEWAY_POD_SECURITY = {
    runAsNonRoot: true,
    runAsUser: 1337,
    runAsGroup: 1337,
    fsGroup: 1337,
    seccompProfile: RUNTIME_DEFAULT,
    // A safe sysctl (allowed under Pod Security "restricted"): Envoy binds 80 and 443 without NET_BIND_SERVICE.
    sysctls: [{ name: "net.ipv4.ip_unprivileged_port_start", value: "0" }],
};

const GATEWAY_CONTAINER_SECURITY = {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: 1337,
    runAsGroup: 1337,
    capabilities: { drop: ["ALL"] },
};

function gatewayCommon(name: string, gateway: MeshConfig["egressGateway"]): Values {
    const replicas = gateway.replicas;
    return {
        name,
        replicaCount: replicas,
        autoscaling: { enabled: false },
        resources: kubernetesResources(gateway.resources),
        // The chart renders a PodDisruptionBudget only when this is set; none over a single replica.
        podDisruptionBudget: replicas > 1 ? { minAvailable: 1 } : {},
        securityContext: GATEWAY_POD_SECURITY,
        containerSecurityContext: GATEWAY_CONTAINER_SECURITY,
        topologySpreadConstraints: spread({ app: name, ...gatewaySelector(name) }, replicas),
    };
}

export function ingressGatewayValues(mesh: MeshConfig, onAws: boolean): Values {
    const gateway = mesh.ingressGateway;
    const annotations: Record<string, string> = {};
    if (gateway.serviceType === "LoadBalancer" && onAws) {
        annotations["service.beta.kubernetes.io/aws-load-balancer-type"] = "nlb";
        if (gateway.internal) annotations["service.beta.kubernetes.io/aws-load-balancer-internal"] = "true";
    }
    return {
        ...gatewayCommon(INGRESS_GATEWAY, gateway),
        service: {
            type: gateway.serviceType,
            annotations,
            loadBalancerSourceRanges: gateway.serviceType === "LoadBalancer" ? gateway.loadBalancerSourceRanges : [],
            ports: [
                { name: "status-port", port: 15021, protocol: "TCP", targetPort: 15021 },
                { name: "http2", port: 80, protocol: "TCP", targetPort: 80 },
                { name: "https", port: 443, protocol: "TCP", targetPort: 443 },
            ],
        },
    };
}

/** The egress gateway is reached from inside the mesh only: a ClusterIP service, mutual TLS on 443. */
export function egressGatewayValues(mesh: MeshConfig): Values {
    return {
        ...gatewayCommon(EGRESS_GATEWAY, mesh.egressGateway),
        service: {
            type: "ClusterIP",
            ports: [
                { name: "status-port", port: 15021, protocol: "TCP", targetPort: 15021 },
                { name: "tls", port: EGRESS_GATEWAY_TLS_PORT, protocol: "TCP", targetPort: EGRESS_GATEWAY_TLS_PORT },
            ],
        },
    };
}

/** The namespace label that turns on sidecar injection by the default revision's webhook. */
export const SIDECAR_INJECTION_LABELS = { "istio-injection": "enabled" };
