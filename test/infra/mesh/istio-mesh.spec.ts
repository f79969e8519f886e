import { strict as assert } from "node:assert";
import { readStackFile } from "../../../tools/render/stack-file";
import type { RenderedResource, RenderedStack } from "../../../tools/render/render";
import { validateManifest } from "../../helpers/schemas";
import { kubernetesObjects, ofType, rendered, renderWith, STACKS } from "../../helpers/stacks";

type Json = Record<string, any>;

const RELEASE = "kubernetes:helm.sh/v3:Release";
const release = (stack: RenderedStack, name: string): RenderedResource => {
    const found = ofType(stack, RELEASE).find((r) => r.inputs.name === name);
    assert.ok(found, `release ${name} in ${stack.stack}`);
    return found;
};
const values = (stack: RenderedStack, name: string): Json => release(stack, name).inputs.values as Json;
const istioObjects = (stack: RenderedStack) => kubernetesObjects(stack).filter((o) => String(o.manifest.apiVersion).includes(".istio.io/"));
const ofKind = (stack: RenderedStack, kind: string) =>
    kubernetesObjects(stack)
        .filter((o) => o.manifest.kind === kind)
        .map((o) => o.manifest as Json);
const meshConfig = (stack: string): Json => JSON.parse(readStackFile(stack).config["secure-platform:mesh"] ?? "{}");
const REPLICAS: Record<string, number> = { local: 1, dev: 1, staging: 2, prod: 3 };

describe("Istio mesh", () => {
    for (const stack of STACKS) {
        describe(`stack ${stack}`, () => {
            let s: RenderedStack;
            before(async () => {
                s = await rendered(stack);
            });

            it("validates every Istio object against Istio's published CRD schemas", async () => {
                const objects = istioObjects(s);
                assert.ok(objects.length >= 5);
                for (const { resource, manifest } of objects) {
                    assert.equal(await validateManifest(manifest), "validated", `${resource.type} ${resource.name}`);
                }
            });

            it("installs base, istiod, cni and both gateways at one pinned version from Istio's repository", () => {
                const version = meshConfig(stack).version ?? "1.29.2";
                const charts: Record<string, Json> = Object.fromEntries(
                    ofType(s, RELEASE)
                        .filter((r) => String(r.inputs.name).startsWith("istio"))
                        .map((r) => [r.inputs.name, r.inputs]),
                );
                assert.deepEqual(Object.keys(charts).sort(), [
                    "istio-base",
                    "istio-cni",
                    "istio-egressgateway",
                    "istio-ingressgateway",
                    "istiod",
                ]);
                assert.deepEqual(Object.fromEntries(Object.entries(charts).map(([n, r]) => [n, r.chart])), {
                    "istio-base": "base",
                    istiod: "istiod",
                    "istio-cni": "cni",
                    "istio-ingressgateway": "gateway",
                    "istio-egressgateway": "gateway",
                });
                for (const r of Object.values(charts)) {
                    assert.equal(r.version, version);
                    assert.equal(r.repositoryOpts.repo, "https://istio-release.storage.googleapis.com/charts");
                    assert.equal(r.atomic, true);
                }
            });

            it("orders the releases as Istio needs: CRDs, then istiod, then CNI and gateways", () => {
                const base = release(s, "istio-base");
                const istiod = release(s, "istiod");
                assert.ok(istiod.dependsOn.includes(base.urn));
                for (const name of ["istio-cni", "istio-ingressgateway", "istio-egressgateway"])
                    assert.ok(release(s, name).dependsOn.includes(istiod.urn), name);
                for (const { resource } of istioObjects(s))
                    assert.ok(resource.dependsOn.includes(istiod.urn), `${resource.name} waits for istiod's validation webhook`);
            });

            it("creates every namespaced object after its namespace", () => {
                const byUrn = new Map(s.resources.map((r) => [r.urn, r]));
                const after = (resource: RenderedResource, seen = new Set<string>()): Set<string> => {
                    for (const urn of resource.dependsOn) {
                        if (seen.has(urn)) continue;
                        seen.add(urn);
                        // Reads of existing objects (Resource.get) are dependencies but not registrations.
                        const dependency = byUrn.get(urn);
                        if (dependency) after(dependency, seen);
                    }
                    return seen;
                };
                const namespaces = new Map(
                    s.resources
                        .filter((r) => r.type === "kubernetes:core/v1:Namespace")
                        .map((r) => [(r.inputs.metadata as Json).name, r.urn]),
                );
                for (const { resource, manifest } of kubernetesObjects(s)) {
                    const ns = (manifest.metadata as Json)?.namespace;
                    if (ns && namespaces.has(ns))
                        assert.ok(after(resource).has(namespaces.get(ns)!), `${resource.name} waits for namespace ${ns}`);
                }
            });

            it("sets the security-relevant istiod values explicitly", () => {
                const v = values(s, "istiod");
                assert.equal(v.pilot.cni.enabled, true, "pilot.cni.enabled removes istio-init (no NET_ADMIN/NET_RAW in app pods)");
                assert.equal(v.meshConfig.outboundTrafficPolicy.mode, "REGISTRY_ONLY");
                assert.equal(
                    v.meshConfig.pathNormalization.normalization,
                    meshConfig(stack).pathNormalization ?? "DECODE_AND_MERGE_SLASHES",
                );
                assert.equal(v.meshConfig.defaultConfig.proxyMetadata.SECRET_TTL, meshConfig(stack).workloadCertTtl ?? "24h");
                assert.match(v.pilot.env.MAX_WORKLOAD_CERT_TTL, /^[0-9]+h$/);
                assert.equal(
                    v.pilot.env.ENABLE_NATIVE_SIDECARS,
                    "true",
                    "the proxy starts before init containers such as the Vault agent's",
                );
                assert.deepEqual(v.pilot.seccompProfile, { type: "RuntimeDefault" });
                assert.ok(v.pilot.resources.limits.cpu && v.pilot.resources.limits.memory);
                assert.equal(v.pilot.replicaCount, REPLICAS[stack]);
                assert.equal(v.global.defaultPodDisruptionBudget.enabled, REPLICAS[stack]! > 1);
                assert.equal(values(s, "istio-base").global.istioNamespace, v.meshConfig.rootNamespace);
                assert.equal(v.global.proxy.privileged, false);
                assert.ok(v.global.proxy.resources.limits.cpu, "sidecars fit the namespace quota and LimitRange");
            });

            it("runs the gateways non-root under RuntimeDefault seccomp, with replicas and disruption budgets for the environment", () => {
                for (const name of ["istio-ingressgateway", "istio-egressgateway"]) {
                    const v = values(s, name);
                    assert.equal(v.securityContext.runAsNonRoot, true);
                    assert.deepEqual(v.securityContext.seccompProfile, { type: "RuntimeDefault" });
                    assert.deepEqual(v.containerSecurityContext.capabilities, { drop: ["ALL"] });
                    assert.equal(v.containerSecurityContext.allowPrivilegeEscalation, false);
                    assert.equal(v.replicaCount, REPLICAS[stack]);
                    assert.deepEqual(v.podDisruptionBudget, REPLICAS[stack]! > 1 ? { minAvailable: 1 } : {});
                    assert.ok(v.resources.limits.cpu && v.resources.limits.memory);
                }
                assert.equal(values(s, "istio-egressgateway").service.type, "ClusterIP");
                const cni = values(s, "istio-cni");
                assert.deepEqual(cni.seccompProfile, { type: "RuntimeDefault" });
                assert.deepEqual(cni.excludeNamespaces, ["istio-system", "istio-cni", "kube-system"]);
                assert.ok(cni.resources.limits.memory);
            });

            it("has one mesh-wide PeerAuthentication, STRICT, in the root namespace, and nothing weaker anywhere", () => {
                const root = s.outputs.meshRootNamespace;
                const all = ofKind(s, "PeerAuthentication");
                const meshWide = all.filter((p) => p.metadata.namespace === root && !p.spec.selector);
                assert.equal(meshWide.length, 1);
                assert.equal(meshWide[0]!.metadata.name, "default");
                assert.equal(meshWide[0]!.apiVersion, "security.istio.io/v1");
                for (const p of all) {
                    assert.equal(p.spec.mtls.mode, "STRICT", `${p.metadata.namespace}/${p.metadata.name}`);
                    for (const level of Object.values(p.spec.portLevelMtls ?? {}) as Json[]) assert.equal(level.mode, "STRICT");
                }
            });

            it("logs access mesh-wide through a Telemetry resource in the root namespace", () => {
                const [telemetry, ...others] = ofKind(s, "Telemetry");
                assert.equal(others.length, 0);
                assert.equal(telemetry!.metadata.namespace, s.outputs.meshRootNamespace);
                assert.equal(telemetry!.spec.selector, undefined);
                assert.deepEqual(telemetry!.spec.accessLogging, [{ providers: [{ name: "envoy" }] }]);
            });

            it("keeps istiod and the gateways restricted and gives the privileged CNI namespace a reason", () => {
                const namespaces = Object.fromEntries(ofKind(s, "Namespace").map((n) => [n.metadata.name, n]));
                for (const name of ["istio-system", "istio-ingress", "istio-egress"]) {
                    assert.equal(namespaces[name]!.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted", name);
                    assert.equal(
                        namespaces[name]!.metadata.labels["istio-injection"],
                        undefined,
                        `${name}: gateways are injected by pod label, not namespace`,
                    );
                }
                assert.equal(namespaces["istio-cni"]!.metadata.labels["pod-security.kubernetes.io/enforce"], "privileged");
                assert.match(namespaces["istio-cni"]!.metadata.annotations["secure-platform/pod-security-reason"], /hostPath/);
                for (const app of ["shop", "payments"]) {
                    assert.equal(namespaces[app]!.metadata.labels["istio-injection"], "enabled");
                    assert.equal(namespaces[app]!.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
                }
            });

            it("exports the mesh root namespace, the gateway addresses and every service's SPIFFE ID", () => {
                assert.equal(s.outputs.meshRootNamespace, "istio-system");
                assert.deepEqual(s.outputs.gatewayAddresses, {
                    ingress: "istio-ingressgateway.istio-ingress.svc.cluster.local",
                    egress: "istio-egressgateway.istio-egress.svc.cluster.local",
                });
                const services: Json[] = JSON.parse(readStackFile(stack).config["secure-platform:services"]!);
                assert.deepEqual(
                    s.outputs.serviceIdentities,
                    Object.fromEntries(
                        services.map((svc) => [
                            `${svc.namespace}/${svc.name}`,
                            `spiffe://cluster.local/ns/${svc.namespace}/sa/${svc.serviceAccount ?? svc.name}`,
                        ]),
                    ),
                );
            });
        });
    }

    it("puts the ingress gateway behind an internal NLB on EKS and a ClusterIP service on kind", async () => {
        const prod = values(await rendered("prod"), "istio-ingressgateway").service;
        assert.equal(prod.type, "LoadBalancer");
        assert.equal(prod.annotations["service.beta.kubernetes.io/aws-load-balancer-internal"], "true");
        assert.equal(values(await rendered("local"), "istio-ingressgateway").service.type, "ClusterIP");
    });

    it("renders PERMISSIVE in local only when insecureAllowPermissive is set", async () => {
        const mesh = { ...meshConfig("local"), insecureAllowPermissive: true };
        const local = await renderWith("local", { "secure-platform:mesh": JSON.stringify(mesh) });
        const [peer] = local.resources.filter((r) => r.inputs.kind === "PeerAuthentication");
        assert.equal((peer!.inputs.spec as Json).mtls.mode, "PERMISSIVE");
        await assert.rejects(
            renderWith("dev", { "secure-platform:mesh": JSON.stringify({ ...meshConfig("dev"), insecureAllowPermissive: true }) }),
            /secure-platform:mesh\.insecureAllowPermissive: accepts plain text in the mesh and is allowed in the local environment only/,
        );
    });
});
