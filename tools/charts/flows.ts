// The network flows the platform's pods need, derived from what reaches the cluster (the program's objects
// and each Release's rendered chart objects), checked against the stack's NetworkPolicies with the
// project's evaluator; plus the flows nobody needs, which must stay denied, and every namespace the
// platform creates, which must deny by default. Nothing here knows how the policies were generated.
import * as ipaddr from "ipaddr.js";
import { ISTIOD_XDS_PORT } from "../../infra/mesh/values";
import { WORKLOAD_LABEL } from "../../infra/services/graph";
import { kubernetesObjects, type RenderedStack } from "../render/render";
import { networkSideAllows, selectorMatches, type ClusterView, type ContainerPort, type Pod } from "./access-evaluator";
import type { ChartRendering, CheckResult, Finding } from "./types";
import { appliedObjects, clusterScopedKinds } from "./render";
import { onEks } from "./objects";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rendered objects are untyped
type Json = Record<string, any>;
type Protocol = "TCP" | "UDP";

/** A Kubernetes object as it reaches the API server, with where it came from. */
interface Source {
    manifest: Json;
    origin: string;
}

/** A pod that will run, or an endpoint outside the pod network (a node, the API server, AWS, a client). */
export interface Endpoint extends Pod {
    serviceAccount?: string;
    annotations: Record<string, string>;
    containers: { name: string; ports: ContainerPort[] }[];
    meshed: boolean;
    /** The object it comes from, for reports. */
    origin: string;
    automountToken?: boolean;
}

export interface Flow {
    from: Endpoint;
    to: Endpoint;
    port: number;
    protocol: Protocol;
    /** Who needs it and where that is written, e.g. "Prometheus scrape (PodMonitor monitoring/istio-sidecars)". */
    why: string;
}

/** What the cluster looks like around the pods: addresses the stack decides, and the well-known endpoints. */
interface Surroundings {
    eks: boolean;
    apiServer: Endpoint;
    apiServerPort: number;
    node: Endpoint;
    /** Where the ingress load balancer's clients come from when the Service does not narrow it. */
    lbClient: Endpoint;
    nextPodIp: () => string;
}

// EKS Pod Identity's agent (a host-network DaemonSet) answers on these link-local addresses on every node.
const POD_IDENTITY_AGENT = ["169.254.170.23", "fd00:ec2::23"];
const POD_IDENTITY_PORT = 80;
// A NetworkPolicy cannot name a host: KMS, S3, STS and Secrets Manager are public addresses on 443.
const AWS_API = "52.94.0.10";
const INTERNET = "198.51.100.10";

// ---------------------------------------------------------------- objects

function programObjects(program: RenderedStack): Source[] {
    return kubernetesObjects(program).map(({ resource, manifest }) => ({ manifest, origin: `program ${resource.name}` }));
}

/** The renderer already places namespaced objects; renderings made by hand (tests) get the same placement here. */
function chartObjects(rendering: ChartRendering): Source[] {
    const clusterScoped = clusterScopedKinds(rendering.releases.flatMap((release) => release.objects));
    return rendering.releases.flatMap((release) =>
        appliedObjects(release).map((o) => {
            const manifest = o.manifest as Json;
            const namespaced = !clusterScoped.has(manifest.kind);
            const metadata = {
                ...manifest.metadata,
                ...(namespaced && !manifest.metadata.namespace ? { namespace: release.namespace } : {}),
            };
            return { manifest: { ...manifest, metadata }, origin: `release ${release.name} (${o.source})` };
        }),
    );
}

const labelsOf = (m: Json): Record<string, string> => (m?.metadata?.labels ?? {}) as Record<string, string>;
const ofKind = (objects: Source[], ...kinds: string[]) => objects.filter((o) => kinds.includes(o.manifest.kind));
const idOf = (m: Json) => `${m.metadata.namespace ?? ""}/${m.metadata.name}`;

// ---------------------------------------------------------------- the stack's addresses

function surroundings(program: RenderedStack): Surroundings {
    const vpc = program.resources.find((r) => r.type === "aws:ec2/vpc:Vpc");
    const eks = onEks(program);
    // A VPC the stack creates, or one it adopts (the stack output names its range).
    const network = program.outputs.clusterNetwork as { cidr?: unknown } | undefined;
    const declared = vpc?.inputs.cidrBlock ?? network?.cidr;
    const cidr = typeof declared === "string" ? declared : undefined;
    // EKS (VPC CNI): nodes, pods and the control plane's ENIs all take addresses from the VPC. An existing
    // cluster is assumed to be kind: pods in 10.244.0.0/16, nodes (the API server too) on Docker's 172.18.0.0/16.
    const base = eks && cidr ? ipaddr.parseCIDR(cidr)[0].toByteArray() : undefined;
    const at = (third: number, fourth: number) => (base ? `${base[0]}.${base[1]}.${third}.${fourth}` : undefined);
    let pods = 0;
    const outside = (id: string, ip: string): Endpoint => ({
        id,
        labels: {},
        ip,
        annotations: {},
        containers: [],
        meshed: false,
        origin: "cluster",
    });
    return {
        eks,
        apiServer: outside("Kubernetes API server", at(0, 100) ?? "172.18.0.2"),
        apiServerPort: eks ? 443 : 6443,
        node: outside("node", at(0, 10) ?? "172.18.0.3"),
        lbClient: outside("load balancer client", at(0, 200) ?? INTERNET),
        nextPodIp: () => {
            pods += 1;
            return at(1 + Math.floor(pods / 250), (pods % 250) + 1) ?? `10.244.${Math.floor(pods / 250)}.${(pods % 250) + 1}`;
        },
    };
}

// ---------------------------------------------------------------- pods

function podTemplate(m: Json): Json | undefined {
    switch (m.kind) {
        case "Deployment":
        case "StatefulSet":
        case "DaemonSet":
        case "ReplicaSet":
        case "Job":
            return m.spec?.template;
        case "CronJob":
            return m.spec?.jobTemplate?.spec?.template;
        case "Pod":
            return m;
        default:
            return undefined;
    }
}

/** Istio's injector: namespace label first, then the pod's label (or annotation); never host-network pods. */
function injected(
    namespaceLabels: Record<string, string>,
    labels: Record<string, string>,
    annotations: Record<string, string>,
    hostNetwork: boolean,
): boolean {
    if (hostNetwork) return false;
    const pod = labels["sidecar.istio.io/inject"] ?? annotations["sidecar.istio.io/inject"];
    if (namespaceLabels["istio-injection"] === "disabled") return false;
    if (namespaceLabels["istio-injection"] === "enabled" || namespaceLabels["istio.io/rev"]) return pod !== "false";
    return pod === "true";
}

/** The istio-proxy container the injector adds, and the scrape annotations it sets (merged metrics on 15020). */
function withSidecar(pod: Endpoint): Endpoint {
    return {
        ...pod,
        meshed: true,
        principal: `cluster.local/ns/${pod.namespace}/sa/${pod.serviceAccount ?? "default"}`,
        annotations: {
            ...pod.annotations,
            "prometheus.io/scrape": "true",
            "prometheus.io/port": "15020",
            "prometheus.io/path": "/stats/prometheus",
        },
        containers: pod.containers.some((c) => c.name === "istio-proxy")
            ? pod.containers
            : [...pod.containers, { name: "istio-proxy", ports: [{ name: "http-envoy-prom", containerPort: 15090, protocol: "TCP" }] }],
    };
}

interface Cluster {
    objects: Source[];
    view: ClusterView;
    pods: Endpoint[];
    /** Pods the Prometheus Operator creates, by their custom resource. */
    operated: Map<string, Endpoint>;
    around: Surroundings;
    injector?: Json;
    /** Namespaces the platform creates (program and charts). */
    platformNamespaces: string[];
    applicationNamespaces: string[];
}

function buildCluster(rendering: ChartRendering): Cluster {
    const objects = [...programObjects(rendering.program), ...chartObjects(rendering)];
    const around = surroundings(rendering.program);
    const namespaceObjects = ofKind(objects, "Namespace");
    const namespaces: Record<string, Record<string, string>> = { "kube-system": {}, default: {} };
    for (const ns of namespaceObjects) namespaces[ns.manifest.metadata.name] = labelsOf(ns.manifest);
    const view: ClusterView = { rootNamespace: rootNamespace(objects), namespaces };
    const injector = ofKind(objects, "MutatingWebhookConfiguration")
        .flatMap((o) => (o.manifest.webhooks ?? []) as Json[])
        .find((w) => w.clientConfig?.service?.path === "/inject");
    const nsLabels = (ns: string) => namespaces[ns] ?? {};

    const pods: Endpoint[] = [];
    const add = (pod: Omit<Endpoint, "ip" | "meshed"> & { meshed?: boolean }) => {
        const base: Endpoint = { ...pod, ip: pod.hostNetwork ? around.node.ip : around.nextPodIp(), meshed: false };
        const meshed = injector !== undefined && injected(nsLabels(pod.namespace!), pod.labels, pod.annotations, pod.hostNetwork ?? false);
        const final = meshed ? withSidecar(base) : base;
        pods.push(final);
        return final;
    };

    for (const source of objects) {
        const template = podTemplate(source.manifest);
        if (!template) continue;
        const spec = template.spec ?? {};
        const containers = ((spec.containers ?? []) as Json[]).map((c) => ({
            name: String(c.name),
            ports: ((c.ports ?? []) as Json[]).map((p) => ({
                name: p.name,
                containerPort: Number(p.containerPort),
                protocol: p.protocol ?? "TCP",
            })),
        }));
        add({
            id: `${source.manifest.kind} ${idOf(source.manifest)}`,
            namespace: source.manifest.metadata.namespace ?? "default",
            labels: (template.metadata?.labels ?? {}) as Record<string, string>,
            annotations: (template.metadata?.annotations ?? {}) as Record<string, string>,
            serviceAccount: spec.serviceAccountName ?? "default",
            ...(typeof spec.automountServiceAccountToken === "boolean" ? { automountToken: spec.automountServiceAccountToken } : {}),
            hostNetwork: spec.hostNetwork === true,
            containers,
            ports: containers.flatMap((c) => c.ports),
            origin: source.origin,
        });
    }

    // The Prometheus Operator's pods, labelled as the operator labels them.
    const operated = new Map<string, Endpoint>();
    for (const source of ofKind(objects, "Prometheus", "Alertmanager")) {
        const m = source.manifest;
        const name = m.metadata.name as string;
        const prometheus = m.kind === "Prometheus";
        const web = { name: m.spec?.portName ?? "web", containerPort: prometheus ? 9090 : 9093, protocol: "TCP" };
        const own = prometheus
            ? {
                  "app.kubernetes.io/name": "prometheus",
                  prometheus: name,
                  "operator.prometheus.io/name": name,
                  "operator.prometheus.io/shard": "0",
              }
            : { "app.kubernetes.io/name": "alertmanager", alertmanager: name };
        const containers = [
            {
                name: prometheus ? "prometheus" : "alertmanager",
                ports: prometheus
                    ? [web]
                    : [
                          web,
                          { name: "mesh-tcp", containerPort: 9094, protocol: "TCP" },
                          { name: "mesh-udp", containerPort: 9094, protocol: "UDP" },
                      ],
            },
            { name: "config-reloader", ports: [{ name: "reloader-web", containerPort: 8080, protocol: "TCP" }] },
        ];
        operated.set(
            idOf(m),
            add({
                id: `${m.kind} ${idOf(m)} (pod ${prometheus ? "prometheus" : "alertmanager"}-${name}-0)`,
                namespace: m.metadata.namespace,
                labels: {
                    ...(m.spec?.podMetadata?.labels ?? {}),
                    ...own,
                    "app.kubernetes.io/instance": name,
                    "app.kubernetes.io/managed-by": "prometheus-operator",
                },
                annotations: (m.spec?.podMetadata?.annotations ?? {}) as Record<string, string>,
                serviceAccount: m.spec?.serviceAccountName ?? "default",
                containers,
                ports: containers.flatMap((c) => c.ports),
                origin: source.origin,
            }),
        );
    }

    // Application pods: service teams run each declared service under the account the program creates for
    // it, with its workload label (docs/mesh.md); and any other pod a team may start in the namespace.
    const applicationNamespaces = namespaceObjects
        .map((ns) => ns.manifest.metadata.name as string)
        .filter((ns) => nsLabels(ns)["istio-injection"] === "enabled");
    for (const account of ofKind(objects, "ServiceAccount")) {
        const m = account.manifest;
        const workload = labelsOf(m)[WORKLOAD_LABEL];
        if (!workload || !applicationNamespaces.includes(m.metadata.namespace)) continue;
        add({
            id: `service ${m.metadata.namespace}/${workload}`,
            namespace: m.metadata.namespace,
            labels: { [WORKLOAD_LABEL]: workload },
            annotations: {},
            serviceAccount: m.metadata.name,
            containers: [],
            origin: account.origin,
        });
    }
    for (const ns of applicationNamespaces) {
        add({
            id: `any pod in ${ns}`,
            namespace: ns,
            labels: { app: "unlisted" },
            annotations: {},
            serviceAccount: "default",
            containers: [],
            origin: "application namespace",
        });
    }
    // The cluster's own DNS (EKS's CoreDNS add-on, kind's CoreDNS) and a namespace the platform does not manage.
    const dnsPorts = [
        { name: "dns", containerPort: 53, protocol: "UDP" },
        { name: "dns-tcp", containerPort: 53, protocol: "TCP" },
        { name: "metrics", containerPort: 9153, protocol: "TCP" },
    ];
    add({
        id: "kube-system/coredns",
        namespace: "kube-system",
        labels: { "k8s-app": "kube-dns" },
        annotations: {},
        containers: [{ name: "coredns", ports: dnsPorts }],
        ports: dnsPorts,
        origin: "cluster",
    });
    namespaces["unmanaged"] = {};
    add({
        id: "any pod in a namespace the platform does not manage",
        namespace: "unmanaged",
        labels: { app: "unlisted" },
        annotations: {},
        containers: [],
        origin: "cluster",
    });

    const platformNamespaces = namespaceObjects.map((ns) => ns.manifest.metadata.name as string);
    return { objects, view, pods, operated, around, ...(injector ? { injector } : {}), platformNamespaces, applicationNamespaces };
}

function rootNamespace(objects: Source[]): string {
    const peer = ofKind(objects, "PeerAuthentication").find((o) => !o.manifest.spec?.selector);
    return peer?.manifest.metadata.namespace ?? "istio-system";
}

// ---------------------------------------------------------------- services and their endpoints

interface ServiceView {
    manifest: Json;
    /** Endpoints without a selector (the API server, kubelets) or undefined to select pods. */
    fixed?: Endpoint[];
}

function services(cluster: Cluster): ServiceView[] {
    const list: ServiceView[] = ofKind(cluster.objects, "Service").map((s) => ({ manifest: s.manifest }));
    const { apiServer, apiServerPort, node } = cluster.around;
    // Services the cluster and the operator maintain: the API server's, and the kubelets' (--kubelet-service).
    list.push({
        manifest: {
            metadata: { name: "kubernetes", namespace: "default", labels: { component: "apiserver", provider: "kubernetes" } },
            spec: { ports: [{ name: "https", port: 443, targetPort: apiServerPort }] },
        },
        fixed: [apiServer],
    });
    for (const deployment of ofKind(cluster.objects, "Deployment")) {
        for (const container of (deployment.manifest.spec?.template?.spec?.containers ?? []) as Json[]) {
            const arg = ((container.args ?? []) as string[]).find((a) => a.startsWith("--kubelet-service="));
            if (!arg) continue;
            const [namespace, name] = arg.slice("--kubelet-service=".length).split("/");
            list.push({
                manifest: {
                    metadata: {
                        name,
                        namespace,
                        labels: {
                            "k8s-app": "kubelet",
                            "app.kubernetes.io/name": "kubelet",
                            "app.kubernetes.io/managed-by": "prometheus-operator",
                        },
                    },
                    spec: {
                        ports: [
                            { name: "https-metrics", port: 10250 },
                            { name: "http-metrics", port: 10255 },
                            { name: "cadvisor", port: 4194 },
                        ],
                    },
                },
                fixed: [node],
            });
        }
    }
    return list;
}

/** A Service port's endpoints: each selected pod on the resolved target port (a name resolves per pod). */
function endpointsOf(cluster: Cluster, service: ServiceView, servicePort: Json): { to: Endpoint; port: number; protocol: Protocol }[] {
    const protocol: Protocol = servicePort.protocol === "UDP" ? "UDP" : "TCP";
    const target = servicePort.targetPort ?? servicePort.port;
    if (service.fixed)
        return service.fixed.map((to) => ({ to, port: Number(typeof target === "number" ? target : servicePort.port), protocol }));
    const selector = service.manifest.spec?.selector as Record<string, string> | undefined;
    if (!selector || Object.keys(selector).length === 0) return [];
    return cluster.pods
        .filter((p) => p.namespace === service.manifest.metadata.namespace && selectorMatches({ matchLabels: selector }, p.labels))
        .flatMap((to) => {
            if (typeof target === "number") return [{ to, port: target, protocol }];
            const named = (to.ports ?? []).find((p) => p.name === target && (p.protocol ?? "TCP") === protocol);
            return named ? [{ to, port: named.containerPort, protocol }] : [];
        });
}

function serviceByName(all: ServiceView[], namespace: string, name: string): ServiceView | undefined {
    return all.find((s) => s.manifest.metadata.namespace === namespace && s.manifest.metadata.name === name);
}

// ---------------------------------------------------------------- the flows each component needs

/** The operator's namespace selector semantics: unset = the resource's own namespace, {} = every namespace. */
function namespacesSelected(cluster: Cluster, selector: Json | undefined | null, own: string): string[] {
    const all = Object.keys(cluster.view.namespaces);
    if (selector === undefined || selector === null) return [own];
    return all.filter((ns) => selectorMatches(selector, { ...cluster.view.namespaces[ns], "kubernetes.io/metadata.name": ns }));
}

/** A monitor's own namespaceSelector: any, matchNames, or (unset) its own namespace. */
function monitorNamespaces(cluster: Cluster, monitor: Json): string[] {
    const selector = monitor.spec?.namespaceSelector ?? {};
    if (selector.any === true) return Object.keys(cluster.view.namespaces);
    if (Array.isArray(selector.matchNames) && selector.matchNames.length > 0) return selector.matchNames;
    return [monitor.metadata.namespace];
}

const sanitize = (name: string) => name.replace(/[^a-zA-Z0-9_]/g, "_");

/** Prometheus's relabelling, for the actions that decide whether a target exists and at which address. */
function relabel(labels: Record<string, string>, rules: Json[]): Record<string, string> | undefined {
    let current = { ...labels };
    for (const rule of rules) {
        const action = String(rule.action ?? "replace").toLowerCase();
        const value = ((rule.sourceLabels ?? []) as string[]).map((l) => current[l] ?? "").join(rule.separator ?? ";");
        const regex = new RegExp(`^(?:${rule.regex ?? "(.*)"})$`);
        if (action === "keep" && !regex.test(value)) return undefined;
        if (action === "drop" && regex.test(value)) return undefined;
        if (action === "replace" && rule.targetLabel) {
            const match = regex.exec(value);
            if (match) {
                const replaced = String(rule.replacement ?? "$1").replace(/\$\{?(\d+)\}?/g, (_, i) => match[Number(i)] ?? "");
                current = { ...current, [rule.targetLabel]: replaced };
            }
        }
    }
    return current;
}

function portOfAddress(address: string): number | undefined {
    const match = /:(\d+)$/.exec(address);
    return match ? Number(match[1]) : undefined;
}

/** Pod-role discovery: one target per declared container port, one without a port for a container with none. */
function podTargets(pod: Endpoint, endpoint: Json): number[] {
    const meta = (container: string, port?: ContainerPort): Record<string, string> => {
        const labels: Record<string, string> = {
            __address__: port ? `${pod.ip}:${port.containerPort}` : pod.ip,
            __meta_kubernetes_namespace: pod.namespace ?? "",
            __meta_kubernetes_pod_ip: pod.ip,
            __meta_kubernetes_pod_name: pod.id,
            __meta_kubernetes_pod_container_name: container,
            __meta_kubernetes_pod_container_port_name: port?.name ?? "",
            __meta_kubernetes_pod_container_port_number: port ? String(port.containerPort) : "",
        };
        for (const [k, v] of Object.entries(pod.annotations)) {
            labels[`__meta_kubernetes_pod_annotation_${sanitize(k)}`] = v;
            labels[`__meta_kubernetes_pod_annotationpresent_${sanitize(k)}`] = "true";
        }
        for (const [k, v] of Object.entries(pod.labels)) {
            labels[`__meta_kubernetes_pod_label_${sanitize(k)}`] = v;
            labels[`__meta_kubernetes_pod_labelpresent_${sanitize(k)}`] = "true";
        }
        return labels;
    };
    // The operator's own relabelling first: the endpoint's port, by name or number.
    const own: Json[] = [];
    if (endpoint.port !== undefined)
        own.push({ action: "keep", sourceLabels: ["__meta_kubernetes_pod_container_port_name"], regex: String(endpoint.port) });
    if (endpoint.portNumber !== undefined)
        own.push({ action: "keep", sourceLabels: ["__meta_kubernetes_pod_container_port_number"], regex: String(endpoint.portNumber) });
    if (endpoint.targetPort !== undefined) {
        own.push({
            action: "keep",
            sourceLabels: [
                typeof endpoint.targetPort === "number"
                    ? "__meta_kubernetes_pod_container_port_number"
                    : "__meta_kubernetes_pod_container_port_name",
            ],
            regex: String(endpoint.targetPort),
        });
    }
    const ports = new Set<number>();
    for (const container of pod.containers) {
        const candidates = container.ports.length > 0 ? container.ports.map((p) => meta(container.name, p)) : [meta(container.name)];
        for (const labels of candidates) {
            const result = relabel(labels, [...own, ...((endpoint.relabelings ?? []) as Json[])]);
            const port = result && portOfAddress(result.__address__ ?? "");
            if (port !== undefined) ports.add(port);
        }
    }
    return [...ports];
}

function prometheusFlows(cluster: Cluster, all: ServiceView[]): Flow[] {
    const flows: Flow[] = [];
    for (const source of ofKind(cluster.objects, "Prometheus")) {
        const prometheus = source.manifest;
        const pod = cluster.operated.get(idOf(prometheus));
        if (!pod) continue;
        const own = prometheus.metadata.namespace as string;
        const selected = (kind: string, selectorKey: string, namespaceKey: string) => {
            const selector = prometheus.spec?.[selectorKey];
            if (selector === undefined || selector === null) return [];
            const namespaces = namespacesSelected(cluster, prometheus.spec?.[namespaceKey], own);
            return ofKind(cluster.objects, kind).filter(
                (m) => namespaces.includes(m.manifest.metadata.namespace) && selectorMatches(selector, labelsOf(m.manifest)),
            );
        };
        for (const monitor of selected("ServiceMonitor", "serviceMonitorSelector", "serviceMonitorNamespaceSelector")) {
            const why = `Prometheus scrape (ServiceMonitor ${idOf(monitor.manifest)})`;
            const namespaces = monitorNamespaces(cluster, monitor.manifest);
            const targets = all.filter(
                (s) =>
                    namespaces.includes(s.manifest.metadata.namespace) &&
                    selectorMatches(monitor.manifest.spec?.selector ?? {}, labelsOf(s.manifest)),
            );
            for (const service of targets) {
                for (const endpoint of (monitor.manifest.spec?.endpoints ?? []) as Json[]) {
                    const ports = ((service.manifest.spec?.ports ?? []) as Json[]).filter((p) =>
                        endpoint.port !== undefined
                            ? p.name === endpoint.port
                            : endpoint.targetPort !== undefined
                              ? (p.targetPort ?? p.port) === endpoint.targetPort
                              : true,
                    );
                    for (const port of ports) {
                        for (const target of endpointsOf(cluster, service, port)) flows.push({ from: pod, ...target, why });
                    }
                }
            }
        }
        for (const monitor of selected("PodMonitor", "podMonitorSelector", "podMonitorNamespaceSelector")) {
            const why = `Prometheus scrape (PodMonitor ${idOf(monitor.manifest)})`;
            const namespaces = monitorNamespaces(cluster, monitor.manifest);
            const targets = cluster.pods.filter(
                (p) =>
                    p.namespace !== undefined &&
                    namespaces.includes(p.namespace) &&
                    selectorMatches(monitor.manifest.spec?.selector ?? {}, p.labels),
            );
            for (const target of targets) {
                for (const endpoint of (monitor.manifest.spec?.podMetricsEndpoints ?? []) as Json[]) {
                    for (const port of podTargets(target, endpoint)) flows.push({ from: pod, to: target, port, protocol: "TCP", why });
                }
            }
        }
        for (const alertmanager of (prometheus.spec?.alerting?.alertmanagers ?? []) as Json[]) {
            const service = serviceByName(all, alertmanager.namespace ?? own, alertmanager.name);
            if (!service) continue;
            for (const port of ((service.manifest.spec?.ports ?? []) as Json[]).filter(
                (p) => p.name === alertmanager.port || p.port === alertmanager.port,
            )) {
                for (const target of endpointsOf(cluster, service, port))
                    flows.push({ from: pod, ...target, why: `alerts to Alertmanager (Prometheus ${idOf(prometheus)})` });
            }
        }
    }
    return flows;
}

function webhookFlows(cluster: Cluster, all: ServiceView[]): Flow[] {
    const flows: Flow[] = [];
    for (const source of ofKind(cluster.objects, "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration")) {
        for (const webhook of (source.manifest.webhooks ?? []) as Json[]) {
            const ref = webhook.clientConfig?.service;
            if (!ref) continue;
            const service = serviceByName(all, ref.namespace, ref.name);
            const servicePort = ((service?.manifest.spec?.ports ?? []) as Json[]).find((p) => p.port === (ref.port ?? 443));
            const why = `API server calls webhook ${webhook.name} (${source.manifest.kind} ${source.manifest.metadata.name})`;
            if (!service || !servicePort) {
                flows.push({
                    from: cluster.around.apiServer,
                    to: unresolved(`Service ${ref.namespace}/${ref.name}:${ref.port ?? 443}`),
                    port: ref.port ?? 443,
                    protocol: "TCP",
                    why,
                });
                continue;
            }
            for (const target of endpointsOf(cluster, service, servicePort)) flows.push({ from: cluster.around.apiServer, ...target, why });
        }
    }
    return flows;
}

/** A destination the objects name but do not provide: always a finding. */
function unresolved(what: string): Endpoint {
    return {
        id: `${what} (no such object)`,
        namespace: "",
        labels: {},
        ip: "0.0.0.0",
        annotations: {},
        containers: [],
        meshed: false,
        origin: "missing",
    };
}

function meshFlows(cluster: Cluster, all: ServiceView[]): Flow[] {
    const ref = cluster.injector?.clientConfig?.service;
    if (!ref) return [];
    const service = serviceByName(all, ref.namespace, ref.name);
    const xds = ((service?.manifest.spec?.ports ?? []) as Json[]).find((p) => p.port === ISTIOD_XDS_PORT);
    if (!service || !xds) return [];
    const istiod = endpointsOf(cluster, service, xds);
    return cluster.pods
        .filter((p) => p.meshed)
        .flatMap((from) =>
            istiod.map((target) => ({ from, ...target, why: "sidecar or gateway fetches its configuration and certificate from istiod" })),
        );
}

function dnsFlows(cluster: Cluster): Flow[] {
    const dns = cluster.pods.filter((p) => p.namespace === "kube-system" && p.labels["k8s-app"] === "kube-dns");
    return cluster.pods
        .filter((p) => !p.hostNetwork && !dns.includes(p))
        .flatMap((from) =>
            dns.flatMap((to) => (["UDP", "TCP"] as const).map((protocol) => ({ from, to, port: 53, protocol, why: "name resolution" }))),
        );
}

/** Service accounts that a binding grants API access (a ClusterRoleBinding, or a RoleBinding the pod mounts a token for). */
function apiServerFlows(cluster: Cluster): Flow[] {
    const subjects = (kind: string) =>
        new Set(
            ofKind(cluster.objects, kind).flatMap((b) =>
                ((b.manifest.subjects ?? []) as Json[])
                    .filter((s) => s.kind === "ServiceAccount")
                    .map((s) => `${s.namespace ?? b.manifest.metadata.namespace}/${s.name}`),
            ),
        );
    const clusterWide = subjects("ClusterRoleBinding");
    const namespaced = subjects("RoleBinding");
    const tokenless = new Set(
        ofKind(cluster.objects, "ServiceAccount")
            .filter((a) => a.manifest.automountServiceAccountToken === false)
            .map((a) => idOf(a.manifest)),
    );
    return cluster.pods
        .filter((p) => p.namespace && p.serviceAccount)
        .filter((p) => {
            const account = `${p.namespace}/${p.serviceAccount}`;
            if (p.automountToken === false || (p.automountToken === undefined && tokenless.has(account))) return false;
            return clusterWide.has(account) || (namespaced.has(account) && p.automountToken === true);
        })
        .map((from) => ({
            from,
            to: cluster.around.apiServer,
            port: cluster.around.apiServerPort,
            protocol: "TCP" as const,
            why: `service account ${from.serviceAccount} is bound to API permissions`,
        }));
}

/** Pods with an AWS role: Pod Identity's agent for credentials (or STS with IRSA), then the AWS APIs, over 443. */
function awsFlows(cluster: Cluster, program: RenderedStack): Flow[] {
    const associations = new Set(
        program.resources
            .filter((r) => r.type === "aws:eks/podIdentityAssociation:PodIdentityAssociation")
            .map((r) => `${String(r.inputs.namespace)}/${String(r.inputs.serviceAccount)}`),
    );
    const irsa = new Set(
        ofKind(cluster.objects, "ServiceAccount")
            .filter((a) => a.manifest.metadata.annotations?.["eks.amazonaws.com/role-arn"])
            .map((a) => idOf(a.manifest)),
    );
    const outside = (id: string, ip: string): Endpoint => ({
        id,
        labels: {},
        ip,
        annotations: {},
        containers: [],
        meshed: false,
        origin: "AWS",
    });
    const flows: Flow[] = [];
    for (const pod of cluster.pods) {
        const account = `${pod.namespace}/${pod.serviceAccount}`;
        if (associations.has(account)) {
            for (const ip of POD_IDENTITY_AGENT) {
                flows.push({
                    from: pod,
                    to: outside(`EKS Pod Identity agent ${ip}`, ip),
                    port: POD_IDENTITY_PORT,
                    protocol: "TCP",
                    why: `credentials for ${account} (PodIdentityAssociation)`,
                });
            }
        }
        if (associations.has(account) || irsa.has(account)) {
            flows.push({
                from: pod,
                to: outside("AWS APIs (KMS, S3, STS, Secrets Manager)", AWS_API),
                port: 443,
                protocol: "TCP",
                why: `AWS role of ${account}`,
            });
        }
    }
    return flows;
}

/** The load balancer's clients (the Service's source ranges, else the VPC or the internet) and the nodes it forwards through. */
function loadBalancerFlows(cluster: Cluster, all: ServiceView[]): Flow[] {
    const flows: Flow[] = [];
    for (const service of all.filter((s) => s.manifest.spec?.type === "LoadBalancer")) {
        const ranges = (service.manifest.spec?.loadBalancerSourceRanges ?? []) as string[];
        const internal = service.manifest.metadata.annotations?.["service.beta.kubernetes.io/aws-load-balancer-internal"] === "true";
        const clients =
            ranges.length > 0
                ? ranges.map((cidr) => ({
                      ...cluster.around.lbClient,
                      id: `load balancer client in ${cidr}`,
                      ip: ipaddr.parseCIDR(cidr)[0].toString(),
                  }))
                : [
                      internal || !cluster.around.eks
                          ? cluster.around.lbClient
                          : { ...cluster.around.lbClient, id: "load balancer client on the internet", ip: INTERNET },
                  ];
        // With externalTrafficPolicy Cluster the node forwards (and masquerades) what the load balancer sends.
        const sources = [...clients, cluster.around.node];
        for (const port of (service.manifest.spec?.ports ?? []) as Json[]) {
            for (const target of endpointsOf(cluster, service, port)) {
                for (const from of sources)
                    flows.push({
                        from,
                        ...target,
                        why: `load balancer of Service ${idOf(service.manifest)}, port ${port.name ?? port.port}`,
                    });
            }
        }
    }
    return flows;
}

/** Gateways route to what their VirtualServices name: Services in the cluster, or external hosts (ServiceEntries). */
function gatewayRouteFlows(cluster: Cluster, all: ServiceView[]): Flow[] {
    const flows: Flow[] = [];
    const entries = ofKind(cluster.objects, "ServiceEntry");
    for (const gateway of ofKind(cluster.objects, "Gateway").filter((g) => g.manifest.apiVersion?.startsWith("networking.istio.io/"))) {
        const g = gateway.manifest;
        const gatewayPods = cluster.pods.filter(
            (p) => Object.keys(g.spec?.selector ?? {}).length > 0 && selectorMatches({ matchLabels: g.spec.selector }, p.labels),
        );
        const bound = ofKind(cluster.objects, "VirtualService").filter((v) =>
            ((v.manifest.spec?.gateways ?? []) as string[]).some(
                (ref) =>
                    ref === idOf(g).replace(/^\//, "") ||
                    (ref === g.metadata.name && v.manifest.metadata.namespace === g.metadata.namespace),
            ),
        );
        for (const vs of bound) {
            const gatewayRefs = new Set([g.metadata.name, `${g.metadata.namespace}/${g.metadata.name}`]);
            const routes = ["http", "tcp", "tls"]
                .flatMap((k) => (vs.manifest.spec?.[k] ?? []) as Json[])
                .filter(
                    (r) =>
                        !r.match ||
                        (r.match as Json[]).some((m) => !m.gateways || (m.gateways as string[]).some((x) => gatewayRefs.has(x))),
                );
            for (const destination of routes.flatMap((r) => (r.route ?? []) as Json[]).map((r) => r.destination)) {
                const host = String(destination?.host ?? "");
                const [name, namespace = vs.manifest.metadata.namespace] = host.replace(/\.svc\.cluster\.local$/, "").split(".");
                const service = serviceByName(all, namespace, name!);
                const why = `Gateway ${idOf(g)} routes to ${host} (VirtualService ${idOf(vs.manifest)})`;
                // A declared service's own Service is the team's (docs/mesh.md): its pods listen on the declared port.
                const declared = cluster.pods.filter((p) => p.id === `service ${namespace}/${name}`);
                if (service) {
                    const ports = ((service.manifest.spec?.ports ?? []) as Json[]).filter(
                        (p) => destination.port?.number === undefined || p.port === destination.port.number,
                    );
                    for (const port of ports)
                        for (const from of gatewayPods)
                            for (const target of endpointsOf(cluster, service, port)) flows.push({ from, ...target, why });
                } else if (declared.length > 0 && destination.port?.number !== undefined) {
                    for (const from of gatewayPods)
                        for (const to of declared) flows.push({ from, to, port: Number(destination.port.number), protocol: "TCP", why });
                } else if (
                    entries.some(
                        (e) => ((e.manifest.spec?.hosts ?? []) as string[]).includes(host) && e.manifest.spec?.location === "MESH_EXTERNAL",
                    )
                ) {
                    const external: Endpoint = {
                        id: `external host ${host}`,
                        labels: {},
                        ip: INTERNET,
                        annotations: {},
                        containers: [],
                        meshed: false,
                        origin: "ServiceEntry",
                    };
                    for (const from of gatewayPods)
                        flows.push({ from, to: external, port: Number(destination.port?.number ?? 443), protocol: "TCP", why });
                } else {
                    for (const from of gatewayPods)
                        flows.push({
                            from,
                            to: unresolved(`host ${host}`),
                            port: Number(destination.port?.number ?? 0),
                            protocol: "TCP",
                            why,
                        });
                }
            }
        }
    }
    return flows;
}

/** Every flow some component needs, deduplicated (the first reason is kept). */
export function neededFlows(rendering: ChartRendering): Flow[] {
    return dedupe(flowsOf(buildCluster(rendering), rendering));
}

function flowsOf(cluster: Cluster, rendering: ChartRendering): Flow[] {
    const all = services(cluster);
    return [
        ...dnsFlows(cluster),
        ...meshFlows(cluster, all),
        ...webhookFlows(cluster, all),
        ...prometheusFlows(cluster, all),
        ...awsFlows(cluster, rendering.program),
        ...apiServerFlows(cluster),
        ...loadBalancerFlows(cluster, all),
        ...gatewayRouteFlows(cluster, all),
    ];
}

const flowKey = (f: Pick<Flow, "from" | "to" | "port" | "protocol">) => `${f.from.id} -> ${f.to.id}:${f.port}/${f.protocol}`;

function dedupe(flows: Flow[]): Flow[] {
    const seen = new Map<string, Flow>();
    for (const flow of flows) if (!seen.has(flowKey(flow))) seen.set(flowKey(flow), flow);
    return [...seen.values()];
}

// ---------------------------------------------------------------- flows nobody needs

/** Connections that no component needs and that would expose a control surface: they must stay denied. */
export function forbiddenFlows(rendering: ChartRendering): Flow[] {
    return forbiddenOf(buildCluster(rendering));
}

/**
 * A gateway reaches what its routes name and no other application pod: every application pod (declared
 * services and any other pod of their namespaces) on every port some gateway route uses, unless routed there.
 */
function unroutedFlows(cluster: Cluster): Flow[] {
    const routes = gatewayRouteFlows(cluster, services(cluster)).filter(
        (f) => f.to.namespace && cluster.applicationNamespaces.includes(f.to.namespace),
    );
    const routed = new Set(routes.map(flowKey));
    const gateways = [...new Map(routes.map((f) => [f.from.id, f.from])).values()];
    const ports = [...new Set(routes.map((f) => f.port))];
    const targets = cluster.pods.filter((p) => p.namespace && cluster.applicationNamespaces.includes(p.namespace));
    const flows: Flow[] = [];
    for (const from of gateways)
        for (const to of targets)
            for (const port of ports) {
                const flow: Flow = {
                    from,
                    to,
                    port,
                    protocol: "TCP",
                    why: "a gateway reaches only the services and ports its routes name",
                };
                if (!routed.has(flowKey(flow))) flows.push(flow);
            }
    return flows;
}

function forbiddenOf(cluster: Cluster): Flow[] {
    const strangers = cluster.pods.filter((p) => p.origin === "application namespace" || p.namespace === "unmanaged");
    const unmanaged = strangers.filter((p) => p.namespace === "unmanaged");
    const istiodService = cluster.injector?.clientConfig?.service;
    const istiod = cluster.pods.filter(
        (p) => istiodService && p.namespace === istiodService.namespace && (p.ports ?? []).some((c) => c.containerPort === ISTIOD_XDS_PORT),
    );
    const vault = cluster.pods.filter((p) => p.labels["app.kubernetes.io/name"] === "vault" && p.labels.component === "server");
    const monitoring = [...cluster.operated.values()];
    const gateways = cluster.pods.filter(
        (p) => p.meshed && p.containers.some((c) => c.name === "istio-proxy") && p.origin.startsWith("release") && p.labels.istio,
    );
    const flows: Flow[] = [];
    const deny = (from: Endpoint[], to: Endpoint[], ports: number[], why: string) => {
        for (const f of from) for (const t of to) for (const port of ports) flows.push({ from: f, to: t, port, protocol: "TCP", why });
    };
    deny(strangers, istiod, [15010], "istiod's plaintext xDS serves configuration without authentication");
    deny(unmanaged, istiod, [ISTIOD_XDS_PORT], "only meshed pods and gateways fetch configuration and certificates");
    deny(unmanaged, vault, [8200, 8201], "Vault's API and Raft ports serve the platform's namespaces only");
    deny(
        strangers.filter((p) => p.namespace !== "unmanaged"),
        vault,
        [8201],
        "Raft and request forwarding are for the Vault servers only",
    );
    for (const target of monitoring) {
        const web = (target.ports ?? []).filter((c) => c.containerPort === 9090 || c.containerPort === 9093).map((c) => c.containerPort);
        deny(
            [...strangers, ...gateways],
            [target],
            web,
            "Prometheus's and Alertmanager's HTTP APIs (queries, admin, silences) are not for other namespaces",
        );
    }
    flows.push(...unroutedFlows(cluster));
    return dedupe(flows);
}

// ---------------------------------------------------------------- default deny

function deniesByDefault(policies: Json[], namespace: string, direction: "Ingress" | "Egress"): boolean {
    const key = direction === "Ingress" ? "ingress" : "egress";
    return policies.some(
        (p) =>
            p.metadata.namespace === namespace &&
            Object.keys(p.spec?.podSelector?.matchLabels ?? {}).length === 0 &&
            (p.spec?.podSelector?.matchExpressions ?? []).length === 0 &&
            (p.spec?.policyTypes ?? ["Ingress"]).includes(direction) &&
            (p.spec?.[key] ?? []).length === 0,
    );
}

// ---------------------------------------------------------------- the check

function describe(f: Flow): string {
    return `${f.from.id} -> ${f.to.id}:${f.port}/${f.protocol}`;
}

export function checkFlows(rendering: ChartRendering): CheckResult {
    const cluster = buildCluster(rendering);
    const policies = cluster.objects
        .filter((o) => o.manifest.kind === "NetworkPolicy" && o.manifest.apiVersion === "networking.k8s.io/v1")
        .map((o) => o.manifest);
    const findings: Finding[] = [];
    const sides = (f: Flow) =>
        (["Egress", "Ingress"] as const).filter(
            (side) => !networkSideAllows(policies, { from: f.from, to: f.to, port: f.port, protocol: f.protocol }, cluster.view, side),
        );

    const needed = dedupe(flowsOf(cluster, rendering));
    for (const flow of needed) {
        if (flow.to.origin === "missing") {
            findings.push({ check: "flows", subject: describe(flow), message: `needed (${flow.why}) but its destination does not exist` });
            continue;
        }
        const denied = sides(flow);
        if (denied.length > 0)
            findings.push({
                check: "flows",
                subject: describe(flow),
                message: `needed (${flow.why}) but denied by ${denied.map((s) => (s === "Egress" ? `${flow.from.namespace}'s egress` : `${flow.to.namespace}'s ingress`)).join(" and ")} policies`,
            });
    }
    const forbidden = forbiddenOf(cluster);
    for (const flow of forbidden) {
        if (sides(flow).length === 0)
            findings.push({ check: "flows", subject: describe(flow), message: `open, but nobody needs it: ${flow.why}` });
    }
    for (const namespace of cluster.platformNamespaces) {
        const missing = (["Ingress", "Egress"] as const).filter((d) => !deniesByDefault(policies, namespace, d));
        if (missing.length > 0)
            findings.push({
                check: "flows",
                subject: `Namespace ${namespace}`,
                message: `no default-deny NetworkPolicy for ${missing.join(" and ").toLowerCase()}`,
            });
    }
    return { check: "flows", judged: needed.length + forbidden.length + cluster.platformNamespaces.length, findings };
}
