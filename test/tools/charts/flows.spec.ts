// checkFlows over each stack's real program render plus small chart objects shaped like what the pinned
// charts render (../shared/rendered/prod): the flows each component needs are allowed, the flows nobody
// needs are denied, every namespace denies by default; and each defect it was written for comes back
// when the policy that fixed it is taken away.
import { strict as assert } from "node:assert";
import { networkAllows } from "../../../tools/charts/access-evaluator";
import { checkFlows, forbiddenFlows, neededFlows, type Flow } from "../../../tools/charts/flows";
import type { RenderedStack } from "../../../tools/render/render";
import type { ChartRendering, Manifest } from "../../../tools/charts/types";
import { readStackFile } from "../../../tools/render/stack-file";
import { rendered, STACKS } from "../../helpers/stacks";

type Json = Record<string, any>;
const servicesInStack = (stack: string): { name: string; namespace: string; ingress?: { port: number }[] }[] =>
    JSON.parse(readStackFile(stack).config["secure-platform:services"] ?? "[]");

const manifest = (kind: string, apiVersion: string, name: string, namespace: string | undefined, rest: Json): Manifest =>
    ({
        apiVersion,
        kind,
        metadata: { name, ...(namespace ? { namespace } : {}), ...(rest.metadata ?? {}) },
        ...Object.fromEntries(Object.entries(rest).filter(([k]) => k !== "metadata")),
    }) as Manifest;
const deployment = (name: string, namespace: string, labels: Record<string, string>, pod: Json, annotations: Record<string, string> = {}) =>
    manifest("Deployment", "apps/v1", name, namespace, {
        spec: { selector: { matchLabels: labels }, template: { metadata: { labels, annotations }, spec: pod } },
    });
const service = (name: string, namespace: string, selector: Record<string, string>, ports: Json[], extra: Json = {}) =>
    manifest("Service", "v1", name, namespace, { ...extra, spec: { selector, ports, ...(extra.spec ?? {}) } });
const clusterBinding = (account: string, namespace: string) =>
    manifest("ClusterRoleBinding", "rbac.authorization.k8s.io/v1", account, undefined, {
        roleRef: { kind: "ClusterRole", name: account },
        subjects: [{ kind: "ServiceAccount", name: account, namespace }],
    });
const webhooks = (kind: string, name: string, service: Json) =>
    manifest(kind, "admissionregistration.k8s.io/v1", name, undefined, {
        webhooks: [{ name: `${name}.example`, clientConfig: { service } }],
    });

function gateway(
    name: string,
    namespace: string,
    servicePorts: Json[],
    type = "ClusterIP",
    annotations: Record<string, string> = {},
): Manifest[] {
    const labels = { app: name, istio: name.replace(/^istio-/, "") };
    return [
        deployment(
            name,
            namespace,
            { ...labels, "sidecar.istio.io/inject": "true" },
            {
                serviceAccountName: name,
                containers: [
                    { name: "istio-proxy", image: "auto", ports: [{ containerPort: 15090, protocol: "TCP", name: "http-envoy-prom" }] },
                ],
            },
            {
                "inject.istio.io/templates": "gateway",
                "prometheus.io/path": "/stats/prometheus",
                "prometheus.io/port": "15020",
                "prometheus.io/scrape": "true",
            },
        ),
        service(name, namespace, labels, servicePorts, { metadata: { annotations }, spec: { type } }),
    ];
}

/** The releases' objects that decide flows, as the pinned charts render them (names, labels, ports). */
function chartObjects(program: RenderedStack): Record<string, Manifest[]> {
    const release = (name: string) => program.resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.name === name);
    const values = (release("istio-ingressgateway")?.inputs.values as Json | undefined)?.service ?? {};
    const objects: Record<string, Manifest[]> = {
        istiod: [
            deployment(
                "istiod",
                "istio-system",
                { app: "istiod", istio: "pilot", "sidecar.istio.io/inject": "false" },
                {
                    serviceAccountName: "istiod",
                    containers: [
                        {
                            name: "discovery",
                            ports: [8080, 15010, 15012, 15017, 15014].map((containerPort) => ({ containerPort, protocol: "TCP" })),
                        },
                    ],
                },
            ),
            service(
                "istiod",
                "istio-system",
                { app: "istiod", istio: "pilot" },
                [
                    { port: 15010, name: "grpc-xds", protocol: "TCP" },
                    { port: 15012, name: "https-dns", protocol: "TCP" },
                    { port: 443, name: "https-webhook", targetPort: 15017, protocol: "TCP" },
                    { port: 15014, name: "http-monitoring", protocol: "TCP" },
                ],
                { metadata: { labels: { app: "istiod", istio: "pilot" } } },
            ),
            manifest("MutatingWebhookConfiguration", "admissionregistration.k8s.io/v1", "istio-sidecar-injector", undefined, {
                webhooks: [
                    {
                        name: "namespace.sidecar-injector.istio.io",
                        clientConfig: { service: { name: "istiod", namespace: "istio-system", path: "/inject", port: 443 } },
                    },
                ],
            }),
            clusterBinding("istiod", "istio-system"),
        ],
        "istio-base": [
            webhooks("ValidatingWebhookConfiguration", "istiod-default-validator", {
                name: "istiod",
                namespace: "istio-system",
                path: "/validate",
            }),
        ],
        "istio-cni": [
            manifest("DaemonSet", "apps/v1", "istio-cni-node", "istio-cni", {
                spec: {
                    template: {
                        metadata: { labels: { "k8s-app": "istio-cni-node", "sidecar.istio.io/inject": "false" } },
                        spec: {
                            serviceAccountName: "istio-cni",
                            containers: [{ name: "install-cni", ports: [{ containerPort: 15014, name: "metrics" }] }],
                        },
                    },
                },
            }),
            clusterBinding("istio-cni", "istio-cni"),
        ],
        "istio-ingressgateway": gateway(
            "istio-ingressgateway",
            "istio-ingress",
            [
                { name: "status-port", port: 15021, targetPort: 15021 },
                { name: "http2", port: 80, targetPort: 80 },
                { name: "https", port: 443, targetPort: 443 },
            ],
            values.type,
            values.annotations,
        ),
        "istio-egressgateway": gateway("istio-egressgateway", "istio-egress", [
            { name: "status-port", port: 15021, targetPort: 15021 },
            { name: "tls", port: 443, targetPort: 443 },
        ]),
        vault: [
            manifest("StatefulSet", "apps/v1", "vault", "vault", {
                spec: {
                    template: {
                        metadata: {
                            labels: {
                                "app.kubernetes.io/name": "vault",
                                "app.kubernetes.io/instance": "vault",
                                component: "server",
                                "sidecar.istio.io/inject": "false",
                            },
                        },
                        spec: {
                            serviceAccountName: "vault",
                            containers: [
                                {
                                    name: "vault",
                                    ports: [
                                        { containerPort: 8200, name: "https" },
                                        { containerPort: 8201, name: "https-internal" },
                                        { containerPort: 8202, name: "https-rep" },
                                    ],
                                },
                            ],
                        },
                    },
                },
            }),
            service(
                "vault-internal",
                "vault",
                { "app.kubernetes.io/name": "vault", "app.kubernetes.io/instance": "vault", component: "server" },
                [
                    { name: "https", port: 8200, targetPort: 8200 },
                    { name: "https-internal", port: 8201, targetPort: 8201 },
                ],
                { metadata: { labels: { "app.kubernetes.io/name": "vault", "vault-internal": "true" } }, spec: { clusterIP: "None" } },
            ),
            clusterBinding("vault", "vault"),
        ],
        "kube-prometheus-stack": [
            manifest("Prometheus", "monitoring.coreos.com/v1", "kube-prometheus-stack-prometheus", "monitoring", {
                spec: {
                    serviceAccountName: "kube-prometheus-stack-prometheus",
                    portName: "http-web",
                    serviceMonitorSelector: { matchLabels: { release: "kube-prometheus-stack" } },
                    serviceMonitorNamespaceSelector: {},
                    podMonitorSelector: { matchLabels: { release: "kube-prometheus-stack" } },
                    podMonitorNamespaceSelector: {},
                    alerting: {
                        alertmanagers: [{ namespace: "monitoring", name: "kube-prometheus-stack-alertmanager", port: "http-web" }],
                    },
                },
            }),
            manifest("Alertmanager", "monitoring.coreos.com/v1", "kube-prometheus-stack-alertmanager", "monitoring", {
                spec: { portName: "http-web", serviceAccountName: "kube-prometheus-stack-alertmanager" },
            }),
            service(
                "kube-prometheus-stack-alertmanager",
                "monitoring",
                { "app.kubernetes.io/name": "alertmanager", alertmanager: "kube-prometheus-stack-alertmanager" },
                [{ name: "http-web", port: 9093, targetPort: 9093 }],
            ),
            deployment(
                "kube-prometheus-stack-operator",
                "monitoring",
                { app: "kube-prometheus-stack-operator", release: "kube-prometheus-stack" },
                {
                    serviceAccountName: "kube-prometheus-stack-operator",
                    containers: [
                        {
                            name: "kube-prometheus-stack",
                            args: ["--kubelet-service=kube-system/kube-prometheus-stack-kubelet"],
                            ports: [{ containerPort: 10250, name: "https" }],
                        },
                    ],
                },
            ),
            service(
                "kube-prometheus-stack-operator",
                "monitoring",
                { app: "kube-prometheus-stack-operator", release: "kube-prometheus-stack" },
                [{ name: "https", port: 443, targetPort: "https" }],
            ),
            webhooks("ValidatingWebhookConfiguration", "kube-prometheus-stack-admission", {
                namespace: "monitoring",
                name: "kube-prometheus-stack-operator",
                path: "/admission-prometheusrules/validate",
            }),
            clusterBinding("kube-prometheus-stack-operator", "monitoring"),
            clusterBinding("kube-prometheus-stack-prometheus", "monitoring"),
            manifest("ServiceMonitor", "monitoring.coreos.com/v1", "kube-prometheus-stack-kubelet", "monitoring", {
                metadata: { labels: { release: "kube-prometheus-stack" } },
                spec: {
                    namespaceSelector: { matchNames: ["kube-system"] },
                    selector: { matchLabels: { "app.kubernetes.io/name": "kubelet", "k8s-app": "kubelet" } },
                    endpoints: [{ port: "https-metrics", scheme: "https" }],
                },
            }),
        ],
        "policy-controller": [
            deployment(
                "policy-controller-webhook",
                "cosign-system",
                { "control-plane": "policy-controller-webhook", "app.kubernetes.io/name": "policy-controller" },
                {
                    serviceAccountName: "policy-controller-webhook",
                    containers: [
                        {
                            name: "policy-controller-webhook",
                            ports: [
                                { containerPort: 8443, name: "https", protocol: "TCP" },
                                { containerPort: 9090, name: "metrics", protocol: "TCP" },
                            ],
                        },
                    ],
                },
            ),
            service("webhook", "cosign-system", { "control-plane": "policy-controller-webhook" }, [
                { name: "https", port: 443, targetPort: "https", protocol: "TCP" },
            ]),
            webhooks("ValidatingWebhookConfiguration", "policy.sigstore.dev", { name: "webhook", namespace: "cosign-system" }),
            clusterBinding("policy-controller-webhook", "cosign-system"),
        ],
    };
    return objects;
}

function renderingOf(program: RenderedStack, extra: Record<string, Manifest[]> = {}): ChartRendering {
    const objects = chartObjects(program);
    const releases = program.resources
        .filter((r) => r.type === "kubernetes:helm.sh/v3:Release")
        .map((r) => {
            const name = String(r.inputs.name);
            return {
                urn: r.urn,
                name,
                namespace: String(r.inputs.namespace),
                chart: String(r.inputs.chart),
                version: String(r.inputs.version),
                repo: "",
                objects: [...(objects[name] ?? []), ...(extra[name] ?? [])].map((m) => ({
                    manifest: m,
                    source: `${name}/templates/x.yaml`,
                    hooks: [],
                    crd: false,
                })),
            };
        });
    return { stack: program.stack, kubernetesVersion: "1.33", program, releases };
}

/** The program without the named NetworkPolicies: the platform as it was before a fix. */
function without(program: RenderedStack, ...policies: string[]): RenderedStack {
    const drop = (r: RenderedStack["resources"][number]) =>
        r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy" &&
        policies.some((p) => {
            const [ns, name] = p.split("/");
            const m = r.inputs.metadata as Json;
            return m.namespace === ns && (name === "*" || m.name === name);
        });
    return { ...program, resources: program.resources.filter((r) => !drop(r)) };
}

const has = (flows: Flow[], from: RegExp, to: RegExp, port: number) =>
    flows.some((f) => from.test(f.from.id) && to.test(f.to.id) && f.port === port);
const subjects = (rendering: ChartRendering) => checkFlows(rendering).findings.map((f) => `${f.subject} :: ${f.message}`);
const eks = (stack: string) => stack !== "local";

describe("chart flows (checkFlows)", () => {
    for (const stack of STACKS) {
        describe(`stack ${stack}`, () => {
            let program: RenderedStack;
            before(async () => {
                program = await rendered(stack);
            });

            it("allows every flow the components need, keeps the unneeded ones denied, and every namespace denies by default", () => {
                const result = checkFlows(renderingOf(program));
                assert.deepEqual(result.findings, []);
                assert.ok(result.judged > 100, `judged ${result.judged}`);
            });

            it("derives the needs from the objects: scrapes, webhooks, istiod, DNS, the API server, the load balancer", () => {
                const flows = neededFlows(renderingOf(program));
                assert.ok(
                    has(flows, /^Prometheus /, /istio-ingress\/istio-ingressgateway/, 15020),
                    "PodMonitor istio-sidecars -> gateway merged metrics",
                );
                assert.ok(has(flows, /^Prometheus /, /istio-system\/istiod/, 15014), "ServiceMonitor istiod -> http-monitoring");
                assert.ok(has(flows, /^Prometheus /, /^node$/, 10250), "kubelets through the operator's kubelet Service");
                assert.ok(has(flows, /^Prometheus /, /^Alertmanager /, 9093), "alerts");
                assert.ok(has(flows, /API server/, /istiod/, 15017), "Service 443 -> targetPort 15017");
                assert.ok(has(flows, /API server/, /policy-controller-webhook/, 8443), "named targetPort https -> 8443");
                assert.ok(has(flows, /API server/, /kube-prometheus-stack-operator/, 10250));
                assert.ok(
                    has(flows, /istio-ingressgateway/, /istiod/, 15012) && has(flows, /^service shop\//, /istiod/, 15012),
                    "injected sidecars and gateways",
                );
                assert.ok(!has(flows, /StatefulSet vault\/vault/, /istiod/, 15012), "Vault is not injected");
                assert.ok(has(flows, /istio-cni-node/, /API server/, eks(stack) ? 443 : 6443));
                assert.ok(
                    flows.some(
                        (f) => f.to.id === "kube-system/coredns" && f.port === 53 && f.protocol === "UDP" && /vault/.test(f.from.id),
                    ),
                );
                // The ingress gateway fronts exactly the services the stack exposes, on their exposed ports.
                const exposed = servicesInStack(stack).flatMap((svc) =>
                    (svc.ingress ?? []).map(
                        (r) => `Deployment istio-ingress/istio-ingressgateway -> service ${svc.namespace}/${svc.name}:${r.port}`,
                    ),
                );
                assert.ok(exposed.length > 0, `${stack} exposes a service`);
                assert.deepEqual(
                    flows
                        .filter(
                            (f) =>
                                /istio-ingressgateway/.test(f.from.id) &&
                                f.to.namespace &&
                                !["istio-system", "kube-system"].includes(f.to.namespace),
                        )
                        .map((f) => `${f.from.id} -> ${f.to.id}:${f.port}`)
                        .sort(),
                    [...new Set(exposed)].sort(),
                );
                assert.equal(
                    flows.some((f) => /load balancer/.test(f.from.id)),
                    eks(stack),
                    "a LoadBalancer Service only on EKS",
                );
                const agent = flows.filter((f) => /Pod Identity agent/.test(f.to.id));
                if (eks(stack)) {
                    for (const pod of [/StatefulSet vault\/vault$/, /Job vault\/vault-bootstrap/, /CronJob vault\/vault-snapshot/]) {
                        assert.ok(has(agent, pod, /169\.254\.170\.23/, 80) && has(agent, pod, /fd00:ec2::23/, 80), String(pod));
                        assert.ok(has(flows, pod, /AWS APIs/, 443), `${pod} to KMS and S3`);
                    }
                } else {
                    assert.deepEqual(agent, [], "no Pod Identity on kind");
                }
            });

            it("denied Prometheus the gateways' metrics port 15020 before the gateways admitted it", () => {
                const before = subjects(
                    renderingOf(
                        without(program, "istio-ingress/allow-prometheus-proxy-metrics", "istio-egress/allow-prometheus-proxy-metrics"),
                    ),
                );
                assert.ok(
                    before.some((s) =>
                        /^Prometheus .* -> Deployment istio-ingress\/istio-ingressgateway:15020\/TCP :: .*denied by istio-ingress's ingress/.test(
                            s,
                        ),
                    ),
                    before.join("\n"),
                );
                assert.ok(before.some((s) => /istio-egress\/istio-egressgateway:15020/.test(s)));
            });

            it(
                eks(stack)
                    ? "denied Vault's pods the Pod Identity agent before the vault namespace allowed it"
                    : "needs no Pod Identity agent on kind",
                () => {
                    const before = subjects(renderingOf(without(program, "vault/vault-pod-identity-egress")));
                    const agent = before.filter((s) => /Pod Identity agent/.test(s));
                    if (!eks(stack)) return assert.deepEqual(agent, []);
                    for (const pod of ["StatefulSet vault/vault", "Job vault/vault-bootstrap", "CronJob vault/vault-snapshot"]) {
                        for (const ip of ["169.254.170.23", "fd00:ec2::23"]) {
                            assert.ok(
                                agent.some(
                                    (s) =>
                                        s.startsWith(`${pod} -> EKS Pod Identity agent ${ip}:80/TCP`) && /denied by vault's egress/.test(s),
                                ),
                                `${pod} ${ip}\n${before.join("\n")}`,
                            );
                        }
                    }
                },
            );

            it("denied the ingress gateway its routes before the ingress edge's NetworkPolicies, and keeps unrouted services closed to it", () => {
                const before = subjects(
                    renderingOf(without(program, "istio-ingress/ingress-gateway-routes", "shop/storefront-from-ingress-gateway")),
                );
                assert.ok(
                    before.some(
                        (s) =>
                            s.startsWith(
                                "Deployment istio-ingress/istio-ingressgateway -> service shop/storefront:8080/TCP :: needed (Gateway istio-ingress/shop-storefront",
                            ) && /denied by istio-ingress's egress and shop's ingress policies/.test(s),
                    ),
                    before.join("\n"),
                );
                const forbidden = forbiddenFlows(renderingOf(program));
                assert.ok(has(forbidden, /istio-ingressgateway/, /^service shop\/cart$/, 8080), "an unexposed service on a routed port");
                assert.ok(has(forbidden, /istio-ingressgateway/, /^any pod in shop$/, 8080), "any other pod of the namespace");
                assert.ok(
                    !has(forbidden, /istio-ingressgateway/, /^service shop\/storefront$/, 8080),
                    "the routed edge is needed, not forbidden",
                );
            });

            it("found istio-system, istio-cni and cosign-system without default deny, and istiod's plaintext xDS open, before their policies", () => {
                const before = subjects(renderingOf(without(program, "istio-system/*", "istio-cni/*", "cosign-system/*")));
                for (const ns of ["istio-system", "istio-cni", "cosign-system"]) {
                    assert.ok(
                        before.includes(`Namespace ${ns} :: no default-deny NetworkPolicy for ingress and egress`),
                        `${ns}\n${before.join("\n")}`,
                    );
                }
                assert.ok(
                    before.some((s) =>
                        /namespace the platform does not manage -> Deployment istio-system\/istiod:15010\/TCP :: open/.test(s),
                    ),
                );
            });

            it("keeps the flows nobody needs denied, and reports one when a policy opens it", () => {
                const rendering = renderingOf(program);
                const forbidden = forbiddenFlows(rendering);
                assert.ok(has(forbidden, /^any pod in shop$/, /istiod/, 15010));
                assert.ok(
                    has(forbidden, /not manage/, /StatefulSet vault\/vault/, 8200) &&
                        has(forbidden, /^any pod in payments$/, /StatefulSet vault\/vault/, 8201),
                );
                assert.ok(has(forbidden, /istio-ingressgateway/, /^Prometheus /, 9090), "the Prometheus API from the edge");
                const allowAll = {
                    type: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
                    name: "allow-all",
                    urn: "urn:allow-all",
                    custom: true,
                    id: "monitoring/allow-all",
                    outputs: {},
                    protect: false,
                    dependsOn: [],
                    inputs: {
                        apiVersion: "networking.k8s.io/v1",
                        kind: "NetworkPolicy",
                        metadata: { name: "allow-all", namespace: "monitoring" },
                        spec: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{}] },
                    },
                };
                const opened = subjects(renderingOf({ ...program, resources: [...program.resources, allowAll] }));
                assert.ok(
                    opened.some((s) =>
                        /^any pod in a namespace the platform does not manage -> Prometheus .*:9090\/TCP :: open, but nobody needs it/.test(
                            s,
                        ),
                    ),
                    opened.join("\n"),
                );
            });

            it("admits the API server to the webhooks from inside the cluster's network, never from the internet", () => {
                const webhook = neededFlows(renderingOf(program)).filter((f) => /API server/.test(f.from.id) && f.to.namespace);
                assert.deepEqual([...new Set(webhook.map((f) => f.to.namespace))].sort(), ["cosign-system", "istio-system", "monitoring"]);
                const policies = program.resources.map((r) => r.inputs as Json).filter((m) => m.kind === "NetworkPolicy");
                const view = { rootNamespace: "istio-system", namespaces: {} };
                for (const flow of webhook) {
                    assert.equal(networkAllows(policies, { from: flow.from, to: flow.to, port: flow.port }, view), true, flow.to.id);
                    const internet = { ...flow.from, id: "internet", ip: "198.51.100.7" };
                    assert.equal(
                        networkAllows(policies, { from: internet, to: flow.to, port: flow.port }, view),
                        false,
                        `${flow.to.id}:${flow.port} from the internet`,
                    );
                }
            });
        });
    }

    it("on EKS admits webhook calls from the VPC only, not from networks peered or routed into it", async () => {
        const program = await rendered("prod");
        const policies = program.resources.map((r) => r.inputs as Json).filter((m) => m.kind === "NetworkPolicy");
        const webhookIngress = policies.filter((p) =>
            ["istiod-ingress", "allow-policy-controller-webhook", "allow-operator-webhook"].includes(p.metadata.name),
        );
        assert.ok(webhookIngress.length >= 2, webhookIngress.map((p) => p.metadata.name).join(", "));
        const view = { rootNamespace: "istio-system", namespaces: {} };
        const istiod = {
            id: "istiod",
            namespace: "istio-system",
            labels: { app: "istiod" },
            ip: "10.30.1.5",
            annotations: {},
            containers: [],
            meshed: false,
        };
        const from = (ip: string) => ({ id: ip, labels: {}, ip, annotations: {}, containers: [], meshed: false });
        assert.equal(
            networkAllows(policies, { from: from("10.30.0.100"), to: istiod, port: 15017 } as never, view),
            true,
            "the control plane's ENIs in 10.30.0.0/16",
        );
        assert.equal(
            networkAllows(policies, { from: from("10.99.0.7"), to: istiod, port: 15017 } as never, view),
            false,
            "a peered network in 10/8",
        );
    });

    it("follows a ServiceMonitor through its Service to the endpoints' target port, in the namespaces it names", async () => {
        const program = await rendered("prod");
        const monitor = manifest("ServiceMonitor", "monitoring.coreos.com/v1", "gateway-metrics", "istio-ingress", {
            metadata: { labels: { release: "kube-prometheus-stack" } },
            spec: {
                selector: { matchLabels: { app: "istio-ingressgateway" } },
                endpoints: [{ port: "http-envoy-prom" }, { port: "merged" }],
            },
        });
        const metrics = service(
            "istio-ingressgateway-metrics",
            "istio-ingress",
            { app: "istio-ingressgateway", istio: "ingressgateway" },
            [
                { name: "http-envoy-prom", port: 9090, targetPort: "http-envoy-prom" },
                { name: "merged", port: 15020, targetPort: 15020 },
            ],
            { metadata: { labels: { app: "istio-ingressgateway" } } },
        );
        const rendering = renderingOf(program, { "istio-ingressgateway": [monitor, metrics] });
        const flows = neededFlows(rendering).filter((f) => /ServiceMonitor istio-ingress\/gateway-metrics/.test(f.why));
        assert.deepEqual(flows.map((f) => `${f.to.id}:${f.port}`).sort(), [
            "Deployment istio-ingress/istio-ingressgateway:15020",
            "Deployment istio-ingress/istio-ingressgateway:15090",
        ]);
        // 15090 (Envoy's own stats) is not what the platform scrapes on gateways: this monitor needs a policy the stack lacks.
        const findings = checkFlows(rendering).findings.map((f) => f.subject);
        assert.deepEqual(findings, [
            `Prometheus monitoring/kube-prometheus-stack-prometheus (pod prometheus-kube-prometheus-stack-prometheus-0) -> Deployment istio-ingress/istio-ingressgateway:15090/TCP`,
        ]);
    });

    it("reports a route to a host that is neither a Service, a declared service nor an external host", async () => {
        const program = await rendered("prod");
        const gw = manifest("Gateway", "networking.istio.io/v1", "public", "istio-ingress", {
            spec: {
                selector: { istio: "ingressgateway" },
                servers: [{ port: { number: 443, name: "https", protocol: "HTTPS" }, hosts: ["x.example.com"] }],
            },
        });
        const vs = manifest("VirtualService", "networking.istio.io/v1", "ghost", "istio-ingress", {
            spec: {
                hosts: ["x.example.com"],
                gateways: ["public"],
                http: [{ route: [{ destination: { host: "ghost.shop.svc.cluster.local", port: { number: 80 } } }] }],
            },
        });
        const findings = subjects(renderingOf(program, { "istio-ingressgateway": [gw, vs] }));
        assert.ok(
            findings.some((f) =>
                /-> host ghost\.shop\.svc\.cluster\.local \(no such object\):80\/TCP :: needed .* but its destination does not exist/.test(
                    f,
                ),
            ),
            findings.join("\n"),
        );
    });

    it("routes the ingress gateway to the Services its Gateway's VirtualServices name, and reports the missing policy", async () => {
        const program = await rendered("prod");
        const gw = manifest("Gateway", "networking.istio.io/v1", "public", "istio-ingress", {
            spec: {
                selector: { istio: "ingressgateway" },
                servers: [{ port: { number: 443, name: "https", protocol: "HTTPS" }, hosts: ["shop.example.com"] }],
            },
        });
        const vs = manifest("VirtualService", "networking.istio.io/v1", "storefront", "shop", {
            spec: {
                hosts: ["shop.example.com"],
                gateways: ["istio-ingress/public"],
                http: [{ route: [{ destination: { host: "cart.shop.svc.cluster.local", port: { number: 80 } } }] }],
            },
        });
        // cart is not exposed in prod: nothing opens this edge.
        const svc = service("cart", "shop", { "app.kubernetes.io/name": "cart" }, [{ name: "http", port: 80, targetPort: 8080 }]);
        const rendering = renderingOf(program, { "istio-ingressgateway": [gw, vs, svc] });
        const flows = neededFlows(rendering).filter((f) => /Gateway istio-ingress\/public/.test(f.why));
        assert.deepEqual(
            flows.map((f) => `${f.from.id} -> ${f.to.id}:${f.port}`),
            ["Deployment istio-ingress/istio-ingressgateway -> service shop/cart:8080"],
        );
        assert.ok(
            checkFlows(rendering).findings.some(
                (f) => f.subject === "Deployment istio-ingress/istio-ingressgateway -> service shop/cart:8080/TCP",
            ),
        );
    });
});
