import { strict as assert } from "node:assert";
import { parsePackConfig } from "../../../../../policy-pack/lib/config";
import { allPolicies } from "../../../../../policy-pack/policies";
import { allowedRegistries } from "../../../../../policy-pack/policies/kubernetes/images/allowed-registries";
import { noLatestTag } from "../../../../../policy-pack/policies/kubernetes/images/no-latest-tag";
import { requireDigest } from "../../../../../policy-pack/policies/kubernetes/images/require-digest";
import { CONTAINER_LISTS, expectPod, podWithContainer, restrictedPod } from "../../../helpers";

describe("k8s:images", () => {
    it("takes registry prefixes in the form the admission policies take them", () => {
        assert.throws(
            () => parsePackConfig({ "k8s:images:allowed-registries": { allowedRegistries: ["docker.io/istio"] } }, allPolicies),
            /ending in "\/"/,
        );
        parsePackConfig({ "k8s:images:allowed-registries": { allowedRegistries: ["docker.io/istio/", "localhost:5000/"] } }, allPolicies);
    });
    describe("k8s:images:allowed-registries", () => {
        const config = { allowedRegistries: ["registry.example.com/", "docker.io/istio/"] };
        it("passes images from allowed registries and repository prefixes", async () => {
            await expectPod(allowedRegistries, restrictedPod(), false, {}, config);
            await expectPod(
                allowedRegistries,
                podWithContainer("containers", (c) => (c.image = "istio/proxyv2:1.27.3")),
                false,
                {},
                config,
            );
        });
        for (const list of CONTAINER_LISTS) {
            it(`flags an image from elsewhere in ${list}`, async () => {
                await expectPod(
                    allowedRegistries,
                    podWithContainer(list, (c) => (c.image = "registry.example.com.evil.io/x:1")),
                    /not from an allowed registry/,
                    {},
                    config,
                );
            });
        }
        it("judges nothing until registries are configured", async () => {
            await expectPod(
                allowedRegistries,
                podWithContainer("containers", (c) => (c.image = "quay.io/x:1")),
                false,
            );
        });
    });
    describe("k8s:images:no-latest-tag", () => {
        it("passes version tags and digests", async () => {
            await expectPod(
                noLatestTag,
                podWithContainer("containers", (c) => (c.image = `nginx@sha256:${"a".repeat(64)}`)),
                false,
            );
        });
        for (const list of CONTAINER_LISTS) {
            it(`flags :latest and untagged images in ${list}`, async () => {
                await expectPod(
                    noLatestTag,
                    podWithContainer(list, (c) => (c.image = "nginx:latest")),
                    /nginx:latest/,
                );
                await expectPod(
                    noLatestTag,
                    podWithContainer(list, (c) => (c.image = "localhost:5000/app")),
                    /localhost:5000\/app/,
                );
                await expectPod(
                    noLatestTag,
                    podWithContainer(list, (c) => (c.image = "Not An Image")),
                    /not a valid image reference/,
                );
            });
        }
    });
    describe("k8s:images:require-digest", () => {
        it("passes digests and flags tags", async () => {
            await expectPod(requireDigest, restrictedPod(), false);
            await expectPod(
                requireDigest,
                podWithContainer("initContainers", () => undefined),
                /tool:2\.0\.0/,
            );
        });
        it("judges only the configured namespaces when they are set (as admission labels them)", async () => {
            await expectPod(
                requireDigest,
                podWithContainer("containers", () => undefined),
                false,
                {},
                { namespaces: ["shop"] },
            );
            await expectPod(
                requireDigest,
                podWithContainer("containers", () => undefined),
                /not pinned by digest/,
                {},
                { namespaces: ["apps"] },
            );
        });
    });
    describe("Istio's gateway convention (image: auto, filled in by the injector)", () => {
        const gateway = {
            labels: { app: "w", "sidecar.istio.io/inject": "true" },
            annotations: { "inject.istio.io/templates": "gateway" },
        };
        const autoProxy = () =>
            podWithContainer("containers", (c) => {
                c.name = "istio-proxy";
                c.image = "auto";
            });
        const config = { allowedRegistries: ["registry.example.com/"] };
        it("passes image: auto of istio-proxy in a template the gateway injection template fills", async () => {
            await expectPod(allowedRegistries, autoProxy(), false, gateway, config);
            await expectPod(noLatestTag, autoProxy(), false, gateway);
            await expectPod(requireDigest, autoProxy(), false, gateway);
        });
        it("flags image: auto anywhere else", async () => {
            for (const metadata of [
                {},
                { labels: gateway.labels },
                { annotations: gateway.annotations },
                { ...gateway, annotations: { "inject.istio.io/templates": "sidecar" } },
            ]) {
                await expectPod(allowedRegistries, autoProxy(), /"auto"/, metadata, config);
                await expectPod(noLatestTag, autoProxy(), /auto uses a floating tag/, metadata);
                await expectPod(requireDigest, autoProxy(), /"auto"/, metadata);
            }
            const otherName = podWithContainer("containers", (c) => {
                c.name = "app-proxy";
                c.image = "auto";
            });
            await expectPod(allowedRegistries, otherName, /"auto"/, gateway, config);
            const asInit = podWithContainer("initContainers", (c) => {
                c.name = "istio-proxy";
                c.image = "auto";
            });
            await expectPod(allowedRegistries, asInit, /"auto"/, gateway, config);
        });
    });
    it("k8s:images:allowed-registries reads Docker Hub's spellings as one registry", async () => {
        const config = { allowedRegistries: ["docker.io/istio/"] };
        const spec = (image: string) => {
            const pod = restrictedPod();
            pod.containers[0].image = image;
            return pod;
        };
        await expectPod(allowedRegistries, spec(`index.docker.io/istio/proxyv2@sha256:${"a".repeat(64)}`), false, {}, config);
        await expectPod(allowedRegistries, spec("registry-1.docker.io/istio/proxyv2:1.29.2"), false, {}, config);
        await expectPod(allowedRegistries, spec("index.docker.io/istiox/proxyv2:1.29.2"), /not from an allowed registry/, {}, config);
    });
});
