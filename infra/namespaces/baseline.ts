// The baseline every application namespace gets, as plain manifests so tests read them without mocks.
import type * as k8s from "@pulumi/kubernetes";
import type { NamespaceConfig } from "./config";

type Manifest<T> = T & { apiVersion: string; kind: string };

export const MANAGED_BY = { "app.kubernetes.io/managed-by": "secure-platform" };

/** Pod Security Admission labels: enforce, audit and warn at one level, pinned to the cluster's version. */
export function podSecurityLabels(
    level: "restricted" | "baseline" | "privileged",
    kubernetesVersion: string,
    auditAndWarn: string = level,
): Record<string, string> {
    const version = `v${kubernetesVersion}`;
    const labels: Record<string, string> = {};
    for (const mode of ["enforce", "audit", "warn"]) {
        labels[`pod-security.kubernetes.io/${mode}`] = mode === "enforce" ? level : auditAndWarn;
        labels[`pod-security.kubernetes.io/${mode}-version`] = version;
    }
    return labels;
}

export function namespaceManifest(namespace: NamespaceConfig, kubernetesVersion: string): Manifest<k8s.types.input.core.v1.Namespace> {
    return {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: {
            name: namespace.name,
            labels: { ...namespace.labels, ...MANAGED_BY, ...podSecurityLabels(namespace.podSecurity, kubernetesVersion) },
            annotations: namespace.podSecurityReason ? { "secure-platform/pod-security-reason": namespace.podSecurityReason } : {},
        },
    };
}

/** Nothing in, nothing out: every allowed flow is a separate, named NetworkPolicy. */
export function defaultDenyPolicy(namespace: string): Manifest<k8s.types.input.networking.v1.NetworkPolicy> {
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: "default-deny-all", namespace, labels: MANAGED_BY },
        spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    };
}

/** Name resolution is the one flow every pod needs: UDP and TCP 53 to the cluster DNS pods only. */
export function dnsEgressPolicy(namespace: string): Manifest<k8s.types.input.networking.v1.NetworkPolicy> {
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: "allow-dns-egress", namespace, labels: MANAGED_BY },
        spec: {
            podSelector: {},
            policyTypes: ["Egress"],
            egress: [
                {
                    to: [
                        {
                            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
                            podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
                        },
                    ],
                    ports: [
                        { protocol: "UDP", port: 53 },
                        { protocol: "TCP", port: 53 },
                    ],
                },
            ],
        },
    };
}

/** Default deny and DNS: where every namespace of the platform starts; each further flow is a named policy. */
export function namespaceIsolation(namespace: string): Manifest<k8s.types.input.networking.v1.NetworkPolicy>[] {
    return [defaultDenyPolicy(namespace), dnsEgressPolicy(namespace)];
}

/** Private address space (RFC 1918, and RFC 6598 which EKS accepts as a secondary VPC range). */
export const PRIVATE_NETWORKS = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"];

/** The Kubernetes API: 443 on EKS, 6443 on kind and most existing clusters. */
export const API_SERVER_PORTS = [443, 6443];

/**
 * Where the API server's calls to webhooks come from, and where pods reach it: on EKS the control plane's
 * ENIs inside the VPC, on an existing cluster (kind) the nodes. A NetworkPolicy can only name addresses;
 * with the stack's CIDRs (the VPC's on EKS) it names those, else the private address space, which holds
 * both. Never 0.0.0.0/0: the webhooks answer the API server, not the internet.
 */
export function apiServerPeers(cidrs: string[] = PRIVATE_NETWORKS): k8s.types.input.networking.v1.NetworkPolicyPeer[] {
    return cidrs.map((cidr) => ({ ipBlock: { cidr } }));
}

/** Defaults for containers that declare no requests or limits, so the quota below can apply. */
export function limitRange(namespace: NamespaceConfig): Manifest<k8s.types.input.core.v1.LimitRange> {
    const d = namespace.containerDefaults;
    return {
        apiVersion: "v1",
        kind: "LimitRange",
        metadata: { name: "container-defaults", namespace: namespace.name, labels: MANAGED_BY },
        spec: {
            limits: [
                {
                    type: "Container",
                    defaultRequest: { cpu: d.cpuRequest, memory: d.memoryRequest },
                    default: { cpu: d.cpuLimit, memory: d.memoryLimit },
                },
            ],
        },
    };
}

export function resourceQuota(namespace: NamespaceConfig): Manifest<k8s.types.input.core.v1.ResourceQuota> {
    const q = namespace.quota;
    return {
        apiVersion: "v1",
        kind: "ResourceQuota",
        metadata: { name: "namespace-quota", namespace: namespace.name, labels: MANAGED_BY },
        spec: {
            hard: {
                "requests.cpu": q.requestsCpu,
                "requests.memory": q.requestsMemory,
                "limits.cpu": q.limitsCpu,
                "limits.memory": q.limitsMemory,
                pods: String(q.pods),
                services: String(q.services),
                persistentvolumeclaims: String(q.persistentVolumeClaims),
                // LoadBalancer and NodePort services expose a namespace outside the mesh; none by default.
                "services.loadbalancers": "0",
                "services.nodeports": "0",
            },
        },
    };
}
