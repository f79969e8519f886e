import assert from "node:assert/strict";
import { ConfigError, parsePlatformConfig } from "../../../infra/config";
import { PLATFORM_IMAGE_SOURCES } from "../../../infra/admission/config";

const cluster = { mode: "existing", name: "kind", context: "kind-secure-platform", kubernetesVersion: "1.33" };
const signed = {
    policies: [
        {
            name: "ci",
            images: ["registry.example.com/**"],
            keyless: [
                {
                    issuer: "https://token.actions.githubusercontent.com",
                    subject: "https://github.com/example-org/api/.github/workflows/release.yml@refs/heads/main",
                },
            ],
        },
    ],
};

function parse(admission: unknown, extra: Record<string, unknown> = {}) {
    return parsePlatformConfig("local", {
        cluster,
        namespaces: [{ name: "shop" }],
        ...extra,
        ...(admission === undefined ? {} : { admission }),
    });
}

function problems(admission: unknown, extra: Record<string, unknown> = {}): string[] {
    try {
        parse(admission, extra);
    } catch (error) {
        assert.ok(error instanceof ConfigError, String(error));
        return error.problems;
    }
    assert.fail("configuration was accepted");
}

describe("admission: configuration", () => {
    it("defaults: the platform's image sources, kube-system exempt with a reason, signatures on", () => {
        const { admission } = parse({
            allowedRegistries: ["registry.example.com", "ghcr.io/sigstore/", "docker.io/istio/"],
            signatures: signed,
        });
        assert.deepEqual(admission.allowedRegistries, ["registry.example.com/", "ghcr.io/sigstore/", "docker.io/istio/"]);
        assert.equal(admission.requireDigest, false);
        assert.equal(admission.exemptNamespaces[0]!.name, "kube-system");
        assert.ok(admission.signatures.enabled);
        assert.equal(admission.signatures.noMatchPolicy, "deny");
        assert.equal(admission.signatures.policyController.version, "0.10.5");
        const withDefaults = parse({ signatures: { policies: [{ ...signed.policies[0], images: ["ghcr.io/sigstore/**"] }] } });
        assert.deepEqual(withDefaults.admission.allowedRegistries, [...PLATFORM_IMAGE_SOURCES]);
    });

    it("requires digests in prod by default", () => {
        const prod = parsePlatformConfig("prod", {
            cluster: {
                mode: "eks",
                name: "p",
                region: "eu-west-1",
                kubernetesVersion: "1.33",
                vpc: {
                    cidr: "10.30.0.0/16",
                    privateSubnetCidrs: ["10.30.0.0/19", "10.30.32.0/19", "10.30.64.0/19"],
                    publicSubnetCidrs: ["10.30.128.0/22", "10.30.132.0/22", "10.30.136.0/22"],
                },
                endpoint: { publicAccess: false },
                apiAccessCidrs: ["10.200.0.0/24"],
                nodeGroups: [{ name: "g", instanceTypes: ["m6i.large"], minSize: 3, desiredSize: 3, maxSize: 6 }],
                accessEntries: [{ principalArn: "arn:aws:iam::777788889999:role/deployer", access: "cluster-admin" }],
            },
            admission: { allowedRegistries: ["registry.example.com/", "ghcr.io/sigstore/", "docker.io/istio/"], signatures: signed },
            // prod must page someone for critical alerts; not what this test is about.
            monitoring: {
                alertmanager: {
                    receivers: [{ name: "oncall", type: "pagerduty", severities: ["critical"], routingKey: "test-routing-key" }],
                },
            },
            vault: { recovery: { breakGlassRoleArn: "arn:aws:iam::777788889999:role/vault-break-glass" } },
        });
        assert.equal(prod.admission.requireDigest, true);
    });

    it("names the key, the value and what is valid for a bad registry entry", () => {
        for (const bad of ["nginx", "docker", "Registry.example.com/", "https://registry.example.com/", "registry.example.com/*", ""]) {
            const found = problems({ allowedRegistries: [bad], signatures: signed });
            assert.ok(
                found.some((p) => p.startsWith("secure-platform:admission.allowedRegistries[0]: must be a registry host")),
                `${bad}: ${found.join("; ")}`,
            );
        }
    });

    it("rejects an empty list, duplicates, and exempting an application namespace", () => {
        assert.ok(
            problems({ allowedRegistries: [], signatures: signed }).some((p) =>
                p.startsWith("secure-platform:admission.allowedRegistries:"),
            ),
        );
        assert.ok(
            problems({ allowedRegistries: ["registry.example.com/", "registry.example.com"], signatures: signed }).some((p) =>
                p.startsWith("secure-platform:admission.allowedRegistries[1]: is listed twice"),
            ),
        );
        const found = problems({
            allowedRegistries: ["registry.example.com/", "ghcr.io/sigstore/"],
            exemptNamespaces: [{ name: "shop", reason: "the shop team asked for it politely" }],
            signatures: signed,
        });
        assert.ok(
            found.some((p) => p.startsWith("secure-platform:admission.exemptNamespaces[0].name: is an application namespace")),
            found.join("; "),
        );
    });

    it("requires a reason for every exemption", () => {
        const found = problems({
            allowedRegistries: ["registry.example.com/", "ghcr.io/sigstore/"],
            exemptNamespaces: [{ name: "legacy" }],
            signatures: signed,
        });
        assert.ok(
            found.some((p) => p.startsWith("secure-platform:admission.exemptNamespaces[0].reason:")),
            found.join("; "),
        );
    });

    it("requires signature policies with a named identity or key, over allowed registries", () => {
        assert.ok(
            problems({ allowedRegistries: ["registry.example.com/", "ghcr.io/sigstore/"] }).some((p) =>
                p.startsWith("secure-platform:admission.signatures.policies: must name at least one policy"),
            ),
        );
        const noAuthority = problems({
            allowedRegistries: ["registry.example.com/", "ghcr.io/sigstore/"],
            signatures: { policies: [{ name: "ci", images: ["registry.example.com/**"] }] },
        });
        assert.ok(
            noAuthority.some((p) =>
                p.startsWith("secure-platform:admission.signatures.policies[0]: needs at least one keyless identity or public key"),
            ),
        );
        const anyone = problems({
            allowedRegistries: ["registry.example.com/", "ghcr.io/sigstore/"],
            signatures: {
                policies: [
                    {
                        name: "ci",
                        images: ["registry.example.com/**"],
                        keyless: [{ issuer: "https://token.actions.githubusercontent.com" }],
                    },
                ],
            },
        });
        assert.ok(
            anyone.some((p) => p.includes("keyless[0]: needs exactly one of subject or subjectRegExp")),
            anyone.join("; "),
        );
        const outside = problems({
            allowedRegistries: ["registry.example.com/", "ghcr.io/sigstore/"],
            signatures: { policies: [{ ...signed.policies[0], images: ["quay.io/**"] }] },
        });
        assert.ok(
            outside.some((p) =>
                p.startsWith("secure-platform:admission.signatures.policies[0].images[0]: names images outside the allowed registries"),
            ),
        );
        const badRegExp = problems({
            allowedRegistries: ["registry.example.com/", "ghcr.io/sigstore/"],
            signatures: {
                policies: [
                    {
                        ...signed.policies[0],
                        keyless: [{ issuer: "https://token.actions.githubusercontent.com", subjectRegExp: "^(unclosed" }],
                    },
                ],
            },
        });
        assert.ok(badRegExp.some((p) => p.includes("subjectRegExp: is not a valid regular expression")));
    });

    it("requires the policy-controller's own image to be allowed, and a namespace of its own", () => {
        const found = problems({
            allowedRegistries: ["registry.example.com/"],
            signatures: { ...signed, policyController: { namespace: "shop" } },
        });
        assert.ok(
            found.some((p) => p.startsWith("secure-platform:admission.allowedRegistries: must allow the policy-controller's own image")),
            found.join("; "),
        );
        assert.ok(
            found.some((p) => p.startsWith("secure-platform:admission.signatures.policyController.namespace: is an application namespace")),
            found.join("; "),
        );
    });

    it("accepts only https issuers and PEM public keys", () => {
        const found = problems({
            allowedRegistries: ["registry.example.com/", "ghcr.io/sigstore/"],
            signatures: {
                policies: [
                    {
                        name: "ci",
                        images: ["registry.example.com/**"],
                        keyless: [{ issuer: "http://issuer.example.com", subject: "x" }],
                        publicKeys: ["not a key"],
                    },
                ],
            },
        });
        assert.ok(
            found.some((p) =>
                p.startsWith(
                    "secure-platform:admission.signatures.policies[0].keyless[0].issuer: must be the https URL of the OIDC issuer",
                ),
            ),
            found.join("; "),
        );
        assert.ok(
            found.some((p) => p.startsWith("secure-platform:admission.signatures.policies[0].publicKeys[0]: must be a PEM public key")),
            found.join("; "),
        );
    });

    it("allows noMatchPolicy warn in local only", () => {
        parse({
            allowedRegistries: ["registry.example.com/", "ghcr.io/sigstore/", "docker.io/istio/"],
            signatures: { ...signed, noMatchPolicy: "warn" },
        });
        const found = (() => {
            try {
                parsePlatformConfig("dev", {
                    environment: "dev",
                    cluster: { mode: "existing", name: "x", context: "y", kubernetesVersion: "1.33" },
                    admission: {
                        allowedRegistries: ["registry.example.com/", "ghcr.io/sigstore/"],
                        signatures: { ...signed, noMatchPolicy: "warn" },
                    },
                });
            } catch (error) {
                return (error as ConfigError).problems;
            }
            return [];
        })();
        assert.ok(
            found.some((p) => p.startsWith('secure-platform:admission.signatures.noMatchPolicy: "warn" admits unsigned images')),
            found.join("; "),
        );
    });

    it("lets a stack turn signature verification off without policies", () => {
        const { admission } = parse({
            allowedRegistries: ["registry.example.com/", "ghcr.io/sigstore/", "docker.io/istio/"],
            signatures: { enabled: false },
        });
        assert.equal(admission.signatures.enabled, false);
    });
});
