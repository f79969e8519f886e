import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { helmRelease, type PinnedChart } from "../lib/helm";
import { systemNamespace } from "../namespaces/system-namespace";
import type { MeshConfig } from "./config";
import { cniPolicies, ingressGatewayPolicies, istiodPolicies } from "./network-policies";
import { meshAccessLogging, meshPeerAuthentication } from "./policies";
import {
    baseValues,
    cniValues,
    EGRESS_GATEWAY,
    EGRESS_GATEWAY_TLS_PORT,
    egressGatewayValues,
    INGRESS_GATEWAY,
    ingressGatewayValues,
    istiodValues,
} from "./values";

export interface IstioMeshArgs {
    config: MeshConfig;
    kubernetesVersion: string;
    /** True on EKS: the ingress gateway's load balancer gets AWS annotations. */
    onAws: boolean;
    /** Where the API server calls istiod's webhook from (the VPC on EKS); private address space when unset. */
    apiServerCidrs?: string[];
    provider: k8s.Provider;
    dependsOn: pulumi.Resource[];
}

export interface GatewayAddress {
    /** The gateway's in-cluster service address. */
    service: pulumi.Output<string>;
    ports: number[];
}

const CNI_REASON =
    "istio-cni-node installs the CNI plugin and its configuration on every node (hostPath /opt/cni/bin, /etc/cni/net.d, /proc) " +
    "and runs as root with NET_ADMIN, NET_RAW, SYS_ADMIN, SYS_PTRACE and DAC_OVERRIDE to program traffic redirection in pod " +
    "network namespaces; only the privileged level admits it. It is alone in this namespace so that istiod and the gateways stay restricted.";

/**
 * Istio in sidecar mode with the CNI node agent: base (CRDs), istiod, CNI, an ingress and an egress gateway,
 * each a pinned Helm release in the order Istio needs; then the mesh-wide STRICT mutual TLS and access logs.
 */
export class IstioMesh extends pulumi.ComponentResource {
    readonly rootNamespace: pulumi.Output<string>;
    /** The root namespace's name, known before anything is created: istiod runs there, and other components select it. */
    readonly rootNamespaceName: string;
    readonly egressNamespace: pulumi.Output<string>;
    /** Istio custom resources can be created once these exist: CRDs, istiod's validation webhook, the gateways' namespaces. */
    readonly ready: pulumi.Resource[];
    readonly gateways: { ingress: GatewayAddress; egress: GatewayAddress };

    constructor(name: string, args: IstioMeshArgs, opts?: pulumi.ComponentResourceOptions) {
        super("secure-platform:mesh:IstioMesh", name, {}, { ...opts, providers: [args.provider] });
        const mesh = args.config;
        const child = { parent: this };
        const namespace = (resourceName: string, nsName: string, level: "restricted" | "privileged", reason?: string) =>
            systemNamespace(
                `${name}-${resourceName}`,
                { name: nsName, kubernetesVersion: args.kubernetesVersion, podSecurity: level, ...(reason ? { reason } : {}) },
                { ...child, dependsOn: args.dependsOn },
            );

        const root = namespace("root-ns", mesh.rootNamespace, "restricted");
        const cniNs = namespace("cni-ns", mesh.cniNamespace, "privileged", CNI_REASON);
        const ingressNs = namespace("ingress-ns", mesh.ingressNamespace, "restricted");
        const egressNs = namespace("egress-ns", mesh.egressNamespace, "restricted");

        const chart = (chartName: string): PinnedChart => ({ chart: chartName, version: mesh.version, repo: mesh.chartRepository });
        const base = helmRelease(
            "istio-base",
            { ...chart("base"), namespace: root.metadata.name, values: baseValues(mesh) },
            { ...child, dependsOn: [root] },
        );
        // istiod serves the sidecar injector and config validation webhooks that everything below relies on.
        const istiod = helmRelease(
            "istiod",
            { ...chart("istiod"), namespace: root.metadata.name, values: istiodValues(mesh) },
            { ...child, dependsOn: [base] },
        );
        const afterIstiod = (ns: k8s.core.v1.Namespace) => ({ ...child, dependsOn: [istiod, ns] });
        helmRelease("istio-cni", { ...chart("cni"), namespace: cniNs.metadata.name, values: cniValues(mesh) }, afterIstiod(cniNs));
        const ingress = helmRelease(
            INGRESS_GATEWAY,
            { ...chart("gateway"), namespace: ingressNs.metadata.name, values: ingressGatewayValues(mesh, args.onAws) },
            afterIstiod(ingressNs),
        );
        const egress = helmRelease(
            EGRESS_GATEWAY,
            { ...chart("gateway"), namespace: egressNs.metadata.name, values: egressGatewayValues(mesh) },
            afterIstiod(egressNs),
        );

        for (const manifest of ingressGatewayPolicies(mesh)) {
            new k8s.networking.v1.NetworkPolicy(`${name}-ingress-${manifest.metadata.name}`, manifest, {
                ...child,
                dependsOn: [ingressNs],
            });
        }
        for (const manifest of istiodPolicies(mesh, args.apiServerCidrs)) {
            new k8s.networking.v1.NetworkPolicy(`${name}-root-${manifest.metadata.name}`, manifest, { ...child, dependsOn: [root] });
        }
        for (const manifest of cniPolicies(mesh, args.apiServerCidrs)) {
            new k8s.networking.v1.NetworkPolicy(`${name}-cni-${manifest.metadata.name}`, manifest, { ...child, dependsOn: [cniNs] });
        }

        const afterControlPlane = { ...child, dependsOn: [istiod] };
        const peerAuthentication = meshPeerAuthentication(mesh);
        new k8s.apiextensions.CustomResource(`${name}-peer-authentication`, peerAuthentication, afterControlPlane);
        if (mesh.accessLogging) new k8s.apiextensions.CustomResource(`${name}-access-logging`, meshAccessLogging(mesh), afterControlPlane);

        this.rootNamespace = root.metadata.name;
        this.rootNamespaceName = mesh.rootNamespace;
        this.egressNamespace = egressNs.metadata.name;
        this.ready = [istiod, ingressNs, egressNs];
        // Known once the release is installed; the service is named after the release.
        const address = (release: k8s.helm.v3.Release, ns: k8s.core.v1.Namespace, releaseName: string) =>
            pulumi.all([ns.metadata.name, release.id]).apply(([nsName]) => `${releaseName}.${nsName}.svc.cluster.local`);
        this.gateways = {
            ingress: { service: address(ingress, ingressNs, INGRESS_GATEWAY), ports: [80, 443] },
            egress: { service: address(egress, egressNs, EGRESS_GATEWAY), ports: [EGRESS_GATEWAY_TLS_PORT] },
        };
        this.registerOutputs({ rootNamespace: this.rootNamespace, peerAuthentication: peerAuthentication.spec });
    }
}
