// The evaluator's own semantics, on hand-written policies whose outcome Istio and Kubernetes document.
import { strict as assert } from "node:assert";
import { authorizationAllows, connectionAllowed, mtlsMode, networkAllows, type ClusterView, type Pod } from "../../../tools/charts/access-evaluator";

const view: ClusterView = { rootNamespace: "istio-system", namespaces: {} };
const pod = (namespace: string, name: string, ip: string, sidecar = true): Pod =>
  ({ id: `${namespace}/${name}`, namespace, labels: { app: name }, ip, ...(sidecar ? { principal: `cluster.local/ns/${namespace}/sa/${name}` } : {}) });
const a = pod("shop", "a", "10.0.0.1");
const b = pod("shop", "b", "10.0.0.2");
const c = pod("payments", "c", "10.0.1.1");
const plain = pod("shop", "legacy", "10.0.0.9", false);

const authz = (namespace: string, spec: Record<string, unknown>, name = "p") => ({ apiVersion: "security.istio.io/v1", kind: "AuthorizationPolicy", metadata: { name, namespace }, spec });
const netpol = (namespace: string, spec: Record<string, unknown>, name = "n") => ({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace }, spec });
const strict = { apiVersion: "security.istio.io/v1", kind: "PeerAuthentication", metadata: { name: "default", namespace: "istio-system" }, spec: { mtls: { mode: "STRICT" } } };

describe("access evaluator (Istio and Kubernetes semantics)", () => {
  describe("AuthorizationPolicy", () => {
    it("allows everything when no policy applies", () => {
      assert.equal(authorizationAllows([], { from: a, to: b, port: 8080 }, view), true);
    });
    it("denies everything under an allow-nothing policy (spec: {})", () => {
      assert.equal(authorizationAllows([authz("shop", {})], { from: a, to: b, port: 8080 }, view), false);
    });
    it("allows only the principals and ports an ALLOW rule names", () => {
      const policies = [authz("shop", {}, "deny"), authz("shop", {
        selector: { matchLabels: { app: "b" } },
        rules: [{ from: [{ source: { principals: ["cluster.local/ns/shop/sa/a"] } }], to: [{ operation: { ports: ["8080"] } }] }],
      })];
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
      const egressOnly = [denyAll("shop"), denyAll("payments"), netpol("shop", {
        podSelector: { matchLabels: { app: "a" } }, policyTypes: ["Egress"],
        egress: [{ to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "payments" } }, podSelector: { matchLabels: { app: "c" } } }], ports: [{ protocol: "TCP", port: 9090 }] }],
      }, "a-egress")];
      assert.equal(networkAllows(egressOnly, { from: a, to: c, port: 9090 }, view), false);
      const both = [...egressOnly, netpol("payments", {
        podSelector: { matchLabels: { app: "c" } }, policyTypes: ["Ingress"],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "shop" } }, podSelector: { matchLabels: { app: "a" } } }], ports: [{ port: 9090 }] }],
      }, "c-ingress")];
      assert.equal(networkAllows(both, { from: a, to: c, port: 9090 }, view), true);
      assert.equal(networkAllows(both, { from: a, to: c, port: 9091 }, view), false);
      assert.equal(networkAllows(both, { from: b, to: c, port: 9090 }, view), false);
    });
    it("reads a peer's podSelector without namespaceSelector as the policy's own namespace", () => {
      const policies = [netpol("payments", { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: "a" } } }] }] })];
      assert.equal(networkAllows(policies, { from: a, to: c, port: 1 }, view), false);
    });
    it("matches ipBlock with its exceptions", () => {
      const policies = [netpol("shop", { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8"] } }] }] })];
      const internet = { ...c, namespace: "internet", ip: "203.0.113.7" };
      assert.equal(networkAllows(policies, { from: a, to: internet, port: 443 }, view), true);
      assert.equal(networkAllows(policies, { from: a, to: c, port: 443 }, view), false);
    });
  });
});
