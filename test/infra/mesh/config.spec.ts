import { strict as assert } from "node:assert";
import { parsePlatformConfig } from "../../../infra/config";
import { istiodValues } from "../../../infra/mesh/values";
import { configProblems, rawStackConfig } from "../../helpers/config";

type Json = Record<string, any>;

const raw = rawStackConfig;

function problems(stack: string, overrides: Json): string[] {
    const found = configProblems(stack, raw(stack, overrides));
    assert.ok(found.length > 0, "the configuration was accepted");
    return found;
}

const mesh = (stack: string, changes: Json) => ({ mesh: { ...raw(stack).mesh, ...changes } });
const services = (stack: string) => raw(stack).services as Json[];

describe("mesh and service configuration", () => {
    it("accepts every stack and applies secure defaults", () => {
        for (const stack of ["local", "dev", "staging", "prod"]) {
            const config = parsePlatformConfig(stack, raw(stack));
            assert.equal(config.mesh.insecureAllowPermissive, false);
            assert.equal(config.mesh.accessLogging, true);
            assert.equal(config.mesh.rootNamespace, "istio-system");
        }
        const defaults = parsePlatformConfig("prod", { ...raw("prod"), mesh: undefined }).mesh;
        assert.equal(defaults.version, "1.29.2");
        assert.equal(defaults.istiod.replicas, 3);
        assert.equal(defaults.workloadCertTtl, "24h");
    });

    it("rejects insecureAllowPermissive outside local, naming the key", () => {
        for (const stack of ["dev", "staging", "prod"]) {
            const [problem, ...rest] = problems(stack, mesh(stack, { insecureAllowPermissive: true }));
            assert.equal(rest.length, 0);
            assert.match(
                problem!,
                /^secure-platform:mesh\.insecureAllowPermissive: .*allowed in the local environment only.*\(got true\)$/,
            );
        }
        assert.equal(
            parsePlatformConfig("local", raw("local", mesh("local", { insecureAllowPermissive: true }))).mesh.insecureAllowPermissive,
            true,
        );
    });

    it("rejects chart version ranges and unknown keys", () => {
        assert.match(
            problems("prod", mesh("prod", { version: "^1.29.2" }))[0]!,
            /^secure-platform:mesh\.version: must be an exact chart version/,
        );
        assert.match(problems("prod", mesh("prod", { verison: "1.29.2" }))[0]!, /^secure-platform:mesh\.verison: is not a known key/);
        assert.match(
            problems("prod", mesh("prod", { pathNormalization: "NONE" }))[0]!,
            /^secure-platform:mesh\.pathNormalization: .*\(got "NONE"\)/,
        );
        assert.match(
            problems("prod", mesh("prod", { chartRepository: "http://istio-release.storage.googleapis.com/charts" }))[0]!,
            /^secure-platform:mesh\.chartRepository: /,
        );
    });

    it("accepts a digest-pinned sidecar image and rejects floating or partial references", () => {
        const image = `777788889999.dkr.ecr.eu-west-1.amazonaws.com/istio/proxyv2@sha256:${"a".repeat(64)}`;
        const accepted = parsePlatformConfig("prod", raw("prod", mesh("prod", { proxyImage: image }))).mesh;
        assert.equal((istiodValues(accepted).global as Record<string, any>).proxy.image, image);
        assert.equal((istiodValues(parsePlatformConfig("prod", raw("prod")).mesh).global as Record<string, any>).proxy.image, undefined);
        assert.match(
            problems("prod", mesh("prod", { proxyImage: "docker.io/istio/proxyv2:latest" }))[0]!,
            /^secure-platform:mesh\.proxyImage: must not use the floating tag latest/,
        );
        assert.match(
            problems("prod", mesh("prod", { proxyImage: "docker.io/istio/proxyv2" }))[0]!,
            /^secure-platform:mesh\.proxyImage: must name a tag or a digest/,
        );
        assert.match(
            problems("prod", mesh("prod", { proxyImage: "proxyv2:1.29.2" }))[0]!,
            /^secure-platform:mesh\.proxyImage: must be a full image reference/,
        );
    });

    it("rejects a mesh namespace shared with another mesh component or an application", () => {
        assert.match(
            problems("prod", mesh("prod", { egressNamespace: "istio-ingress" }))[0]!,
            /^secure-platform:mesh\.egressNamespace: is also the ingressNamespace/,
        );
        assert.match(
            problems("prod", mesh("prod", { rootNamespace: "shop" }))[0]!,
            /^secure-platform:mesh\.rootNamespace: is declared as an application namespace/,
        );
    });

    it("rejects certificate lifetimes that do not fit together", () => {
        assert.match(
            problems("prod", mesh("prod", { workloadCertTtl: "72h" }))[0]!,
            /^secure-platform:mesh\.workloadCertTtl: must not exceed maxWorkloadCertTtl \(48h\)/,
        );
        assert.match(
            problems("prod", mesh("prod", { workloadCertTtl: "30m" }))[0]!,
            /^secure-platform:mesh\.workloadCertTtl: must be at least 1h/,
        );
        assert.match(
            problems("prod", mesh("prod", { rootCertTtl: "24h", workloadCertTtl: "12h" }))[0]!,
            /^secure-platform:mesh\.rootCertTtl: must outlive/,
        );
        assert.match(
            problems("prod", mesh("prod", { workloadCertTtl: "one day" }))[0]!,
            /^secure-platform:mesh\.workloadCertTtl: must be a duration/,
        );
    });

    it("requires two replicas of istiod and each gateway in staging and prod", () => {
        const [problem] = problems("prod", mesh("prod", { istiod: { replicas: 1 } }));
        assert.match(problem!, /^secure-platform:mesh\.istiod\.replicas: must be at least 2 in prod .*\(got 1\)$/);
        assert.equal(parsePlatformConfig("dev", raw("dev", mesh("dev", { istiod: { replicas: 1 } }))).mesh.istiod.replicas, 1);
    });

    it("requires client ranges for an internet-facing ingress load balancer", () => {
        const [problem] = problems("prod", mesh("prod", { ingressGateway: { internal: false } }));
        assert.match(problem!, /^secure-platform:mesh\.ingressGateway\.loadBalancerSourceRanges: must list the client ranges/);
        const accepted = parsePlatformConfig(
            "prod",
            raw("prod", mesh("prod", { ingressGateway: { internal: false, loadBalancerSourceRanges: ["198.51.100.0/24"] } })),
        );
        assert.deepEqual(accepted.mesh.ingressGateway.loadBalancerSourceRanges, ["198.51.100.0/24"]);
    });

    it("rejects a caller that names an unknown service", () => {
        const list = services("prod");
        list[1] = { ...list[1], callers: ["shop/nowhere"] };
        assert.match(
            problems("prod", { services: list })[0]!,
            /^secure-platform:services\[1\]\.callers\[0\]: names no declared service \(shop\/nowhere\)/,
        );
    });

    it("rejects two services sharing one service account (one mesh identity)", () => {
        const list = services("prod");
        list[2] = { ...list[2], serviceAccount: "storefront" };
        assert.match(
            problems("prod", { services: list })[0]!,
            /^secure-platform:services\[2\]\.serviceAccount: is also the account of shop\/storefront/,
        );
    });

    it("rejects ports the sidecar reserves", () => {
        const list = services("prod");
        list[0] = { ...list[0], ports: [{ name: "admin", port: 15021 }] };
        assert.match(
            problems("prod", { services: list })[0]!,
            /^secure-platform:services\[0\]\.ports\[0\]\.port: is reserved by the Istio sidecar \(15000-15090\).*\(got 15021\)$/,
        );
    });

    it("rejects egress the gateway cannot route by SNI, and one host declared two ways", () => {
        const wildcard = services("prod");
        wildcard[4] = { ...wildcard[4], egress: [{ host: "*.stripe.com" }] };
        assert.match(problems("prod", { services: wildcard })[0]!, /^secure-platform:services\[4\]\.egress\[0\]\.host: is a wildcard/);
        const tcp = services("prod");
        tcp[4] = { ...tcp[4], egress: [{ host: "db.example.com", port: 5432, protocol: "TCP" }] };
        assert.match(problems("prod", { services: tcp })[0]!, /^secure-platform:services\[4\]\.egress\[0\]\.protocol: TCP has no SNI/);
        const twice = services("prod");
        twice[5] = { ...twice[5], egress: [{ host: "api.stripe.com", port: 8443 }] };
        assert.match(
            problems("prod", { services: twice })[0]!,
            /^secure-platform:services\[5\]\.egress\[0\]: declares api\.stripe\.com as TLS port 8443 but payments\/payment-api declared TLS port 443/,
        );
    });
});
