import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { apiRole, apiRoleBinding, serviceAccount } from "./accounts";
import { authorizationPolicies } from "./authorization";
import type { ServiceConfig } from "./config";
import { egressObjects, externalHosts } from "./egress";
import { serviceGraph } from "./graph";
import { ingressObjects } from "./ingress";
import { egressGatewayPolicies, networkPolicies, type MeshNamespaces } from "./network-policies";
import { sidecars } from "./sidecar";

export interface ServiceOnboardingArgs {
    services: ServiceConfig[];
    /** Every application namespace, with or without services: each gets the allow-nothing policy and a Sidecar. */
    applicationNamespaces: string[];
    mesh: MeshNamespaces;
    provider: k8s.Provider;
    /** The application namespaces (Kubernetes objects) and the mesh control plane (Istio objects). */
    namespacesReady: pulumi.Resource[];
    meshReady: pulumi.Resource[];
}

/**
 * Zero-trust onboarding of the declared services: identities, RBAC, and from the call graph the Istio
 * authorization, NetworkPolicies, traffic in through the ingress gateway, egress through the egress gateway
 * and per-namespace Sidecars. Every object comes from a pure function of the config; this component only
 * registers them.
 */
export class ServiceOnboarding extends pulumi.ComponentResource {
    /** Per service ("namespace/name"), the SPIFFE ID in its workload certificate. */
    readonly identities: Record<string, string>;

    constructor(name: string, args: ServiceOnboardingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("secure-platform:services:ServiceOnboarding", name, {}, { ...opts, providers: [args.provider] });
        const graph = serviceGraph(args.services);
        const kubernetes = { parent: this, dependsOn: args.namespacesReady };
        const istio = { parent: this, dependsOn: [...args.namespacesReady, ...args.meshReady] };
        const resourceName = (m: { kind: string; metadata: { name: string; namespace: string } }) =>
            `${m.metadata.namespace}-${m.kind.toLowerCase()}-${m.metadata.name}`;

        for (const workload of graph.workloads) {
            const account = serviceAccount(workload);
            new k8s.core.v1.ServiceAccount(resourceName(account), account, kubernetes);
            const role = apiRole(workload);
            const binding = apiRoleBinding(workload);
            if (role && binding) {
                const created = new k8s.rbac.v1.Role(resourceName(role), role, kubernetes);
                new k8s.rbac.v1.RoleBinding(resourceName(binding), binding, {
                    parent: this,
                    dependsOn: [...args.namespacesReady, created],
                });
            }
        }
        for (const manifest of networkPolicies(graph, args.applicationNamespaces, args.mesh)) {
            new k8s.networking.v1.NetworkPolicy(resourceName(manifest), manifest, kubernetes);
        }
        for (const manifest of egressGatewayPolicies(externalHosts(graph), args.mesh)) {
            new k8s.networking.v1.NetworkPolicy(resourceName(manifest), manifest, istio);
        }
        const ingress = ingressObjects(graph, args.mesh.ingress);
        for (const manifest of ingress.network) {
            new k8s.networking.v1.NetworkPolicy(resourceName(manifest), manifest, istio);
        }
        const istioObjects = [
            ...ingress.istio,
            ...authorizationPolicies(graph, args.applicationNamespaces),
            ...sidecars(graph, args.applicationNamespaces, args.mesh.egress),
            ...egressObjects({ namespace: args.mesh.egress }, graph),
        ];
        for (const manifest of istioObjects) {
            new k8s.apiextensions.CustomResource(resourceName(manifest), manifest, istio);
        }

        this.identities = Object.fromEntries(graph.workloads.map((w) => [w.id, w.spiffeId]));
        this.registerOutputs({ identities: this.identities });
    }
}
