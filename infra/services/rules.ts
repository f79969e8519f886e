// What the mesh needs of the declared services, beyond their shape (checked in config.ts).
import type { IssueReporter } from "../mesh/config";
import type { ServiceConfig } from "./config";

/** Protocols the ingress gateway routes after terminating TLS (HTTPS servers carry HTTP, HTTP/2 and gRPC). */
export const INGRESS_PROTOCOLS = ["HTTP", "HTTP2", "GRPC"];

/** Ports the Istio sidecar and gateways use inside every pod (15000-15090); a service cannot listen there. */
export const ISTIO_RESERVED_PORTS = { from: 15000, to: 15090 };

export function serviceMeshRules(services: ServiceConfig[], issue: IssueReporter): void {
    const accounts = new Map<string, string>();
    const hosts = new Map<string, { port: number; protocol: string; service: string }>();
    const publicHosts = new Map<string, string>();
    services.forEach((service, i) => {
        const path = ["services", i];
        const id = `${service.namespace}/${service.name}`;
        const account = `${service.namespace}/${service.serviceAccount ?? service.name}`;
        const holder = accounts.get(account);
        if (holder) {
            issue(
                [...path, "serviceAccount"],
                `is also the account of ${holder}; two services with one account share one mesh identity, so neither could be authorised alone. Give each its own`,
                service.serviceAccount ?? service.name,
            );
        }
        accounts.set(account, id);
        service.ports.forEach((port, j) => {
            if (port.port >= ISTIO_RESERVED_PORTS.from && port.port <= ISTIO_RESERVED_PORTS.to) {
                issue(
                    [...path, "ports", j, "port"],
                    `is reserved by the Istio sidecar (${ISTIO_RESERVED_PORTS.from}-${ISTIO_RESERVED_PORTS.to}); choose another port`,
                    port.port,
                );
            }
        });
        service.egress.forEach((egress, j) => {
            const at = [...path, "egress", j];
            if (egress.host.startsWith("*.")) {
                issue(
                    [...at, "host"],
                    "is a wildcard; the egress gateway forwards to exact hosts only (a wildcard needs an SNI proxy it does not run). List each host",
                    egress.host,
                );
            }
            if (egress.protocol === "TCP") {
                issue(
                    [...at, "protocol"],
                    "TCP has no SNI by which the egress gateway could tell hosts apart; use TLS (or HTTPS) for external hosts",
                    egress.protocol,
                );
            }
            const earlier = hosts.get(egress.host);
            if (earlier && (earlier.port !== egress.port || earlier.protocol !== egress.protocol)) {
                issue(
                    [...at],
                    `declares ${egress.host} as ${egress.protocol} port ${egress.port} but ${earlier.service} declared ${earlier.protocol} port ${earlier.port}; one host has one port and protocol`,
                    egress,
                );
            }
            if (!earlier) hosts.set(egress.host, { port: egress.port, protocol: egress.protocol, service: id });
        });
        service.ingress.forEach((route, j) => {
            const at = [...path, "ingress", j];
            const declared = service.ports.find((p) => p.port === route.port);
            if (!declared) {
                issue(
                    [...at, "port"],
                    `is not a declared port of ${id} (declared: ${service.ports.map((p) => p.port).join(", ")}); the gateway forwards to a declared port only`,
                    route.port,
                );
            } else if (!INGRESS_PROTOCOLS.includes(declared.protocol)) {
                issue(
                    [...at, "port"],
                    `is a ${declared.protocol} port; the ingress gateway terminates TLS and routes ${INGRESS_PROTOCOLS.join(", ")} only`,
                    route.port,
                );
            }
            route.hosts.forEach((host, k) => {
                const holder = publicHosts.get(host);
                if (holder) issue([...at, "hosts", k], `is also served for ${holder}; one public host routes to one service`, host);
                publicHosts.set(host, `${id} (services[${i}].ingress[${j}])`);
            });
        });
    });
}
