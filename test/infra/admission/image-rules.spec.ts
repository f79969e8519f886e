import assert from "node:assert/strict";
import fc from "fast-check";
import {
    canonicalRegistryPrefix,
    fromAllowedRegistry,
    imageVerdict,
    injectorFillsImage,
    normaliseImage,
    type ImageRule,
} from "../../../infra/admission/image-rules";

const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;
const options = {
    allowedRegistries: ["registry.example.com/", "registry.example.com:5000/team/", "docker.io/library/", "localhost:5001/"],
    requireDigest: false,
};
const rules = (image: string, requireDigest = false) => imageVerdict(image, { ...options, requireDigest }).violations.map((v) => v.rule);

describe("admission: imageVerdict (the rule the CrossGuard pack shares)", () => {
    it("normalises short Docker Hub names as the container runtime does, and nothing else", () => {
        assert.equal(normaliseImage("nginx"), "docker.io/library/nginx");
        assert.equal(normaliseImage("nginx:1.27"), "docker.io/library/nginx:1.27");
        assert.equal(normaliseImage(`nginx@${DIGEST}`), `docker.io/library/nginx@${DIGEST}`);
        assert.equal(normaliseImage("bitnami/redis:7"), "docker.io/bitnami/redis:7");
        assert.equal(normaliseImage("registry.example.com/a:1"), "registry.example.com/a:1");
        assert.equal(normaliseImage("localhost/a:1"), "localhost/a:1");
        assert.equal(normaliseImage("registry:5000/a:1"), "registry:5000/a:1");
        assert.equal(normaliseImage("Registry/a:1"), "Registry/a:1");
        // Docker Hub's other spellings (policy-controller writes index.docker.io/) are the same registry.
        assert.equal(normaliseImage("index.docker.io/library/nginx:1"), "docker.io/library/nginx:1");
        assert.equal(normaliseImage(`registry-1.docker.io/istio/proxyv2@${DIGEST}`), `docker.io/istio/proxyv2@${DIGEST}`);
        assert.equal(normaliseImage("docker.io/nginx:1"), "docker.io/library/nginx:1");
        assert.equal(normaliseImage("docker.io.evil.com/istio/proxyv2:1"), "docker.io.evil.com/istio/proxyv2:1");
    });

    const table: [string, ImageRule[], boolean?][] = [
        ["registry.example.com/shop/api:1.4.2", []],
        [`registry.example.com/shop/api@${DIGEST}`, []],
        [`registry.example.com/shop/api:1.4.2@${DIGEST}`, []],
        ["nginx:1.27.2", []],
        ["docker.io/library/nginx:1.27.2", []],
        ["registry.example.com:5000/team/db:15", []],
        ["localhost:5001/api:dev-3", []],
        ["nginx", ["floating-tag"]],
        ["nginx:latest", ["floating-tag"]],
        [`nginx:latest@${DIGEST}`, ["floating-tag"]],
        ["registry.example.com:5000/team/db", ["floating-tag"]],
        ["registry.example.com.evil.io/api:1", ["registry"]],
        ["registry.example.comx/api:1", ["registry"]],
        ["registry.example.com:5000/other/db:1", ["registry"]],
        ["registry.example.com:5000/teamx/db:1", ["registry"]],
        ["bitnami/redis:7.4", ["registry"]],
        // docker.io/nginx is docker.io/library/nginx, as containerd and go-containerregistry read it.
        ["docker.io/nginx:1", []],
        ["index.docker.io/nginx:1", []],
        [`index.docker.io/library/nginx@${DIGEST}`, []],
        ["registry-1.docker.io/library/nginx:1", []],
        ["index.docker.io/bitnami/redis:7", ["registry"]],
        ["docker.io.evil.com/library/nginx:1", ["registry"]],
        ["index.docker.io.evil.com/nginx:1", ["registry"]],
        ["registry.example.com/api@sha256:abc", ["reference", "floating-tag"]],
        [`registry.example.com/api@sha512:${"a".repeat(128)}`, ["reference", "floating-tag"]],
        ["", ["reference", "floating-tag"]],
        [" registry.example.com/api:1", ["reference", "registry"]],
        ["registry.example.com/API:1", ["reference"]],
        ["registry.example.com/api:1.4.2", ["digest"], true],
        [`registry.example.com/api@${DIGEST}`, [], true],
    ];
    for (const [image, expected, requireDigest] of table) {
        it(`${JSON.stringify(image)}${requireDigest ? " (digest required)" : ""}: ${expected.join(", ") || "allowed"}`, () => {
            assert.deepEqual(rules(image, requireDigest), expected);
            assert.equal(imageVerdict(image, { ...options, requireDigest: requireDigest ?? false }).allowed, expected.length === 0);
        });
    }

    it("says in each message which image and what would be valid", () => {
        const verdict = imageVerdict("quay.io/x/y", { ...options, requireDigest: true });
        assert.deepEqual(
            verdict.violations.map((v) => v.rule),
            ["registry", "floating-tag", "digest"],
        );
        assert.match(
            verdict.violations[0]!.message,
            /quay\.io\/x\/y is not from an allowed registry \(allowed: registry\.example\.com\/, /,
        );
        assert.match(verdict.violations[2]!.message, /@sha256:<64 hex>/);
    });

    it("an entry written with any Docker Hub host allows the other two", () => {
        for (const entry of ["docker.io/istio/", "index.docker.io/istio/", "registry-1.docker.io/istio/"]) {
            assert.equal(canonicalRegistryPrefix(entry), "docker.io/istio/");
            for (const image of [
                "istio/proxyv2:1.29.2",
                "docker.io/istio/proxyv2:1.29.2",
                `index.docker.io/istio/proxyv2@${DIGEST}`,
                "registry-1.docker.io/istio/proxyv2:1",
            ]) {
                assert.equal(fromAllowedRegistry(image, [entry]), true, `${image} under ${entry}`);
            }
            assert.equal(fromAllowedRegistry("index.docker.io/istiox/proxyv2:1", [entry]), false);
        }
    });

    it("the registry patterns admit exactly the images whose canonical spelling starts with the entry", () => {
        const host = fc.constantFrom(
            "",
            "docker.io/",
            "index.docker.io/",
            "registry-1.docker.io/",
            "docker.io.evil.com/",
            "quay.io/",
            "localhost:5000/",
        );
        const path = fc
            .array(fc.constantFrom("library", "istio", "nginx", "proxyv2", "x"), { minLength: 1, maxLength: 3 })
            .map((p) => p.join("/"));
        const suffix = fc.constantFrom("", ":1.2", `@${DIGEST}`, ":1@" + DIGEST);
        const entry = fc.constantFrom(
            "docker.io/",
            "docker.io/library/",
            "index.docker.io/library/",
            "docker.io/istio/",
            "registry-1.docker.io/x/",
            "quay.io/",
            "localhost:5000/x/",
        );
        fc.assert(
            fc.property(host, path, suffix, entry, (h, p, t, e) => {
                const image = h + p + t;
                assert.equal(
                    fromAllowedRegistry(image, [e]),
                    normaliseImage(image).startsWith(canonicalRegistryPrefix(e)),
                    `${image} under ${e}`,
                );
            }),
            { numRuns: 500, seed: 3 },
        );
    });

    describe("image: auto of the gateway injection template", () => {
        const gateway = { labels: { "sidecar.istio.io/inject": "true" }, annotations: { "inject.istio.io/templates": "gateway" } };
        const proxy = { name: "istio-proxy", image: "auto" };
        it("is the injector's to fill only in a gateway-injected template, on the istio-proxy container", () => {
            assert.equal(injectorFillsImage(gateway, proxy), true);
            assert.equal(
                injectorFillsImage({ ...gateway, annotations: { "inject.istio.io/templates": "grpc-agent,gateway" } }, proxy),
                true,
            );
            assert.equal(injectorFillsImage({ ...gateway, annotations: { "inject.istio.io/templates": "sidecar" } }, proxy), false);
            assert.equal(injectorFillsImage({ ...gateway, annotations: { "inject.istio.io/templates": "gateways" } }, proxy), false);
            assert.equal(injectorFillsImage({ annotations: gateway.annotations }, proxy), false);
            assert.equal(injectorFillsImage({ ...gateway, labels: { "sidecar.istio.io/inject": "false" } }, proxy), false);
            assert.equal(injectorFillsImage(gateway, { name: "app", image: "auto" }), false);
            assert.equal(injectorFillsImage(gateway, { name: "istio-proxy", image: "docker.io/istio/proxyv2:1.29.2" }), false);
            assert.equal(injectorFillsImage(gateway, proxy, "initContainers"), false);
        });
    });
});
