import { strict as assert } from "node:assert";
import { allowCallersPolicy } from "../../../infra/services/authorization";
import { serviceSchema } from "../../../infra/services/config";
import { serviceGraph, workloadOf } from "../../../infra/services/graph";
import { namespaceSidecar } from "../../../infra/services/sidecar";
import { readStackFile } from "../../../tools/render/stack-file";
import type { RenderedStack } from "../../../tools/render/render";
import { kubernetesObjects, rendered, STACKS } from "../../helpers/stacks";

type Json = Record<string, any>;

/** Objects of a kind that service onboarding registered (other components have accounts and roles of their own). */
const ofKind = (stack: RenderedStack, kind: string) =>
    kubernetesObjects(stack)
        .filter((o) => o.manifest.kind === kind && o.resource.urn.includes("secure-platform:services:ServiceOnboarding$"))
        .map((o) => o.manifest as Json);
const servicesIn = (stack: string): Json[] => JSON.parse(readStackFile(stack).config["secure-platform:services"]!);
const APP_NAMESPACES = ["shop", "payments"];

/** Every principal pattern in an ALLOW policy, and whether any rule would match more than named peers. */
function looseAllowRules(policy: Json): string[] {
    const problems: string[] = [];
    if ((policy.spec.action ?? "ALLOW") !== "ALLOW") return problems;
    for (const rule of policy.spec.rules ?? []) {
        if (!rule.from || rule.from.length === 0) problems.push("a rule without from");
        for (const from of rule.from ?? []) {
            const principals: string[] = from.source?.principals ?? [];
            if (principals.length === 0) problems.push("a source without principals");
            if (principals.some((p) => p.includes("*"))) problems.push(`a wildcard principal ${principals.join(",")}`);
        }
    }
    return problems;
}

describe("service onboarding", () => {
    for (const stack of STACKS) {
        describe(`stack ${stack}`, () => {
            let s: RenderedStack;
            let services: Json[];
            before(async () => {
                s = await rendered(stack);
                services = servicesIn(stack);
            });

            it("denies everything by default in every application namespace", () => {
                const denies = ofKind(s, "AuthorizationPolicy").filter(
                    (p) => p.metadata.name === "allow-nothing" && APP_NAMESPACES.includes(p.metadata.namespace),
                );
                assert.deepEqual(denies.map((p) => p.metadata.namespace).sort(), [...APP_NAMESPACES].sort());
                for (const p of denies) assert.deepEqual(p.spec, {});
            });

            it("has one ALLOW policy per callee, on the callee's selector and ports, naming its callers' principals", () => {
                const allows = ofKind(s, "AuthorizationPolicy").filter(
                    (p) => APP_NAMESPACES.includes(p.metadata.namespace) && p.metadata.name.startsWith("allow-callers-"),
                );
                // The rest: the deny-by-default and the ingress gateway's (below); nothing else allows anything.
                assert.deepEqual(
                    ofKind(s, "AuthorizationPolicy")
                        .filter((p) => APP_NAMESPACES.includes(p.metadata.namespace) && !allows.includes(p))
                        .map((p) => `${p.metadata.namespace}/${p.metadata.name}`)
                        .sort(),
                    [
                        ...APP_NAMESPACES.map((ns) => `${ns}/allow-nothing`),
                        ...services
                            .filter((svc) => (svc.ingress ?? []).length > 0)
                            .map((svc) => `${svc.namespace}/allow-ingress-gateway-${svc.name}`),
                    ].sort(),
                );
                const callees = services.filter((svc) => (svc.callers ?? []).length > 0);
                assert.equal(allows.length, callees.length);
                for (const callee of callees) {
                    const policy = allows.find(
                        (p) =>
                            p.metadata.namespace === callee.namespace &&
                            p.spec.selector.matchLabels["app.kubernetes.io/name"] === callee.name,
                    );
                    assert.ok(policy, `${callee.namespace}/${callee.name}`);
                    assert.equal(policy.spec.action, "ALLOW");
                    const principals = (callee.callers as string[])
                        .map((ref) => {
                            const [ns, name] = ref.includes("/") ? ref.split("/") : [callee.namespace, ref];
                            const caller = services.find((x) => x.namespace === ns && x.name === name)!;
                            return `cluster.local/ns/${ns}/sa/${caller.serviceAccount ?? caller.name}`;
                        })
                        .sort();
                    assert.deepEqual(policy.spec.rules, [
                        {
                            from: [{ source: { principals } }],
                            to: [{ operation: { ports: callee.ports.map((p: Json) => String(p.port)) } }],
                        },
                    ]);
                }
            });

            it("has no ALLOW rule that matches a wildcard principal or any peer", () => {
                for (const policy of ofKind(s, "AuthorizationPolicy")) {
                    assert.deepEqual(looseAllowRules(policy), [], `${policy.metadata.namespace}/${policy.metadata.name}`);
                    if (policy.spec.rules) assert.ok(policy.spec.rules.length > 0, "an ALLOW policy with rules: [] is written as spec: {}");
                }
            });

            it("gives each service its own account, with no API token unless it declared API access", () => {
                const accounts = ofKind(s, "ServiceAccount");
                assert.equal(accounts.length, services.length);
                for (const svc of services) {
                    const account = accounts.find(
                        (a) => a.metadata.namespace === svc.namespace && a.metadata.name === (svc.serviceAccount ?? svc.name),
                    );
                    assert.ok(account, `${svc.namespace}/${svc.name}`);
                    assert.equal(account.automountServiceAccountToken, (svc.kubernetesApi ?? []).length > 0);
                }
            });

            it("grants exactly the declared Kubernetes API access to exactly the service's account", () => {
                const roles = ofKind(s, "Role");
                const bindings = ofKind(s, "RoleBinding");
                const withAccess = services.filter((svc) => (svc.kubernetesApi ?? []).length > 0);
                assert.equal(roles.length, withAccess.length);
                assert.equal(bindings.length, withAccess.length);
                for (const svc of withAccess) {
                    const role = roles.find((r) => r.metadata.namespace === svc.namespace && r.metadata.name === `${svc.name}-api`)!;
                    assert.deepEqual(role.rules, svc.kubernetesApi);
                    const binding = bindings.find((b) => b.metadata.namespace === svc.namespace && b.roleRef.name === role.metadata.name)!;
                    assert.deepEqual(binding.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name });
                    assert.deepEqual(binding.subjects, [
                        { kind: "ServiceAccount", name: svc.serviceAccount ?? svc.name, namespace: svc.namespace },
                    ]);
                }
                assert.equal(ofKind(s, "ClusterRole").length + ofKind(s, "ClusterRoleBinding").length, 0);
            });

            it("limits each namespace's sidecars to the hosts its services call, and Vault where they use it", () => {
                for (const ns of APP_NAMESPACES) {
                    const [sidecar, ...rest] = ofKind(s, "Sidecar").filter((x) => x.metadata.namespace === ns);
                    assert.equal(rest.length, 0);
                    assert.equal(sidecar!.spec.workloadSelector, undefined);
                    const expected = new Set<string>();
                    for (const callee of services) {
                        for (const ref of callee.callers ?? []) {
                            const callerNs = ref.includes("/") ? ref.split("/")[0] : callee.namespace;
                            if (callerNs === ns)
                                expected.add(
                                    `${callee.namespace === ns ? "." : callee.namespace}/${callee.name}.${callee.namespace}.svc.cluster.local`,
                                );
                        }
                    }
                    for (const svc of services.filter((x) => x.namespace === ns && (x.egress ?? []).length > 0)) {
                        for (const e of svc.egress) expected.add(`istio-egress/${e.host}`);
                        expected.add("istio-egress/istio-egressgateway.istio-egress.svc.cluster.local");
                    }
                    if (services.some((x) => x.namespace === ns && x.vault)) expected.add("vault/vault.vault.svc.cluster.local");
                    assert.deepEqual(sidecar!.spec.egress, [{ hosts: expected.size > 0 ? [...expected].sort() : ["~/*"] }]);
                    assert.deepEqual(sidecar!.spec.outboundTrafficPolicy, { mode: "REGISTRY_ONLY" });
                }
            });

            it("routes every declared external host through the egress gateway with mutual TLS", () => {
                const hosts = [...new Set(services.flatMap((svc) => (svc.egress ?? []).map((e: Json) => e.host)))].sort();
                const entries = ofKind(s, "ServiceEntry");
                assert.deepEqual(entries.map((e) => e.spec.hosts[0]).sort(), hosts);
                for (const entry of entries) {
                    assert.equal(entry.spec.location, "MESH_EXTERNAL");
                    assert.equal(entry.spec.resolution, "DNS");
                    const declaring = services.filter((svc) => (svc.egress ?? []).some((e: Json) => e.host === entry.spec.hosts[0]));
                    assert.deepEqual(
                        entry.spec.exportTo.sort(),
                        [".", ...new Set(declaring.map((svc) => svc.namespace))].sort(),
                        "visible only where declared",
                    );
                }
                if (hosts.length === 0) return;
                const [gateway] = ofKind(s, "Gateway");
                const [rule] = ofKind(s, "DestinationRule");
                assert.deepEqual(gateway!.spec.selector, { istio: "egressgateway" });
                assert.equal(rule!.spec.host, "istio-egressgateway.istio-egress.svc.cluster.local");
                for (const host of hosts) {
                    const server = gateway!.spec.servers.find((x: Json) => x.hosts[0] === host);
                    assert.deepEqual(server.tls, { mode: "ISTIO_MUTUAL" });
                    const route = ofKind(s, "VirtualService").find((v) => v.spec.hosts[0] === host)!;
                    assert.deepEqual(route.spec.gateways, ["mesh", `${gateway!.metadata.namespace}/${gateway!.metadata.name}`]);
                    const toGateway = route.spec.tls[0].route[0].destination;
                    const subset = rule!.spec.subsets.find((x: Json) => x.name === toGateway.subset);
                    assert.ok(subset, `subset ${toGateway.subset} exists`);
                    assert.deepEqual(subset.trafficPolicy.portLevelSettings[0].tls, { mode: "ISTIO_MUTUAL", sni: host });
                    assert.equal(route.spec.tcp[0].route[0].destination.host, host);
                }
            });
        });
    }

    it("refuses an ALLOW policy without callers (it would deny nothing it should allow, or allow all)", () => {
        const callee = workloadOf(serviceSchema.parse({ name: "cart", namespace: "shop", ports: [{ name: "http", port: 8080 }] }));
        assert.throws(() => allowCallersPolicy(callee, []), /shop\/cart: an ALLOW policy needs at least one caller/);
    });

    it("shows a namespace that calls nothing no host at all", () => {
        const graph = serviceGraph([serviceSchema.parse({ name: "batch", namespace: "jobs", ports: [{ name: "http", port: 8080 }] })]);
        assert.deepEqual(namespaceSidecar(graph, "jobs", "istio-egress").spec.egress, [{ hosts: ["~/*"] }]);
    });

    // The resources `npm run plan -- --stack prod --format json` prints (test/tools/plan.spec.ts runs the command itself).
    it("the prod plan shows the Istio charts, STRICT mutual TLS and the policies", async () => {
        const plan = (await rendered("prod")) as unknown as { resources: Json[] };
        const charts = plan.resources
            .filter((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.urn.includes("secure-platform:mesh:IstioMesh$"))
            .map((r) => r.inputs.chart)
            .sort();
        assert.deepEqual(charts, ["base", "cni", "gateway", "gateway", "istiod"]);
        const peer = plan.resources.filter((r) => r.type === "kubernetes:security.istio.io/v1:PeerAuthentication");
        assert.deepEqual(
            peer.map((r) => [r.inputs.metadata.namespace, r.inputs.spec.mtls.mode]),
            [["istio-system", "STRICT"]],
        );
        const policies = plan.resources
            .filter((r) => r.type === "kubernetes:security.istio.io/v1:AuthorizationPolicy")
            .map((r) => r.inputs);
        for (const ns of APP_NAMESPACES)
            assert.ok(
                policies.some(
                    (p) => p.metadata.namespace === ns && p.metadata.name === "allow-nothing" && Object.keys(p.spec).length === 0,
                ),
            );
        const callees = servicesIn("prod")
            .filter((svc) => (svc.callers ?? []).length > 0)
            .map((svc) => `${svc.namespace}/allow-callers-${svc.name}`)
            .sort();
        assert.deepEqual(
            policies
                .filter((p) => p.metadata.name.startsWith("allow-callers-"))
                .map((p) => `${p.metadata.namespace}/${p.metadata.name}`)
                .sort(),
            callees,
        );
    });
});

describe("service onboarding: traffic in through the ingress gateway", () => {
    for (const stack of STACKS) {
        it(`${stack}: a Gateway (HTTPS with the named certificate, HTTP redirected) and a VirtualService to exactly each declared route`, async () => {
            const program = await rendered(stack);
            const exposed = servicesIn(stack).filter((s) => (s.ingress ?? []).length > 0);
            assert.ok(exposed.length > 0, `${stack} exposes a service`);
            const gateways = ofKind(program, "Gateway").filter((g) => g.metadata.namespace === "istio-ingress");
            const virtualServices = ofKind(program, "VirtualService").filter((v) => v.metadata.namespace === "istio-ingress");
            assert.deepEqual(gateways.map((g) => g.metadata.name).sort(), exposed.map((s) => `${s.namespace}-${s.name}`).sort());
            for (const svc of exposed) {
                const gateway = gateways.find((g) => g.metadata.name === `${svc.namespace}-${svc.name}`)!;
                assert.deepEqual(gateway.spec.selector, { istio: "ingressgateway" });
                svc.ingress.forEach((route: Json, i: number) => {
                    const hosts = route.hosts.map((h: string) => `./${h}`);
                    const servers = gateway.spec.servers.filter((s: Json) => JSON.stringify(s.hosts) === JSON.stringify(hosts));
                    const https = servers.find((s: Json) => s.port.number === 443)!;
                    assert.equal(https.port.protocol, "HTTPS");
                    assert.deepEqual(https.tls, { mode: "SIMPLE", credentialName: route.tlsSecret, minProtocolVersion: "TLSV1_2" });
                    const http = servers.find((s: Json) => s.port.number === 80)!;
                    assert.deepEqual(http.tls, { httpsRedirect: true }, "plain HTTP only redirects");
                    const vs = virtualServices.find((v) => v.metadata.name === `${svc.namespace}-${svc.name}-${i}`)!;
                    assert.deepEqual(vs.spec.hosts, route.hosts);
                    assert.deepEqual(vs.spec.gateways, [gateway.metadata.name]);
                    assert.deepEqual(vs.spec.exportTo, ["."]);
                    assert.deepEqual(vs.spec.http, [
                        {
                            route: [
                                { destination: { host: `${svc.name}.${svc.namespace}.svc.cluster.local`, port: { number: route.port } } },
                            ],
                        },
                    ]);
                });
            }
            assert.equal(virtualServices.length, exposed.flatMap((s) => s.ingress).length, "no other route");
        });

        it(`${stack}: admits the ingress gateway's identity to each exposed service on its exposed ports only`, async () => {
            const program = await rendered(stack);
            for (const svc of servicesIn(stack).filter((s) => (s.ingress ?? []).length > 0)) {
                const policy = ofKind(program, "AuthorizationPolicy").find(
                    (p) => p.metadata.namespace === svc.namespace && p.metadata.name === `allow-ingress-gateway-${svc.name}`,
                )!;
                assert.deepEqual(looseAllowRules(policy), []);
                assert.deepEqual(policy.spec.selector, { matchLabels: { "app.kubernetes.io/name": svc.name } });
                assert.deepEqual(policy.spec.rules, [
                    {
                        from: [{ source: { principals: ["cluster.local/ns/istio-ingress/sa/istio-ingressgateway"] } }],
                        to: [{ operation: { ports: [...new Set(svc.ingress.map((r: Json) => String(r.port)))] } }],
                    },
                ]);
            }
        });
    }
});
