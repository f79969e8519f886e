// Decides, from AuthorizationPolicies, PeerAuthentications and NetworkPolicies alone, whether a connection
// is allowed, following Istio's and Kubernetes' documented semantics. It knows nothing of how the policies
// were generated: it reads them as the cluster would.
import * as ipaddr from "ipaddr.js";
import { selectorMatches } from "./labels";

export { selectorMatches };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rendered objects are untyped
type Json = Record<string, any>;

export interface ContainerPort {
    name?: string;
    containerPort: number;
    protocol?: string;
}

export interface Pod {
    /** For reports only, e.g. "shop/cart". */
    id: string;
    /**
     * The pod's namespace; undefined for an endpoint outside the pod network (a node, the API server, a load
     * balancer, the internet), which only ipBlock peers can match.
     */
    namespace?: string;
    labels: Record<string, string>;
    ip: string;
    /** The mesh principal the pod presents (a sidecar with a certificate), or none (no sidecar). */
    principal?: string;
    /** Declared container ports, which named ports in NetworkPolicies resolve against. */
    ports?: ContainerPort[];
    /**
     * A pod in the node's network namespace: NetworkPolicy does not apply to it (the API leaves it undefined
     * and the common CNIs, the VPC CNI among them, skip such pods), and as a peer it has the node's address.
     */
    hostNetwork?: boolean;
}

export interface Connection {
    from: Pod;
    to: Pod;
    port: number;
    protocol?: "TCP" | "UDP" | "SCTP";
    /** The SNI the client sends, when the connection carries TLS. */
    sni?: string;
}

export interface ClusterView {
    rootNamespace: string;
    /** Namespace name -> its labels (kubernetes.io/metadata.name is added automatically). */
    namespaces: Record<string, Record<string, string>>;
}

// ---------------------------------------------------------------- label selectors (Kubernetes semantics)

function namespaceLabels(view: ClusterView, namespace: string): Record<string, string> {
    return { ...(view.namespaces[namespace] ?? {}), "kubernetes.io/metadata.name": namespace };
}

// ---------------------------------------------------------------- NetworkPolicy (networking.k8s.io/v1)

function policyTypes(policy: Json): string[] {
    if (policy.spec.policyTypes) return policy.spec.policyTypes;
    // Unset: Ingress always, Egress only when the policy has egress rules.
    return policy.spec.egress ? ["Ingress", "Egress"] : ["Ingress"];
}

/** Both address and CIDR are parsed as the API server validates them; an IPv4 address never matches an IPv6 block. */
function ipIn(ip: string, cidr: string): boolean {
    const address = ipaddr.parse(ip);
    const [network, prefix] = ipaddr.parseCIDR(cidr);
    return address.kind() === network.kind() && address.match(network, prefix);
}

/**
 * An ipBlock matches by address, pods included: the API asks for cluster-external CIDRs but leaves pod
 * addresses inside a block to the implementation, and the VPC CNI and Calico match them. Selectors match
 * pods only, never an endpoint outside the pod network.
 */
function peerMatches(peer: Json, policyNamespace: string, endpoint: Pod, view: ClusterView): boolean {
    if (peer.ipBlock) {
        return ipIn(endpoint.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((cidr: string) => ipIn(endpoint.ip, cidr));
    }
    if (endpoint.namespace === undefined || endpoint.hostNetwork) return false;
    const namespaceOk = peer.namespaceSelector
        ? selectorMatches(peer.namespaceSelector, namespaceLabels(view, endpoint.namespace))
        : endpoint.namespace === policyNamespace;
    const podOk = peer.podSelector ? selectorMatches(peer.podSelector, endpoint.labels) : true;
    return namespaceOk && podOk;
}

/**
 * A rule's port is the destination pod's: a number (with endPort, a range), or a name that resolves
 * against the destination's declared container ports with the same protocol. A name the destination
 * does not declare matches nothing.
 */
function portMatches(ports: Json[] | undefined, port: number, protocol: string, destination: Pod): boolean {
    if (!ports || ports.length === 0) return true;
    return ports.some((p) => {
        if ((p.protocol ?? "TCP") !== protocol) return false;
        if (p.port === undefined) return true;
        if (typeof p.port === "string") {
            return (destination.ports ?? []).some(
                (c) => c.name === p.port && c.containerPort === port && (c.protocol ?? "TCP") === protocol,
            );
        }
        return p.endPort ? port >= p.port && port <= p.endPort : port === p.port;
    });
}

function directionAllows(
    policies: Json[],
    direction: "Ingress" | "Egress",
    self: Pod,
    other: Pod,
    destination: Pod,
    port: number,
    protocol: string,
    view: ClusterView,
): boolean {
    // Outside the pod network, or in the node's: no NetworkPolicy selects it.
    if (self.namespace === undefined || self.hostNetwork) return true;
    const selecting = policies.filter(
        (p) =>
            p.kind === "NetworkPolicy" &&
            p.metadata.namespace === self.namespace &&
            selectorMatches(p.spec.podSelector, self.labels) &&
            policyTypes(p).includes(direction),
    );
    if (selecting.length === 0) return true; // not isolated in this direction
    const rulesKey = direction === "Ingress" ? "ingress" : "egress";
    const peersKey = direction === "Ingress" ? "from" : "to";
    return selecting.some((policy) =>
        (policy.spec[rulesKey] ?? []).some((rule: Json) => {
            const peers: Json[] | undefined = rule[peersKey];
            const peerOk = !peers || peers.length === 0 || peers.some((peer) => peerMatches(peer, policy.metadata.namespace, other, view));
            return peerOk && portMatches(rule.ports, port, protocol, destination);
        }),
    );
}

/** One side alone: the client's egress rules, or the server's ingress rules. */
export function networkSideAllows(policies: Json[], c: Connection, view: ClusterView, side: "Ingress" | "Egress"): boolean {
    const protocol = c.protocol ?? "TCP";
    return side === "Egress"
        ? directionAllows(policies, "Egress", c.from, c.to, c.to, c.port, protocol, view)
        : directionAllows(policies, "Ingress", c.to, c.from, c.to, c.port, protocol, view);
}

/** Both the client's egress and the server's ingress must allow the connection. */
export function networkAllows(policies: Json[], c: Connection, view: ClusterView): boolean {
    return networkSideAllows(policies, c, view, "Egress") && networkSideAllows(policies, c, view, "Ingress");
}

// ---------------------------------------------------------------- Istio mutual TLS (PeerAuthentication)

function appliesTo(policy: Json, pod: Pod, view: ClusterView): boolean {
    const ns = policy.metadata.namespace;
    if (ns !== view.rootNamespace && ns !== pod.namespace) return false;
    if (policy.spec?.targetRef || policy.spec?.targetRefs) throw new Error(`${policy.metadata.name}: targetRefs are not modelled`);
    // A selector in the root namespace selects workloads in every namespace.
    return selectorMatches(policy.spec?.selector, pod.labels);
}

/** The most specific PeerAuthentication wins: workload, then namespace, then the mesh (root namespace); default PERMISSIVE. */
export function mtlsMode(policies: Json[], pod: Pod, port: number, view: ClusterView): string {
    const applicable = policies.filter((p) => p.kind === "PeerAuthentication" && appliesTo(p, pod, view));
    const rank = (p: Json) =>
        p.spec?.selector ? 0 : p.metadata.namespace === pod.namespace && pod.namespace !== view.rootNamespace ? 1 : 2;
    for (const policy of applicable.sort((a, b) => rank(a) - rank(b))) {
        const portMode = policy.spec?.portLevelMtls?.[String(port)]?.mode;
        const mode = portMode ?? policy.spec?.mtls?.mode;
        if (mode && mode !== "UNSET") return mode;
    }
    return "PERMISSIVE";
}

// ---------------------------------------------------------------- Istio AuthorizationPolicy

/** Istio's string match: exact, "prefix*", "*suffix", or "*" (any non-empty value). */
function stringMatch(pattern: string, value: string | undefined): boolean {
    if (value === undefined || value === "") return false;
    if (pattern === "*") return true;
    if (pattern.endsWith("*")) return value.startsWith(pattern.slice(0, -1));
    if (pattern.startsWith("*")) return value.endsWith(pattern.slice(1));
    return pattern === value;
}

interface Request {
    principal?: string;
    namespace?: string;
    port: number;
    sni?: string;
}

/**
 * A condition the L4 model cannot evaluate (HTTP methods, paths, JWT claims): Istio ignores such ALLOW rules
 * for TCP traffic and applies the rest of a DENY rule, so it fails an ALLOW and holds for a DENY.
 */
const unknown = (action: string) => action === "DENY";

const listMatch = (patterns: string[] | undefined, value: string | undefined) =>
    patterns === undefined || patterns.some((p) => stringMatch(p, value));
const notListMatch = (patterns: string[] | undefined, value: string | undefined) =>
    patterns === undefined || !patterns.some((p) => stringMatch(p, value));

function sourceMatches(source: Json, r: Request, action: string): boolean {
    const known = ["principals", "notPrincipals", "namespaces", "notNamespaces"];
    if (Object.keys(source).some((k) => !known.includes(k))) return unknown(action);
    return (
        listMatch(source.principals, r.principal) &&
        notListMatch(source.notPrincipals, r.principal) &&
        listMatch(source.namespaces, r.namespace) &&
        notListMatch(source.notNamespaces, r.namespace)
    );
}

function operationMatches(operation: Json, r: Request, action: string): boolean {
    const known = ["ports", "notPorts"];
    if (Object.keys(operation).some((k) => !known.includes(k))) return unknown(action);
    const port = String(r.port);
    return (
        (operation.ports === undefined || operation.ports.includes(port)) &&
        (operation.notPorts === undefined || !operation.notPorts.includes(port))
    );
}

function conditionMatches(condition: Json, r: Request, action: string): boolean {
    const value: Record<string, string | undefined> = {
        "source.principal": r.principal,
        "source.namespace": r.namespace,
        "destination.port": String(r.port),
        "connection.sni": r.sni,
    };
    if (!(condition.key in value)) return unknown(action);
    const actual = value[condition.key];
    return listMatch(condition.values, actual) && notListMatch(condition.notValues, actual);
}

function ruleMatches(rule: Json, r: Request, action: string): boolean {
    const from: Json[] | undefined = rule.from;
    const to: Json[] | undefined = rule.to;
    const when: Json[] | undefined = rule.when;
    return (
        (!from || from.some((f) => sourceMatches(f.source ?? {}, r, action))) &&
        (!to || to.some((t) => operationMatches(t.operation ?? {}, r, action))) &&
        (!when || when.every((w) => conditionMatches(w, r, action)))
    );
}

/** No rules: an ALLOW policy matches nothing (so it denies everything), a DENY policy denies nothing. */
function policyMatches(policy: Json, r: Request, action: string): boolean {
    return (policy.spec?.rules ?? []).some((rule: Json) => ruleMatches(rule, r, action));
}

/** Istio's order: CUSTOM (not modelled), then DENY, then ALLOW; no ALLOW policy on the workload = allow. */
export function authorizationAllows(policies: Json[], c: Connection, view: ClusterView): boolean {
    const applicable = policies.filter((p) => p.kind === "AuthorizationPolicy" && appliesTo(p, c.to, view));
    const r: Request = {
        principal: c.from.principal,
        namespace: c.from.principal?.match(/\/ns\/([^/]+)\//)?.[1],
        port: c.port,
        sni: c.sni,
    };
    const action = (p: Json) => p.spec?.action ?? "ALLOW";
    if (applicable.some((p) => action(p) === "CUSTOM")) throw new Error("CUSTOM authorization is not modelled");
    if (applicable.some((p) => action(p) === "DENY" && policyMatches(p, r, "DENY"))) return false;
    const allows = applicable.filter((p) => action(p) === "ALLOW");
    return allows.length === 0 || allows.some((p) => policyMatches(p, r, "ALLOW"));
}

/** The connection succeeds only if the network lets it through, mutual TLS accepts it and authorization allows it. */
export function connectionAllowed(policies: Json[], c: Connection, view: ClusterView): boolean {
    if (!networkAllows(policies, c, view)) return false;
    const mode = mtlsMode(policies, c.to, c.port, view);
    if (mode === "STRICT" && !c.from.principal) return false;
    const presented = mode === "DISABLE" ? { ...c, from: { ...c.from, principal: undefined } } : c;
    return authorizationAllows(policies, presented, view);
}
