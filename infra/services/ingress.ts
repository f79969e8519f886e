// Traffic in: the ingress gateway terminates TLS for each service's declared public hosts and forwards to the
// declared port, and only there. The mesh admits the gateway's SPIFFE identity to exactly that service and
// port; NetworkPolicies open the same edge (gateway egress, service ingress) below the sidecars.
import type { IstioManifest } from "../mesh/policies";
import { networkPolicy, NAMESPACE_NAME_LABEL, type NetworkPolicyManifest } from "../mesh/network-policies";
import { gatewaySelector, INGRESS_GATEWAY } from "../mesh/values";
import { MANAGED_BY } from "../namespaces/baseline";
import { serviceHost, TRUST_DOMAIN, type ServiceGraph, type Workload } from "./graph";

/** HTTP on 80 only redirects; HTTPS on 443 serves (the gateway chart's Service maps both to the same pod ports). */
export const INGRESS_HTTP_PORT = 80;
export const INGRESS_HTTPS_PORT = 443;

/**
 * The gateway chart names the service account after the release (values `name`, no `serviceAccount.name`),
 * so the gateway's pods present cluster.local/ns/<ingress namespace>/sa/istio-ingressgateway.
 */
export const ingressGatewayPrincipal = (ingressNamespace: string) => `${TRUST_DOMAIN}/ns/${ingressNamespace}/sa/${INGRESS_GATEWAY}`;

export interface ExposedService {
    workload: Workload;
    /** The declared ports the gateway forwards to, each with its hosts and certificate. */
    routes: Workload["config"]["ingress"];
}

export function exposedServices(graph: ServiceGraph): ExposedService[] {
    return graph.workloads.filter((w) => w.config.ingress.length > 0).map((workload) => ({ workload, routes: workload.config.ingress }));
}

const objectName = (w: Workload) => `${w.namespace}-${w.name}`;
const exposedPorts = (e: ExposedService) => [...new Set(e.routes.map((r) => r.port))].sort((a, b) => a - b);

/**
 * One Gateway per exposed service. Hosts are written "./<host>": only VirtualServices in the gateway's own
 * namespace (the platform's) can bind them, so no team can route another team's host from its namespace.
 */
export function ingressGateway(ingressNamespace: string, exposed: ExposedService): IstioManifest {
    const w = exposed.workload;
    return {
        apiVersion: "networking.istio.io/v1",
        kind: "Gateway",
        metadata: { name: objectName(w), namespace: ingressNamespace, labels: MANAGED_BY },
        spec: {
            selector: gatewaySelector(INGRESS_GATEWAY),
            servers: exposed.routes.flatMap((route, i) => {
                const hosts = route.hosts.map((h) => `./${h}`);
                return [
                    {
                        port: { number: INGRESS_HTTPS_PORT, name: `https-${objectName(w)}-${i}`, protocol: "HTTPS" },
                        hosts,
                        tls: { mode: "SIMPLE", credentialName: route.tlsSecret, minProtocolVersion: "TLSV1_2" },
                    },
                    {
                        port: { number: INGRESS_HTTP_PORT, name: `http-${objectName(w)}-${i}`, protocol: "HTTP" },
                        hosts,
                        tls: { httpsRedirect: true },
                    },
                ];
            }),
        },
    };
}

/** One VirtualService per route, beside its Gateway and visible to nothing else (exportTo "."). */
export function ingressVirtualServices(ingressNamespace: string, exposed: ExposedService): IstioManifest[] {
    const w = exposed.workload;
    return exposed.routes.map((route, i) => ({
        apiVersion: "networking.istio.io/v1",
        kind: "VirtualService",
        metadata: { name: `${objectName(w)}-${i}`, namespace: ingressNamespace, labels: MANAGED_BY },
        spec: {
            hosts: route.hosts,
            gateways: [objectName(w)],
            exportTo: ["."],
            http: [{ route: [{ destination: { host: serviceHost(w), port: { number: route.port } } }] }],
        },
    }));
}

/** The gateway's identity to the exposed ports of this service, and nothing else of it. */
export function allowIngressGatewayPolicy(ingressNamespace: string, exposed: ExposedService): IstioManifest {
    const w = exposed.workload;
    return {
        apiVersion: "security.istio.io/v1",
        kind: "AuthorizationPolicy",
        metadata: { name: `allow-ingress-gateway-${w.name}`, namespace: w.namespace, labels: MANAGED_BY },
        spec: {
            selector: { matchLabels: w.labels },
            action: "ALLOW",
            rules: [
                {
                    from: [{ source: { principals: [ingressGatewayPrincipal(ingressNamespace)] } }],
                    to: [{ operation: { ports: exposedPorts(exposed).map(String) } }],
                },
            ],
        },
    };
}

const tcp = (ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));
const gatewayPeer = (ingressNamespace: string) => ({
    namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: ingressNamespace } },
    podSelector: { matchLabels: gatewaySelector(INGRESS_GATEWAY) },
});

/** The gateway's egress to exactly the exposed services' exposed ports (its namespace denies the rest). */
export function ingressGatewayRoutesPolicy(ingressNamespace: string, exposed: ExposedService[]): NetworkPolicyManifest {
    return networkPolicy("ingress-gateway-routes", ingressNamespace, {
        podSelector: { matchLabels: gatewaySelector(INGRESS_GATEWAY) },
        policyTypes: ["Egress"],
        egress: exposed.map((e) => ({
            to: [
                {
                    namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: e.workload.namespace } },
                    podSelector: { matchLabels: e.workload.labels },
                },
            ],
            ports: tcp(exposedPorts(e)),
        })),
    });
}

/** The service's ingress from the gateway's pods on its exposed ports. */
export function serviceFromIngressGatewayPolicy(ingressNamespace: string, exposed: ExposedService): NetworkPolicyManifest {
    const w = exposed.workload;
    return networkPolicy(`${w.name}-from-ingress-gateway`, w.namespace, {
        podSelector: { matchLabels: w.labels },
        policyTypes: ["Ingress"],
        ingress: [{ from: [gatewayPeer(ingressNamespace)], ports: tcp(exposedPorts(exposed)) }],
    });
}

/** Every object of the ingress edge; nothing when no service is exposed (the gateway then reaches no service). */
export function ingressObjects(
    graph: ServiceGraph,
    ingressNamespace: string,
): { istio: IstioManifest[]; network: NetworkPolicyManifest[] } {
    const exposed = exposedServices(graph);
    if (exposed.length === 0) return { istio: [], network: [] };
    return {
        istio: exposed.flatMap((e) => [
            ingressGateway(ingressNamespace, e),
            ...ingressVirtualServices(ingressNamespace, e),
            allowIngressGatewayPolicy(ingressNamespace, e),
        ]),
        network: [
            ingressGatewayRoutesPolicy(ingressNamespace, exposed),
            ...exposed.map((e) => serviceFromIngressGatewayPolicy(ingressNamespace, e)),
        ],
    };
}
