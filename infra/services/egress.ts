// External hosts a service may reach, through the egress gateway only (Istio's "egress gateway with mutual
// TLS" pattern for TLS traffic): the sidecar wraps the application's own TLS in mutual TLS to the gateway, the
// gateway checks the caller's identity and forwards to the declared host. With outboundTrafficPolicy
// REGISTRY_ONLY, a host without a ServiceEntry is unreachable.
import type { IstioManifest } from "../mesh/policies";
import { EGRESS_GATEWAY, EGRESS_GATEWAY_TLS_PORT, gatewaySelector } from "../mesh/values";
import { MANAGED_BY } from "../namespaces/baseline";
import type { ServiceGraph, Workload } from "./graph";

export interface ExternalHost {
    host: string;
    port: number;
    protocol: "TLS" | "HTTPS" | "TCP";
    /** The services that declared this host. */
    callers: Workload[];
}

export const GATEWAY_NAME = "egress-gateway";
/** "api.stripe.com" -> "api-stripe-com": names of objects and subsets derived from a host. */
export const hostSlug = (host: string) => host.replace(/^\*\./, "wildcard-").replace(/\./g, "-");

/** Declared external hosts, each with every service that declared it; sorted by host. */
export function externalHosts(graph: ServiceGraph): ExternalHost[] {
    const hosts = new Map<string, ExternalHost>();
    for (const workload of graph.workloads) {
        for (const egress of workload.config.egress) {
            const entry = hosts.get(egress.host) ?? { host: egress.host, port: egress.port, protocol: egress.protocol, callers: [] };
            if (!entry.callers.some((c) => c.id === workload.id)) entry.callers.push(workload);
            hosts.set(egress.host, entry);
        }
    }
    return [...hosts.values()].sort((a, b) => a.host.localeCompare(b.host));
}

export interface EgressContext {
    /** The namespace of the egress gateway, where the egress objects live. */
    namespace: string;
}

const gatewayService = (ctx: EgressContext) => `${EGRESS_GATEWAY}.${ctx.namespace}.svc.cluster.local`;
/** Visible to the namespaces of the services that declared the host, and to the gateway's own namespace. */
const exportTo = (callers: Workload[]) => [...new Set([".", ...callers.map((c) => c.namespace)])];
const portName = (external: ExternalHost) => `${external.protocol === "HTTPS" ? "https" : "tls"}-${external.port}`;

function meta(ctx: EgressContext, name: string) {
    return { name, namespace: ctx.namespace, labels: MANAGED_BY };
}

export function serviceEntry(ctx: EgressContext, external: ExternalHost): IstioManifest {
    return {
        apiVersion: "networking.istio.io/v1",
        kind: "ServiceEntry",
        metadata: meta(ctx, `external-${hostSlug(external.host)}`),
        spec: {
            hosts: [external.host],
            location: "MESH_EXTERNAL",
            resolution: "DNS",
            ports: [{ number: external.port, name: portName(external), protocol: external.protocol }],
            exportTo: exportTo(external.callers),
        },
    };
}

/** One server per host: the gateway terminates the sidecars' mutual TLS, told apart by SNI. */
export function egressGateway(ctx: EgressContext, hosts: ExternalHost[]): IstioManifest {
    return {
        apiVersion: "networking.istio.io/v1",
        kind: "Gateway",
        metadata: meta(ctx, GATEWAY_NAME),
        spec: {
            selector: gatewaySelector(EGRESS_GATEWAY),
            servers: hosts.map((external) => ({
                port: { number: EGRESS_GATEWAY_TLS_PORT, name: `tls-${hostSlug(external.host)}`, protocol: "TLS" },
                hosts: [external.host],
                tls: { mode: "ISTIO_MUTUAL" },
            })),
        },
    };
}

/** Sidecars reach the gateway with Istio mutual TLS, one subset per host carrying that host as SNI. */
export function egressGatewayDestinationRule(ctx: EgressContext, hosts: ExternalHost[]): IstioManifest {
    return {
        apiVersion: "networking.istio.io/v1",
        kind: "DestinationRule",
        metadata: meta(ctx, GATEWAY_NAME),
        spec: {
            host: gatewayService(ctx),
            exportTo: exportTo(hosts.flatMap((h) => h.callers)),
            subsets: hosts.map((external) => ({
                name: hostSlug(external.host),
                trafficPolicy: {
                    portLevelSettings: [{ port: { number: EGRESS_GATEWAY_TLS_PORT }, tls: { mode: "ISTIO_MUTUAL", sni: external.host } }],
                },
            })),
        },
    };
}

/** Mesh traffic for the host goes to the gateway; the gateway sends it on to the host. */
export function egressVirtualService(ctx: EgressContext, external: ExternalHost): IstioManifest {
    const gateway = `${ctx.namespace}/${GATEWAY_NAME}`;
    return {
        apiVersion: "networking.istio.io/v1",
        kind: "VirtualService",
        metadata: meta(ctx, `egress-${hostSlug(external.host)}`),
        spec: {
            hosts: [external.host],
            gateways: ["mesh", gateway],
            exportTo: exportTo(external.callers),
            tls: [
                {
                    match: [{ gateways: ["mesh"], port: external.port, sniHosts: [external.host] }],
                    route: [
                        {
                            destination: {
                                host: gatewayService(ctx),
                                subset: hostSlug(external.host),
                                port: { number: EGRESS_GATEWAY_TLS_PORT },
                            },
                        },
                    ],
                },
            ],
            tcp: [
                {
                    match: [{ gateways: [gateway], port: EGRESS_GATEWAY_TLS_PORT }],
                    route: [{ destination: { host: external.host, port: { number: external.port } } }],
                },
            ],
        },
    };
}

/** The gateway forwards a host only for the services that declared it, matched by principal and SNI. */
export function egressGatewayAuthorization(ctx: EgressContext, hosts: ExternalHost[]): IstioManifest[] {
    const allowNothing: IstioManifest = {
        apiVersion: "security.istio.io/v1",
        kind: "AuthorizationPolicy",
        metadata: meta(ctx, "allow-nothing"),
        spec: {},
    };
    if (hosts.length === 0) return [allowNothing];
    return [
        allowNothing,
        {
            apiVersion: "security.istio.io/v1",
            kind: "AuthorizationPolicy",
            metadata: meta(ctx, "allow-declared-egress"),
            spec: {
                selector: { matchLabels: gatewaySelector(EGRESS_GATEWAY) },
                action: "ALLOW",
                rules: hosts.map((external) => ({
                    from: [{ source: { principals: [...new Set(external.callers.map((c) => c.principal))].sort() } }],
                    to: [{ operation: { ports: [String(EGRESS_GATEWAY_TLS_PORT)] } }],
                    when: [{ key: "connection.sni", values: [external.host] }],
                })),
            },
        },
    ];
}

/** Every Istio object the declared external hosts need; none when no service declares one. */
export function egressObjects(ctx: EgressContext, graph: ServiceGraph): IstioManifest[] {
    const hosts = externalHosts(graph);
    const authorization = egressGatewayAuthorization(ctx, hosts);
    if (hosts.length === 0) return authorization;
    return [
        ...hosts.map((h) => serviceEntry(ctx, h)),
        egressGateway(ctx, hosts),
        egressGatewayDestinationRule(ctx, hosts),
        ...hosts.map((h) => egressVirtualService(ctx, h)),
        ...authorization,
    ];
}
