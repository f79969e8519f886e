// Which (caller, callee, port) connections do the generated policies allow? Computed from the rendered
// AuthorizationPolicies, PeerAuthentications and NetworkPolicies alone, it must be exactly the declared graph.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { defaultDenyPolicy, dnsEgressPolicy } from "../../../infra/namespaces/baseline";
import { meshPeerAuthentication } from "../../../infra/mesh/policies";
import { meshSchema } from "../../../infra/mesh/config";
import { authorizationPolicies } from "../../../infra/services/authorization";
import { serviceSchema, type ServiceConfig } from "../../../infra/services/config";
import { serviceGraph } from "../../../infra/services/graph";
import { ingressObjects } from "../../../infra/services/ingress";
import { networkPolicies } from "../../../infra/services/network-policies";
import { readStackFile } from "../../../tools/render/stack-file";
import { kubernetesObjects, rendered, renderWith, STACKS } from "../../helpers/stacks";
import {
    authorizationAllows,
    connectionAllowed,
    mtlsMode,
    networkAllows,
    networkSideAllows,
    type Connection,
    type ClusterView,
    type Pod,
} from "../../../tools/charts/access-evaluator";

type Json = Record<string, any>;
type RawService = {
    name: string;
    namespace: string;
    serviceAccount?: string;
    ports: { port: number }[];
    callers?: string[];
    egress?: { host: string }[];
    ingress?: { hosts: string[]; port: number; tlsSecret: string }[];
};

// The workload conventions a service team follows (docs/mesh.md), written out here independently of infra/.
function podOf(service: RawService, index: number): Pod {
    return {
        id: `${service.namespace}/${service.name}`,
        namespace: service.namespace,
        labels: { "app.kubernetes.io/name": service.name },
        ip: `10.1.${Math.floor(index / 200)}.${(index % 200) + 10}`,
        principal: `cluster.local/ns/${service.namespace}/sa/${service.serviceAccount ?? service.name}`,
    };
}

const EGRESS_GATEWAY_POD: Pod = {
    id: "istio-egress/istio-egressgateway",
    namespace: "istio-egress",
    labels: { app: "istio-egressgateway", istio: "egressgateway" },
    ip: "10.2.0.10",
    principal: "cluster.local/ns/istio-egress/sa/istio-egressgateway",
};
const INGRESS_GATEWAY_POD: Pod = {
    id: "istio-ingress/istio-ingressgateway",
    namespace: "istio-ingress",
    labels: { app: "istio-ingressgateway", istio: "ingressgateway" },
    ip: "10.2.1.10",
    principal: "cluster.local/ns/istio-ingress/sa/istio-ingressgateway",
};
const ISTIOD_POD: Pod = {
    id: "istio-system/istiod",
    namespace: "istio-system",
    labels: { app: "istiod", istio: "pilot" },
    ip: "10.3.0.10",
};
const VIEW: ClusterView = { rootNamespace: "istio-system", namespaces: {} };

const tuple = (caller: string, callee: string, port: number) => `${caller} -> ${callee}:${port}`;
const resolve = (ref: string, ns: string) => (ref.includes("/") ? ref : `${ns}/${ref}`);

/** The declared edges, spelled out: every caller to every declared port of its callee. */
function declaredTuples(services: RawService[]): Set<string> {
    const declared = new Set<string>();
    for (const callee of services) {
        for (const ref of callee.callers ?? []) {
            for (const { port } of callee.ports)
                declared.add(tuple(resolve(ref, callee.namespace), `${callee.namespace}/${callee.name}`, port));
        }
    }
    return declared;
}

/** Each layer on its own must enforce the graph, so that any one alone still holds if the others fail. */
const LAYERS = {
    both: connectionAllowed,
    mesh: (policies: Json[], c: Connection, view: ClusterView) =>
        !(mtlsMode(policies, c.to, c.port, view) === "STRICT" && !c.from.principal) && authorizationAllows(policies, c, view),
    network: networkAllows,
    "network egress": (policies: Json[], c: Connection, view: ClusterView) => networkSideAllows(policies, c, view, "Egress"),
    "network ingress": (policies: Json[], c: Connection, view: ClusterView) => networkSideAllows(policies, c, view, "Ingress"),
};
type Layer = keyof typeof LAYERS;

/** The declared exposures, spelled out: the ingress gateway to each service on each port it declares for ingress. */
function declaredIngress(services: RawService[]): Set<string> {
    return new Set(
        services.flatMap((s) => (s.ingress ?? []).map((route) => tuple(INGRESS_GATEWAY_POD.id, `${s.namespace}/${s.name}`, route.port))),
    );
}

/** The ingress gateway to every service, on each declared port and on one port nobody declared. */
function gatewayReaches(policies: Json[], services: RawService[], layer: Layer = "both"): Set<string> {
    const reached = new Set<string>();
    services.forEach((service, i) => {
        const to = podOf(service, i);
        for (const port of [...service.ports.map((p) => p.port), 65000])
            if (LAYERS[layer](policies, { from: INGRESS_GATEWAY_POD, to, port }, VIEW))
                reached.add(tuple(INGRESS_GATEWAY_POD.id, to.id, port));
    });
    return reached;
}

/** Every service to every service (itself included), on each declared port and on one port nobody declared. */
function allowedTuples(policies: Json[], services: RawService[], layer: Layer = "both"): Set<string> {
    const pods = services.map(podOf);
    const allowed = new Set<string>();
    services.forEach((callee, j) => {
        const probePorts = [...callee.ports.map((p) => p.port), 65000];
        for (const from of pods) {
            for (const port of probePorts) {
                if (LAYERS[layer](policies, { from, to: pods[j]!, port }, VIEW)) allowed.add(tuple(from.id, pods[j]!.id, port));
            }
        }
    });
    return allowed;
}

const policiesOf = (objects: Json[]) =>
    objects.filter((m) => ["AuthorizationPolicy", "PeerAuthentication", "NetworkPolicy"].includes(m.kind));
const servicesInStack = (stack: string): RawService[] => JSON.parse(readStackFile(stack).config["secure-platform:services"] ?? "[]");
const sorted = (set: Set<string>) => [...set].sort();

describe("access allowed by the generated policies", () => {
    for (const stack of STACKS) {
        describe(`stack ${stack}`, () => {
            let policies: Json[];
            let services: RawService[];
            // istiod admits meshed namespaces by their labels: this view carries the stack's own.
            let labelled: ClusterView;
            before(async () => {
                const objects = kubernetesObjects(await rendered(stack)).map((o) => o.manifest);
                policies = policiesOf(objects);
                services = servicesInStack(stack);
                const namespaces = objects
                    .filter((m) => m.kind === "Namespace")
                    .map((m) => {
                        const { name, labels } = m.metadata as Json;
                        return [name, labels ?? {}];
                    });
                labelled = { ...VIEW, namespaces: Object.fromEntries(namespaces) };
            });

            for (const layer of Object.keys(LAYERS) as Layer[]) {
                it(`allows exactly the declared (caller, callee, port) tuples (${layer === "both" ? "mesh and network together" : `${layer} policies alone`})`, () => {
                    assert.deepEqual(sorted(allowedTuples(policies, services, layer)), sorted(declaredTuples(services)));
                });
            }

            it("lets a service reach the egress gateway only for the hosts it declared", () => {
                const hosts = [...new Set(services.flatMap((s) => (s.egress ?? []).map((e) => e.host)))];
                assert.ok(stack === "local" || hosts.length > 0, "the stack declares external hosts");
                services.forEach((service, i) => {
                    const from = podOf(service, i);
                    for (const host of [...hosts, "attacker.example.net"]) {
                        const declared = (service.egress ?? []).some((e) => e.host === host);
                        assert.equal(
                            connectionAllowed(policies, { from, to: EGRESS_GATEWAY_POD, port: 443, sni: host }, VIEW),
                            declared,
                            `${from.id} -> ${host}`,
                        );
                    }
                });
            });

            it("lets every sidecar reach istiod on 15012 and on no other istiod port", () => {
                services.forEach((service, i) => {
                    const from = podOf(service, i);
                    assert.equal(networkAllows(policies, { from, to: ISTIOD_POD, port: 15012 }, labelled), true, from.id);
                    for (const port of [15010, 15014, 8080])
                        assert.equal(networkAllows(policies, { from, to: ISTIOD_POD, port }, labelled), false, `${from.id}:${port}`);
                });
            });

            for (const layer of Object.keys(LAYERS) as Layer[]) {
                it(`lets the ingress gateway reach exactly the declared (service, port) exposures (${layer === "both" ? "mesh and network together" : `${layer} policies alone`})`, () => {
                    assert.ok(declaredIngress(services).size > 0, `${stack} exposes a service`);
                    assert.deepEqual(sorted(gatewayReaches(policies, services, layer)), sorted(declaredIngress(services)));
                });
            }

            it("lets clients reach the ingress gateway on 80 and 443 only, and the gateway reach istiod", () => {
                const client: Pod = { id: "client", namespace: "internet", labels: {}, ip: "198.51.100.7" };
                for (const port of [80, 443])
                    assert.equal(networkAllows(policies, { from: client, to: INGRESS_GATEWAY_POD, port }, VIEW), true);
                assert.equal(
                    networkAllows(policies, { from: client, to: INGRESS_GATEWAY_POD, port: 15000 }, VIEW),
                    false,
                    "Envoy admin port",
                );
                assert.equal(networkAllows(policies, { from: INGRESS_GATEWAY_POD, to: ISTIOD_POD, port: 15012 }, VIEW), true);
            });

            it("lets the egress gateway out to public addresses on the declared ports, not into the cluster", () => {
                const ports = [...new Set(services.flatMap((s) => (s.egress ?? []).map((e: Json) => e.port ?? 443)))];
                const internet: Pod = { id: "internet", namespace: "internet", labels: {}, ip: "203.0.113.20" };
                for (const port of ports)
                    assert.equal(networkAllows(policies, { from: EGRESS_GATEWAY_POD, to: internet, port }, VIEW), true);
                assert.equal(networkAllows(policies, { from: EGRESS_GATEWAY_POD, to: internet, port: 22 }, VIEW), false);
                services.forEach((service, i) => {
                    for (const { port } of service.ports)
                        assert.equal(networkAllows(policies, { from: EGRESS_GATEWAY_POD, to: podOf(service, i), port }, VIEW), false);
                });
            });
        });
    }

    it("prod declares a graph of at least five services across shop and payments", () => {
        const services = servicesInStack("prod");
        assert.ok(services.length >= 5);
        assert.deepEqual([...new Set(services.map((s) => s.namespace))].sort(), ["payments", "shop"]);
        assert.ok(
            services.some((callee) => (callee.callers ?? []).some((c) => c.includes("/"))),
            "an edge across namespaces",
        );
    });

    describe("removing one edge from the prod config", () => {
        it("removes exactly that edge's tuples (an edge across namespaces and one within a namespace)", async function () {
            this.timeout(300_000);
            const services = servicesInStack("prod");
            const before = allowedTuples(policiesOf(kubernetesObjects(await rendered("prod")).map((o) => o.manifest)), services);
            const edges = services.flatMap((callee, i) => (callee.callers ?? []).map((caller) => ({ i, caller })));
            assert.ok(edges.length >= 5, "prod declares at least five edges");
            const across = edges.find((e) => e.caller.includes("/"));
            const within = edges.find((e) => !e.caller.includes("/"));
            assert.ok(across && within, "prod has edges across and within namespaces");
            for (const { i, caller } of [across, within]) {
                const callee = services[i]!;
                const reduced = services.map((s, k) => (k === i ? { ...s, callers: (s.callers ?? []).filter((c) => c !== caller) } : s));
                const stack = await renderWith("prod", { "secure-platform:services": JSON.stringify(reduced) });
                const after = allowedTuples(policiesOf(kubernetesObjects(stack).map((o) => o.manifest)), reduced);
                const removed = sorted(new Set([...before].filter((t) => !after.has(t))));
                const added = [...after].filter((t) => !before.has(t));
                const expected = callee.ports
                    .map((p) => tuple(resolve(caller, callee.namespace), `${callee.namespace}/${callee.name}`, p.port))
                    .sort();
                assert.deepEqual(removed, expected, `removing ${caller} from ${callee.namespace}/${callee.name}`);
                assert.deepEqual(added, []);
            }
        });
    });

    describe("over random service graphs (property)", () => {
        const NAMESPACES = ["shop", "payments"];
        const NAMES = ["web", "api", "cart", "orders", "billing", "ledger", "search", "auth"];
        const PORTS = [80, 8080, 9090, 9091, 5432];

        /** A graph of 2-8 services over two namespaces, with random ports, accounts and callers. */
        const graphs = fc
            .uniqueArray(
                fc.record({
                    name: fc.constantFrom(...NAMES),
                    namespace: fc.constantFrom(...NAMESPACES),
                    ports: fc.uniqueArray(fc.constantFrom(...PORTS), { minLength: 1, maxLength: 2 }),
                    ownAccount: fc.boolean(),
                    exposed: fc.boolean(),
                }),
                { minLength: 2, maxLength: 8, selector: (s) => `${s.namespace}/${s.name}` },
            )
            .chain((nodes) =>
                fc.tuple(
                    fc.constant(nodes),
                    fc.array(fc.subarray(nodes.map((n) => `${n.namespace}/${n.name}`)), {
                        minLength: nodes.length,
                        maxLength: nodes.length,
                    }),
                ),
            )
            .map(([nodes, callerLists]) =>
                nodes.map((n, i): RawService => ({
                    name: n.name,
                    namespace: n.namespace,
                    ...(n.ownAccount ? { serviceAccount: `${n.name}-sa` } : {}),
                    ports: n.ports.map((port) => ({ port })),
                    callers: callerLists[i]!,
                    ...(n.exposed
                        ? { ingress: [{ hosts: [`${n.name}.${n.namespace}.example.com`], port: n.ports[0]!, tlsSecret: `${n.name}-tls` }] }
                        : {}),
                })),
            );

        /** Exactly what the platform registers for these services, from the same pure functions, with the baseline. */
        function generated(raw: RawService[]): Json[] {
            const services: ServiceConfig[] = raw.map((s) =>
                serviceSchema.parse({ ...s, ports: s.ports.map((p) => ({ name: `p${p.port}`, port: p.port })) }),
            );
            const graph = serviceGraph(services);
            const mesh = meshSchema("prod").parse({});
            const ingress = ingressObjects(graph, mesh.ingressNamespace);
            return [
                meshPeerAuthentication(mesh),
                ...[...NAMESPACES, mesh.ingressNamespace].flatMap((ns) => [defaultDenyPolicy(ns), dnsEgressPolicy(ns)]),
                ...authorizationPolicies(graph, NAMESPACES),
                ...networkPolicies(graph, NAMESPACES, {
                    root: mesh.rootNamespace,
                    ingress: mesh.ingressNamespace,
                    egress: mesh.egressNamespace,
                }),
                ...ingress.istio,
                ...ingress.network,
            ] as Json[];
        }

        it("allows exactly the declared tuples, through each layer alone and both together", () => {
            fc.assert(
                fc.property(graphs, (services) => {
                    const policies = generated(services);
                    const declared = sorted(declaredTuples(services));
                    for (const layer of Object.keys(LAYERS) as Layer[]) {
                        assert.deepEqual(sorted(allowedTuples(policies, services, layer)), declared, layer);
                        assert.deepEqual(
                            sorted(gatewayReaches(policies, services, layer)),
                            sorted(declaredIngress(services)),
                            `gateway, ${layer}`,
                        );
                    }
                }),
                { numRuns: 150 },
            );
        });

        it("removing any one edge removes exactly its tuples", () => {
            fc.assert(
                fc.property(graphs, fc.nat(), (services, pick) => {
                    const edges = services.flatMap((s, i) => (s.callers ?? []).map((caller) => ({ i, caller })));
                    fc.pre(edges.length > 0);
                    const { i, caller } = edges[pick % edges.length]!;
                    const reduced = services.map((s, k) =>
                        k === i ? { ...s, callers: (s.callers ?? []).filter((c) => c !== caller) } : s,
                    );
                    const before = allowedTuples(generated(services), services);
                    const after = allowedTuples(generated(reduced), reduced);
                    const callee = services[i]!;
                    const expected = callee.ports.map((p) => tuple(caller, `${callee.namespace}/${callee.name}`, p.port)).sort();
                    assert.deepEqual(sorted(new Set([...before].filter((t) => !after.has(t)))), expected);
                    assert.deepEqual(
                        [...after].filter((t) => !before.has(t)),
                        [],
                    );
                }),
                { numRuns: 100 },
            );
        });
    });
});
