// NetworkPolicies the mesh itself needs, as plain manifests.
import type * as k8s from "@pulumi/kubernetes";
import { defaultDenyPolicy, dnsEgressPolicy, MANAGED_BY } from "../namespaces/baseline";
import type { MeshConfig } from "./config";
import { gatewaySelector, INGRESS_GATEWAY, ISTIOD_XDS_PORT } from "./values";

export type NetworkPolicyManifest = k8s.types.input.networking.v1.NetworkPolicy & { apiVersion: string; kind: string; metadata: { name: string; namespace: string } };

export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

export function networkPolicy(name: string, namespace: string, spec: NetworkPolicyManifest["spec"]): NetworkPolicyManifest {
  return { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace, labels: MANAGED_BY }, spec };
}

/** Every sidecar and gateway fetches its configuration and certificate from istiod (xDS and CA on one port). */
export function istiodEgressPolicy(namespace: string, rootNamespace: string): NetworkPolicyManifest {
  return networkPolicy("allow-istiod-egress", namespace, {
    podSelector: {},
    policyTypes: ["Egress"],
    egress: [{
      to: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: rootNamespace } }, podSelector: { matchLabels: { app: "istiod" } } }],
      ports: [{ protocol: "TCP", port: ISTIOD_XDS_PORT }],
    }],
  });
}

/**
 * The ingress gateway's namespace: default deny; clients (through the load balancer) in on 80, 443 and the
 * status port its health checks use; out only to DNS and istiod. Routes to services add their own egress.
 */
export function ingressGatewayPolicies(mesh: MeshConfig): NetworkPolicyManifest[] {
  const namespace = mesh.ingressNamespace;
  return [
    defaultDenyPolicy(namespace) as NetworkPolicyManifest,
    dnsEgressPolicy(namespace) as NetworkPolicyManifest,
    istiodEgressPolicy(namespace, mesh.rootNamespace),
    networkPolicy("ingress-gateway-clients", namespace, {
      podSelector: { matchLabels: gatewaySelector(INGRESS_GATEWAY) },
      policyTypes: ["Ingress"],
      ingress: [{ ports: [80, 443, 15021].map((port) => ({ protocol: "TCP", port })) }],
    }),
  ];
}
