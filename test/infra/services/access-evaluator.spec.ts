// The evaluator's own semantics, on hand-written policies whose outcome Istio and Kubernetes document.
import { strict as assert } from "node:assert";
import {
    authorizationAllows,
    connectionAllowed,
    mtlsMode,
    networkAllows,
    type ClusterView,
    type Pod,
} from "../../../tools/charts/access-evaluator";

const view: ClusterView = { rootNamespace: "istio-system", namespaces: {} };
const pod = (namespace: string, name: string, ip: string, sidecar = true): Pod => ({
    id: `${namespace}/${name}`,
    namespace,
    labels: { app: name },
    ip,
    ...(sidecar ? { principal: `cluster.local/ns/${namespace}/sa/${name}` } : {}),
});
const a = pod("shop", "a", "10.0.0.1");
const b = pod("shop", "b", "10.0.0.2");
const c = pod("payments", "c", "10.0.1.1");
const plain = pod("shop", "legacy", "10.0.0.9", false);

const authz = (namespace: string, spec: Record<string, unknown>, name = "p") => ({
    apiVersion: "security.istio.io/v1",
    kind: "AuthorizationPolicy",
    metadata: { name, namespace },
    spec,
});
const netpol = (namespace: string, spec: Record<string, unknown>, name = "n") => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace },
    spec,
});
const strict = {
    apiVersion: "security.istio.io/v1",
    kind: "PeerAuthentication",
    metadata: { name: "default", namespace: "istio-system" },
    spec: { mtls: { mode: "STRICT" } },
};

describe("access evaluator (Istio and Kubernetes semantics)", () => {
    describe("AuthorizationPolicy", () => {
        it("allows everything when no policy applies", () => {
            assert.equal(authorizationAllows([], { from: a, to: b, port: 8080 }, view), true);
        });
        it("denies everything under an allow-nothing policy (spec: {})", () => {
            assert.equal(authorizationAllows([authz("shop", {})], { from: a, to: b, port: 8080 }, view), false);
        });
        it("allows only the principals and ports an ALLOW rule names", () => {
            const policies = [
                authz("shop", {}, "deny"),
                authz("shop", {
                    selector: { matchLabels: { app: "b" } },
                    rules: [
                        { from: [{ source: { principals: ["cluster.local/ns/shop/sa/a"] } }], to: [{ operation: { ports: ["8080"] } }] },
                    ],
                }),
            ];
            assert.equal(authorizationAllows(policies, { from: a, to: b, port: 8080 }, view), true);
            assert.equal(authorizationAllows(policies, { from: a, to: b, port: 9090 }, view), false);
            assert.equal(authorizationAllows(policies, { from: c, to: b, port: 8080 }, view), false);
        });
        it("applies a DENY before any ALLOW", () => {
            const policies = [
                authz("shop", { rules: [{}] }, "allow-all"),
                authz("shop", { action: "DENY", rules: [{ from: [{ source: { namespaces: ["payments"] } }] }] }, "deny-payments"),
            ];
            assert.equal(authorizationAllows(policies, { from: c, to: b, port: 8080 }, view), false);
            assert.equal(authorizationAllows(policies, { from: a, to: b, port: 8080 }, view), true);
        });
        it("treats an empty rule as allow-all and a `*` principal as any authenticated peer", () => {
            assert.equal(authorizationAllows([authz("shop", { rules: [{}] })], { from: plain, to: b, port: 1 }, view), true);
            const star = [authz("shop", { rules: [{ from: [{ source: { principals: ["*"] } }] }] })];
            assert.equal(authorizationAllows(star, { from: c, to: b, port: 1 }, view), true);
            assert.equal(authorizationAllows(star, { from: plain, to: b, port: 1 }, view), false);
        });
        it("fails an ALLOW rule with HTTP-only fields for L4 traffic, and holds a DENY rule with them", () => {
            const allowGet = [authz("shop", { rules: [{ to: [{ operation: { methods: ["GET"] } }] }] })];
            assert.equal(authorizationAllows(allowGet, { from: a, to: b, port: 8080 }, view), false);
            const denyGet = [authz("shop", { action: "DENY", rules: [{ to: [{ operation: { methods: ["GET"] } }] }] })];
            assert.equal(authorizationAllows(denyGet, { from: a, to: b, port: 8080 }, view), false);
        });
        it("applies root-namespace policies mesh-wide and others only in their namespace", () => {
            assert.equal(authorizationAllows([authz("istio-system", {})], { from: a, to: c, port: 1 }, view), false);
            assert.equal(authorizationAllows([authz("shop", {})], { from: a, to: c, port: 1 }, view), true);
        });
        it("matches connection.sni conditions", () => {
            const policies = [authz("shop", { rules: [{ when: [{ key: "connection.sni", values: ["api.example.com"] }] }] })];
            assert.equal(authorizationAllows(policies, { from: a, to: b, port: 443, sni: "api.example.com" }, view), true);
            assert.equal(authorizationAllows(policies, { from: a, to: b, port: 443, sni: "evil.example.com" }, view), false);
        });
    });

    describe("PeerAuthentication", () => {
        it("defaults to PERMISSIVE and lets the most specific policy win", () => {
            assert.equal(mtlsMode([], b, 8080, view), "PERMISSIVE");
            const nsPermissive = { ...strict, metadata: { name: "ns", namespace: "shop" }, spec: { mtls: { mode: "PERMISSIVE" } } };
            assert.equal(mtlsMode([strict, nsPermissive], b, 8080, view), "PERMISSIVE");
            assert.equal(mtlsMode([strict, nsPermissive], c, 8080, view), "STRICT");
        });
        it("rejects a peer without a mesh identity under STRICT", () => {
            assert.equal(connectionAllowed([strict], { from: plain, to: b, port: 8080 }, view), false);
            assert.equal(connectionAllowed([strict], { from: a, to: b, port: 8080 }, view), true);
        });
    });

    describe("NetworkPolicy", () => {
        const denyAll = (ns: string) => netpol(ns, { podSelector: {}, policyTypes: ["Ingress", "Egress"] }, "deny");
        it("allows everything to pods no policy selects", () => {
            assert.equal(networkAllows([], { from: a, to: c, port: 80 }, view), true);
        });
        it("isolates selected pods: both the client's egress and the server's ingress must allow", () => {
            const egressOnly = [
                denyAll("shop"),
                denyAll("payments"),
                netpol(
                    "shop",
                    {
                        podSelector: { matchLabels: { app: "a" } },
                        policyTypes: ["Egress"],
                        egress: [
                            {
                                to: [
                                    {
                                        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "payments" } },
                                        podSelector: { matchLabels: { app: "c" } },
                                    },
                                ],
                                ports: [{ protocol: "TCP", port: 9090 }],
                            },
                        ],
                    },
                    "a-egress",
                ),
            ];
            assert.equal(networkAllows(egressOnly, { from: a, to: c, port: 9090 }, view), false);
            const both = [
                ...egressOnly,
                netpol(
                    "payments",
                    {
                        podSelector: { matchLabels: { app: "c" } },
                        policyTypes: ["Ingress"],
                        ingress: [
                            {
                                from: [
                                    {
                                        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "shop" } },
                                        podSelector: { matchLabels: { app: "a" } },
                                    },
                                ],
                                ports: [{ port: 9090 }],
                            },
                        ],
                    },
                    "c-ingress",
                ),
            ];
            assert.equal(networkAllows(both, { from: a, to: c, port: 9090 }, view), true);
            assert.equal(networkAllows(both, { from: a, to: c, port: 9091 }, view), false);
            assert.equal(networkAllows(both, { from: b, to: c, port: 9090 }, view), false);
        });
        it("reads a peer's podSelector without namespaceSelector as the policy's own namespace", () => {
            const policies = [
                netpol("payments", { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: "a" } } }] }] }),
            ];
            assert.equal(networkAllows(policies, { from: a, to: c, port: 1 }, view), false);
        });
        it("matches ipBlock with its exceptions", () => {
            const policies = [
                netpol("shop", {
                    podSelector: {},
                    policyTypes: ["Egress"],
                    egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8"] } }] }],
                }),
            ];
            const internet = { ...c, namespace: "internet", ip: "203.0.113.7" };
            assert.equal(networkAllows(policies, { from: a, to: internet, port: 443 }, view), true);
            assert.equal(networkAllows(policies, { from: a, to: c, port: 443 }, view), false);
        });
        it("matches an endpoint outside the pod network by ipBlock only, never by a selector", () => {
            const apiServer: Pod = { id: "api-server", labels: {}, ip: "10.30.0.5" };
            const byCidr = [
                netpol("shop", {
                    podSelector: {},
                    policyTypes: ["Ingress"],
                    ingress: [{ from: [{ ipBlock: { cidr: "10.30.0.0/16" } }], ports: [{ port: 8443 }] }],
                }),
            ];
            assert.equal(networkAllows(byCidr, { from: apiServer, to: a, port: 8443 }, view), true);
            const bySelector = [
                netpol("shop", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: {} }] }] }),
            ];
            assert.equal(networkAllows(bySelector, { from: apiServer, to: a, port: 8443 }, view), false);
            assert.equal(networkAllows(bySelector, { from: c, to: a, port: 8443 }, view), true);
            // No policy applies to an endpoint outside the pod network, in either direction.
            assert.equal(networkAllows([denyAll("shop")], { from: a, to: apiServer, port: 443 }, view), false);
            assert.equal(networkAllows([denyAll("payments")], { from: a, to: apiServer, port: 443 }, view), true);
        });
        it("keeps IPv4 and IPv6 blocks apart", () => {
            const agent4: Pod = { id: "agent", labels: {}, ip: "169.254.170.23" };
            const agent6: Pod = { id: "agent6", labels: {}, ip: "fd00:ec2::23" };
            const v4 = [
                denyAll("shop"),
                netpol(
                    "shop",
                    {
                        podSelector: {},
                        policyTypes: ["Egress"],
                        egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ port: 80 }] }],
                    },
                    "v4",
                ),
            ];
            assert.equal(networkAllows(v4, { from: a, to: agent4, port: 80 }, view), true);
            assert.equal(networkAllows(v4, { from: a, to: agent6, port: 80 }, view), false);
            const v6 = [
                ...v4,
                netpol(
                    "shop",
                    {
                        podSelector: {},
                        policyTypes: ["Egress"],
                        egress: [{ to: [{ ipBlock: { cidr: "fd00:ec2::23/128" } }], ports: [{ port: 80 }] }],
                    },
                    "v6",
                ),
            ];
            assert.equal(networkAllows(v6, { from: a, to: agent6, port: 80 }, view), true);
        });
        it("resolves named ports against the destination pod's container ports, with their protocol", () => {
            const server: Pod = {
                ...c,
                ports: [
                    { name: "https", containerPort: 8443 },
                    { name: "dns", containerPort: 53, protocol: "UDP" },
                ],
            };
            const named = [
                denyAll("payments"),
                netpol(
                    "payments",
                    {
                        podSelector: {},
                        policyTypes: ["Ingress"],
                        ingress: [{ ports: [{ port: "https" }, { protocol: "UDP", port: "dns" }] }],
                    },
                    "named",
                ),
            ];
            assert.equal(networkAllows(named, { from: a, to: server, port: 8443 }, view), true);
            assert.equal(networkAllows(named, { from: a, to: server, port: 9443 }, view), false);
            assert.equal(networkAllows(named, { from: a, to: server, port: 53, protocol: "UDP" }, view), true);
            assert.equal(networkAllows(named, { from: a, to: server, port: 53 }, view), false, "TCP 53 is not the named UDP port");
            assert.equal(
                networkAllows(named, { from: a, to: c, port: 8443 }, view),
                false,
                "a pod that declares no such name matches nothing",
            );
        });
        it("matches port ranges with endPort, inclusive", () => {
            const range = [
                denyAll("payments"),
                netpol(
                    "payments",
                    { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ ports: [{ port: 15000, endPort: 15020 }] }] },
                    "range",
                ),
            ];
            assert.equal(networkAllows(range, { from: a, to: c, port: 15020 }, view), true);
            assert.equal(networkAllows(range, { from: a, to: c, port: 15021 }, view), false);
        });
        it("does not apply policies to host-network pods, and sees them as their node's address", () => {
            const node: Pod = {
                id: "istio-cni/node-agent",
                namespace: "payments",
                labels: { app: "c" },
                ip: "10.30.1.10",
                hostNetwork: true,
            };
            assert.equal(networkAllows([denyAll("payments")], { from: node, to: a, port: 443 }, view), true);
            const fromC = [
                netpol("shop", {
                    podSelector: {},
                    policyTypes: ["Ingress"],
                    ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: "c" } } }] }],
                }),
            ];
            assert.equal(networkAllows(fromC, { from: node, to: a, port: 443 }, view), false);
        });
        it("defaults policyTypes to Ingress, adding Egress only when egress rules exist", () => {
            const ingressOnly = [netpol("shop", { podSelector: {} })];
            assert.equal(networkAllows(ingressOnly, { from: a, to: c, port: 1 }, view), true);
            assert.equal(networkAllows(ingressOnly, { from: c, to: a, port: 1 }, view), false);
            const withEgress = [netpol("shop", { podSelector: {}, egress: [{ ports: [{ port: 53, protocol: "UDP" }] }] })];
            assert.equal(networkAllows(withEgress, { from: a, to: c, port: 1 }, view), false);
        });
    });
});
