import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { imageVerdict } from "../../../infra/admission/image-rules";
import { packConfigFor, packConfigPath, stalePackConfigs } from "../../../tools/pack-config";
import { parsePackConfig } from "../../../policy-pack/lib/config";
import { allPolicies } from "../../../policy-pack/policies";
import { kubernetesObjects, ofType, rendered, renderWith, STACKS } from "../../helpers/stacks";
import { validateManifest } from "../../helpers/schemas";

const VAP = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy";
const BINDING = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const CIP = "kubernetes:policy.sigstore.dev/v1beta1:ClusterImagePolicy";

describe("admission: rendered stacks", () => {
    it("prod has the image policies with bindings, the policy-controller chart and a ClusterImagePolicy", async () => {
        const stack = await rendered("prod");
        const policies = ofType(stack, VAP);
        const bindings = ofType(stack, BINDING);
        assert.equal(policies.length, 8);
        assert.deepEqual(
            bindings.map((b) => (b.inputs.spec as { policyName: string }).policyName).sort(),
            policies.map((p) => (p.inputs.metadata as { name: string }).name).sort(),
        );
        const release = ofType(stack, RELEASE).find((r) => r.inputs.chart === "policy-controller");
        assert.ok(release, "no policy-controller release");
        assert.equal(release.inputs.version, "0.10.5");
        assert.equal(release.inputs.namespace, "cosign-system");
        assert.equal((release.inputs.repositoryOpts as { repo: string }).repo, "https://sigstore.github.io/helm-charts");
        // The stack's signing policy, and the platform's own for the proxy istiod injects (it is unsigned).
        const cips = ofType(stack, CIP);
        assert.deepEqual(cips.map((c) => (c.inputs.metadata as { name: string }).name).sort(), [
            "ci-signed-services",
            "platform-istio-proxy",
        ]);
        const cip = cips.find((c) => (c.inputs.metadata as { name: string }).name === "ci-signed-services")!;
        assert.deepEqual((cip.inputs.spec as { images: unknown }).images, [{ glob: "777788889999.dkr.ecr.eu-west-1.amazonaws.com/**" }]);
        for (const policy of cips) assert.ok(policy.dependsOn.includes(release.urn), "a ClusterImagePolicy must wait for the chart's CRD");
    });

    it("labels application namespaces for digests (prod) and signatures; the controller's namespace enforces baseline for its uninstall hook and audits and warns at restricted", async () => {
        const stack = await rendered("prod");
        const namespaces = kubernetesObjects(stack)
            .filter(({ manifest }) => manifest.kind === "Namespace")
            .map(({ manifest }) => manifest.metadata as { name: string; labels: Record<string, string> });
        for (const name of ["shop", "payments"]) {
            const labels = namespaces.find((ns) => ns.name === name)!.labels;
            assert.equal(labels["policy.sigstore.dev/include"], "true");
            assert.equal(labels["secure-platform/image-digest"], "required");
            assert.equal(labels["pod-security.kubernetes.io/enforce"], "restricted");
        }
        const controller = namespaces.find((ns) => ns.name === "cosign-system")!;
        assert.equal(controller.labels["pod-security.kubernetes.io/enforce"], "baseline");
        assert.equal(controller.labels["pod-security.kubernetes.io/audit"], "restricted");
        assert.equal(controller.labels["pod-security.kubernetes.io/warn"], "restricted");
        const dev = await rendered("dev");
        const shop = kubernetesObjects(dev).find(
            ({ manifest }) => manifest.kind === "Namespace" && (manifest.metadata as { name: string }).name === "shop",
        )!;
        assert.equal((shop.manifest.metadata as { labels: Record<string, string> }).labels["secure-platform/image-digest"], undefined);
    });

    for (const stack of STACKS) {
        it(`${stack}: every admission object validates against the Kubernetes schema`, async () => {
            const rendering = await rendered(stack);
            const objects = kubernetesObjects(rendering).filter(({ resource }) => resource.type === VAP || resource.type === BINDING);
            assert.ok(objects.length >= 8);
            for (const { manifest } of objects) assert.equal(await validateManifest(manifest), "validated");
        });

        it(`${stack}: the policy-controller's own image passes the stack's image rules`, async () => {
            // The chart pins the webhook image by digest under ghcr.io/sigstore/, which each stack allows.
            const config = packConfigFor(stack);
            const image = "ghcr.io/sigstore/policy-controller/policy-controller@sha256:" + "0".repeat(64);
            assert.deepEqual(imageVerdict(image, config).violations, []);
            assert.ok(ofType(await rendered(stack), RELEASE).some((r) => r.inputs.chart === "policy-controller"));
        });
    }

    it("renders no signature verification when a stack turns it off", async () => {
        const stack = await renderWith("dev", {
            "secure-platform:admission": JSON.stringify({
                allowedRegistries: ["registry.example.com/", "docker.io/istio/"],
                signatures: { enabled: false },
            }),
        });
        assert.equal(ofType(stack, CIP).length, 0);
        assert.equal(ofType(stack, RELEASE).filter((r) => r.inputs.chart === "policy-controller").length, 0);
        assert.equal(ofType(stack, VAP).length, 4);
    });

    it("policy-pack/config/<stack>.json is generated from each stack's config and up to date", () => {
        assert.deepEqual(stalePackConfigs(), [], "run `npm run pack-config`");
        for (const stack of STACKS) {
            const file = JSON.parse(readFileSync(packConfigPath(stack), "utf8")) as Record<
                string,
                { allowedRegistries?: string[]; enforcementLevel?: string }
            >;
            // A Pulumi policy pack config that the pack itself accepts, carrying the stack's image rules.
            parsePackConfig(file, allPolicies, packConfigPath(stack));
            assert.deepEqual(file["k8s:images:allowed-registries"].allowedRegistries, packConfigFor(stack).allowedRegistries);
            assert.equal(file["k8s:images:require-digest"].enforcementLevel, stack === "prod" ? "mandatory" : "advisory");
        }
    });
});
