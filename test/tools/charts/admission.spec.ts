import assert from "node:assert/strict";
import { meshImageRules, meshSchema } from "../../../infra/mesh/config";
import { istiodValues } from "../../../infra/mesh/values";
import { TRIVY_IMAGES } from "../../../infra/monitoring/values";
import { fromAllowedRegistry } from "../../../infra/admission/image-rules";
import { checkAdmission } from "../../../tools/charts/admission";
import { globMatches, injectSidecar, injectorSettings, resolveImage } from "../../../tools/charts/mutation";
import type { ChartRendering, Manifest } from "../../../tools/charts/types";
import type { RenderedResource } from "../../../tools/render/render";
import { packConfigFor } from "../../../tools/pack-config";
import { rendered, STACKS } from "../../helpers/stacks";

const DIGEST = `sha256:${"ab".repeat(32)}`;
const RELEASE = "kubernetes:helm.sh/v3:Release";

/** A rendering of the real program with a few chart objects shaped like the pinned charts render them. */
function withCharts(program: ChartRendering["program"], release: string, manifests: Manifest[], hooks: string[] = []): ChartRendering {
    const r = program.resources.find((x) => x.type === RELEASE && x.inputs.name === release)!;
    return {
        stack: program.stack,
        kubernetesVersion: "1.33",
        program,
        releases: [
            {
                urn: r.urn,
                name: release,
                namespace: String(r.inputs.namespace),
                chart: String(r.inputs.chart),
                version: String(r.inputs.version),
                repo: "",
                objects: manifests.map((manifest) => ({ manifest, source: "test", hooks, crd: false })),
            },
        ],
    };
}

const restricted = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: 1337,
    runAsGroup: 1337,
    capabilities: { drop: ["ALL"] },
};
function gatewayDeployment(namespace: string, image = "auto"): Manifest {
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "istio-ingressgateway", namespace },
        spec: {
            selector: { matchLabels: { app: "gw" } },
            template: {
                metadata: {
                    annotations: { "inject.istio.io/templates": "gateway", "sidecar.istio.io/inject": "true" },
                    labels: { app: "gw", "sidecar.istio.io/inject": "true" },
                },
                spec: {
                    securityContext: {
                        runAsNonRoot: true,
                        runAsUser: 1337,
                        runAsGroup: 1337,
                        fsGroup: 1337,
                        seccompProfile: { type: "RuntimeDefault" },
                        sysctls: [{ name: "net.ipv4.ip_unprivileged_port_start", value: "0" }],
                    },
                    containers: [{ name: "istio-proxy", image, securityContext: restricted }],
                },
            },
        },
    };
}
function deployment(namespace: string, name: string, image: string): Manifest {
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name, namespace },
        spec: {
            selector: { matchLabels: { app: name } },
            template: {
                metadata: { labels: { app: name } },
                spec: {
                    securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
                    containers: [{ name, image, securityContext: restricted }],
                },
            },
        },
    };
}
const only = (rendering: ChartRendering, subject: RegExp) => checkAdmission(rendering).findings.filter((f) => subject.test(f.subject));

describe("tools/charts: mutation", () => {
    const settings = injectorSettings(
        { pilot: { cni: { enabled: true }, env: { ENABLE_NATIVE_SIDECARS: "true" } }, global: { proxy: { privileged: false } } },
        "1.29.2",
    );
    it("takes the proxy image from istiod's values, the chart's defaults otherwise", () => {
        assert.equal(settings.proxyImage, "docker.io/istio/proxyv2:1.29.2");
        assert.equal(
            injectorSettings({ global: { hub: "registry.example.com/istio", tag: "1.29.2-distroless" } }, "1.29.2").proxyImage,
            "registry.example.com/istio/proxyv2:1.29.2-distroless",
        );
        assert.equal(
            injectorSettings({ global: { proxy: { image: `r.example.com/p@${DIGEST}` } } }, "1.29.2").proxyImage,
            `r.example.com/p@${DIGEST}`,
        );
    });
    it("injects a native sidecar and istio-validation (no istio-init with CNI), restricted", () => {
        const pod = injectSidecar({ metadata: {}, spec: { containers: [{ name: "app", image: "x:1" }] } }, settings);
        assert.deepEqual(
            pod.spec.initContainers.map((c: { name: string }) => c.name),
            ["istio-validation", "istio-proxy"],
        );
        assert.equal(pod.spec.initContainers[1].restartPolicy, "Always");
        assert.deepEqual(pod.spec.initContainers[1].securityContext.capabilities, { drop: ["ALL"] });
        assert.equal(pod.spec.initContainers[1].securityContext.runAsNonRoot, true);
        const noCni = injectSidecar({ metadata: {}, spec: { containers: [] } }, { ...settings, cni: false, nativeSidecars: false });
        assert.equal(noCni.spec.initContainers[0].name, "istio-init");
        assert.deepEqual(noCni.spec.initContainers[0].securityContext.capabilities.add, ["NET_ADMIN", "NET_RAW"]);
    });
    it("fills image: auto with the gateway template and keeps the pod's own securityContext", () => {
        const template = (gatewayDeployment("x").spec as { template: Record<string, unknown> }).template;
        const pod = injectSidecar(template, settings);
        assert.equal(pod.spec.containers[0].image, "docker.io/istio/proxyv2:1.29.2");
        assert.equal(pod.spec.containers[0].securityContext.allowPrivilegeEscalation, false);
        assert.equal(pod.spec.initContainers, undefined);
    });
    it("resolves tags as policy-controller does, in go-containerregistry's spelling", () => {
        assert.match(resolveImage("docker.io/istio/proxyv2:1.29.2"), /^index\.docker\.io\/istio\/proxyv2@sha256:[a-f0-9]{64}$/);
        assert.match(resolveImage("nginx:1"), /^index\.docker\.io\/library\/nginx@sha256:/);
        assert.equal(resolveImage(`ghcr.io/x/y:1@${DIGEST}`), `ghcr.io/x/y@${DIGEST}`);
        assert.equal(resolveImage("istio/proxyv2:1"), resolveImage("docker.io/istio/proxyv2:1"));
    });
    it("matches ClusterImagePolicy globs as policy-controller does", () => {
        assert.equal(globMatches("index.docker.io/istio/proxyv2*", `index.docker.io/istio/proxyv2@${DIGEST}`), true);
        assert.equal(globMatches("index.docker.io/istio/proxyv2*", `index.docker.io/istio/other@${DIGEST}`), false);
        assert.equal(globMatches("index.docker.io/istio/proxyv2*", "index.docker.io/istio/proxyv2/evil:1"), false);
        assert.equal(
            globMatches("777788889999.dkr.ecr.eu-west-1.amazonaws.com/**", `777788889999.dkr.ecr.eu-west-1.amazonaws.com/a/b@${DIGEST}`),
            true,
        );
        assert.equal(globMatches("*", "nginx:1"), true);
    });
});

describe("tools/charts: checkAdmission", () => {
    it("judges every program object and the pods their controllers create", async () => {
        const program = await rendered("dev");
        const result = checkAdmission({ stack: "dev", kubernetesVersion: "1.33", program, releases: [] });
        assert.equal(result.check, "admission");
        assert.ok(
            result.judged > program.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:") && r.type !== RELEASE).length,
        );
    });

    it("admits the gateway's image: auto and judges the Pod with the injected proxy", async () => {
        const program = await rendered("dev");
        assert.deepEqual(
            only(withCharts(program, "istio-ingressgateway", [gatewayDeployment("istio-ingress")]), /istio-ingressgateway/),
            [],
        );
        // The same Deployment outside the convention is refused, on the controller and on its pod.
        const plain = gatewayDeployment("istio-ingress");
        delete (plain.spec as any).template.metadata.annotations["inject.istio.io/templates"];
        (plain.spec as any).template.metadata.labels["sidecar.istio.io/inject"] = "false";
        const findings = only(withCharts(program, "istio-ingressgateway", [plain]), /istio-ingressgateway/);
        assert.ok(
            findings.some(
                (f) =>
                    /Deployment istio-ingress\/istio-ingressgateway \(release istio-ingressgateway\)/.test(f.subject) &&
                    /image auto of container istio-proxy/.test(f.message),
            ),
            JSON.stringify(findings),
        );
    });

    it("refuses trivy-operator's chart default registry, admits the override the values set", async () => {
        const program = await rendered("dev");
        const denied = only(
            withCharts(program, "trivy-operator", [
                deployment("trivy-system", "trivy-operator", "mirror.gcr.io/aquasec/trivy-operator:0.28.0"),
            ]),
            /trivy-operator/,
        );
        assert.ok(
            denied.some((f) =>
                /mirror\.gcr\.io\/aquasec\/trivy-operator:0\.28\.0 of container trivy-operator is not from an allowed registry/.test(
                    f.message,
                ),
            ),
        );
        const image = `${TRIVY_IMAGES.operator.registry}/${TRIVY_IMAGES.operator.repository}:0.28.0`;
        assert.deepEqual(
            only(withCharts(program, "trivy-operator", [deployment("trivy-system", "trivy-operator", image)]), /trivy-operator/),
            [],
        );
        const scan = `${TRIVY_IMAGES.trivy.registry}/${TRIVY_IMAGES.trivy.repository}:0.65.0`;
        assert.deepEqual(
            only(withCharts(program, "trivy-operator", [deployment("trivy-system", "scan-vulnerabilityreport", scan)]), /scan-/),
            [],
        );
    });

    for (const stack of STACKS) {
        it(`${stack}: the Trivy images the values set are from the stack's allowed registries`, () => {
            const { allowedRegistries } = packConfigFor(stack);
            for (const { registry, repository } of Object.values(TRIVY_IMAGES))
                assert.ok(
                    fromAllowedRegistry(`${registry}/${repository}:1.0.0`, allowedRegistries),
                    `${registry}/${repository} in ${stack}`,
                );
        });
    }

    it("judges hooks: policy-controller's leases-cleanup is refused with the chart's image and admitted, at baseline, with the tools image", async () => {
        const program = await rendered("prod");
        const job = (image: string): Manifest => ({
            apiVersion: "batch/v1",
            kind: "Job",
            metadata: { name: "leases-cleanup", namespace: "cosign-system", annotations: { "helm.sh/hook": "post-delete" } },
            spec: {
                template: {
                    metadata: { name: "leases-cleanup" },
                    spec: { restartPolicy: "OnFailure", containers: [{ name: "kubectl", image }] },
                },
            },
        });
        const chartDefault = only(
            withCharts(program, "policy-controller", [job("cgr.dev/chainguard/kubectl:latest-dev")], ["post-delete"]),
            /leases-cleanup/,
        );
        assert.ok(
            chartDefault.some((f) => /post-delete hook/.test(f.subject) && /cgr\.dev\/chainguard\/kubectl:latest-dev/.test(f.message)),
            JSON.stringify(chartDefault),
        );
        // The pod has no securityContext: cosign-system enforces baseline, which admits it; restricted would not.
        assert.deepEqual(
            chartDefault.filter((f) => /Pod Security/.test(f.message)),
            [],
        );
        const tools = "777788889999.dkr.ecr.eu-west-1.amazonaws.com/mirror/alpine/k8s:1.33.4";
        assert.deepEqual(only(withCharts(program, "policy-controller", [job(tools)], ["post-delete"]), /leases-cleanup/), []);
        const restricted = {
            ...program,
            resources: program.resources.map((r) =>
                r.inputs.kind === "Namespace" && (r.inputs.metadata as { name: string }).name === "cosign-system"
                    ? {
                          ...r,
                          inputs: {
                              ...r.inputs,
                              metadata: {
                                  ...(r.inputs.metadata as object),
                                  labels: {
                                      ...(r.inputs.metadata as { labels: object }).labels,
                                      "pod-security.kubernetes.io/enforce": "restricted",
                                  },
                              },
                          },
                      }
                    : r,
            ),
        };
        assert.ok(
            only(withCharts(restricted, "policy-controller", [job(tools)], ["post-delete"]), /leases-cleanup/).some((f) =>
                /Pod Security restricted/.test(f.message),
            ),
        );
    });

    it("refuses the injected proxy where no ClusterImagePolicy covers it, admits it with the policy the platform creates", async () => {
        const program = await rendered("prod");
        const probe = /service-pod-probe/;
        const isProxyPolicy = (r: RenderedResource) =>
            (r.inputs.metadata as { name?: string } | undefined)?.name === "platform-istio-proxy";
        const proxyPolicy = program.resources.filter(isProxyPolicy);
        assert.equal(proxyPolicy.length, 1, "the program creates the proxy's ClusterImagePolicy (AdmissionControl's platformImages)");
        const spec = proxyPolicy[0]!.inputs.spec as { images: unknown; authorities: unknown };
        assert.deepEqual(spec.images, [{ glob: "index.docker.io/istio/proxyv2*" }]);
        assert.deepEqual(spec.authorities, [{ name: "platform-image", static: { action: "pass" } }]);
        const before = only(
            {
                stack: "prod",
                kubernetesVersion: "1.33",
                program: { ...program, resources: program.resources.filter((r) => !isProxyPolicy(r)) },
                releases: [],
            },
            probe,
        );
        assert.ok(
            before.some(
                (f) =>
                    /^Pod shop\//.test(f.subject) &&
                    /proxyv2@sha256:[a-f0-9]{64} of container istio-proxy matches no policy/.test(f.message),
            ),
            JSON.stringify(before),
        );
        assert.deepEqual(only({ stack: "prod", kubernetesVersion: "1.33", program, releases: [] }, probe), []);
    });
});

describe("mesh: the proxy image meets the application namespaces' admission rules", () => {
    it("a full mesh.proxyImage reaches the CNI init container too (proxy_init.image), or the injector composes an invalid reference", () => {
        const image = `registry.example.com/istio/proxyv2:1.29.2@${DIGEST}`;
        const without = injectorSettings({ global: { proxy: { image } }, pilot: { cni: { enabled: true } } }, "1.29.2");
        assert.equal(without.proxyImage, image);
        assert.equal(without.initImage, `docker.io/istio/${image}:1.29.2`, "what istiod's ProxyImage() builds from a full proxy.image");
        const values = istiodValues(meshSchema("prod").parse({ proxyImage: image })) as { global: { proxy_init?: { image: string } } };
        assert.equal(values.global.proxy_init?.image, image);
        assert.equal(injectorSettings(values, "1.29.2").initImage, image);
    });

    const problems = (proxy: string | undefined, requireDigest: boolean, signatures = false) => {
        const found: string[] = [];
        const mesh = meshSchema("prod").parse(proxy ? { proxyImage: proxy } : {});
        meshImageRules(
            mesh,
            { requireDigest, allowedRegistries: ["docker.io/istio/", "registry.example.com/"], signatures: { enabled: signatures } },
            (path, message) => found.push(`${path.join(".")}: ${message}`),
        );
        return found;
    };
    it("requires a digest-pinned mesh.proxyImage when admission.requireDigest is on and nothing resolves the injected tag", () => {
        assert.match(
            problems(undefined, true)[0]!,
            /^mesh\.proxyImage: must be pinned by digest while admission\.requireDigest is true and admission\.signatures is off/,
        );
        assert.match(problems("registry.example.com/istio/proxyv2:1.29.2", true)[0]!, /pinned by digest/);
        assert.deepEqual(problems(`registry.example.com/istio/proxyv2@${DIGEST}`, true), []);
        assert.deepEqual(problems(undefined, false), []);
    });
    it("accepts a tag where policy-controller resolves it to a digest before the digest rule runs", async () => {
        assert.deepEqual(problems(undefined, true, true), []);
        // What the cluster does with it: the prod probe pod's proxy reaches the digest rule as name@sha256.
        // Without the proxy's ClusterImagePolicy the denial names the image as the digest rule saw it.
        const program = await rendered("prod");
        const withoutProxyPolicy = {
            ...program,
            resources: program.resources.filter(
                (r) => (r.inputs.metadata as { name?: string } | undefined)?.name !== "platform-istio-proxy",
            ),
        };
        const denials = checkAdmission({
            stack: "prod",
            kubernetesVersion: "1.33",
            program: withoutProxyPolicy,
            releases: [],
        }).findings.filter((f) => /^Pod shop\/service-pod-probe/.test(f.subject));
        assert.ok(
            denials.some((f) =>
                /index\.docker\.io\/istio\/proxyv2@sha256:[a-f0-9]{64} of container istio-proxy matches no policy/.test(f.message),
            ),
            JSON.stringify(denials),
        );
        assert.deepEqual(
            denials.filter((f) => /not pinned by digest/.test(f.message)),
            [],
        );
    });
    it("requires the proxy image from the allowed registries", () => {
        assert.match(problems(`quay.io/x/proxyv2@${DIGEST}`, true)[0]!, /is not from admission\.allowedRegistries/);
    });
});
