import assert from "node:assert/strict";
import { admissionSchema } from "../../../infra/admission/config";
import {
    cleanupImageValues,
    clusterImagePolicies,
    policyControllerValues,
    SIGNATURE_OPT_IN_LABEL,
} from "../../../infra/admission/signatures";

const PEM =
    "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAElQyXJoaOSLOWZ1XzlAlKPkNphdhH\nBxsmNzgQ7+mK/ePK/e+Kl3Q+jsooSINnaRxh6tvvjnpn3H3G2YgEGV4eKQ==\n-----END PUBLIC KEY-----\n";
const config = admissionSchema("prod").parse({
    allowedRegistries: ["registry.example.com/"],
    signatures: {
        policyController: { replicas: 3 },
        policies: [
            {
                name: "ci",
                images: ["registry.example.com/services/**"],
                keyless: [
                    {
                        issuer: "https://token.actions.githubusercontent.com",
                        subjectRegExp: "^https://github\\.com/example-org/.+@refs/heads/main$",
                    },
                    { issuer: "https://accounts.google.com", subject: "release@example.com" },
                ],
            },
            { name: "vendor", images: ["registry.example.com/vendor/*"], publicKeys: [PEM] },
        ],
    },
});

describe("admission: signature verification (Sigstore policy-controller)", () => {
    it("fails closed, opts in namespaces by label, denies images no policy names", () => {
        const values = policyControllerValues(config, "registry.example.com/tools/k8s:1.33.4") as { webhook: Record<string, any> };
        assert.equal(values.webhook.failurePolicy, "Fail");
        assert.deepEqual(values.webhook.namespaceSelector, {
            matchExpressions: [{ key: SIGNATURE_OPT_IN_LABEL.key, operator: "In", values: ["true"] }],
        });
        assert.deepEqual(values.webhook.configData, { "no-match-policy": "deny" });
        assert.equal(values.webhook.replicaCount, 3);
        assert.deepEqual(values.webhook.podDisruptionBudget, { enabled: true, minAvailable: 1 });
    });

    it("runs the chart's uninstall hook with the pinned tools image it is given, split as the chart joins it", () => {
        const values = policyControllerValues(config, "registry.example.com/tools/k8s:1.33.4") as {
            leasescleanup: { image: unknown; resources: { limits: unknown } };
        };
        assert.deepEqual(values.leasescleanup.image, {
            repository: "registry.example.com/tools/k8s",
            version: "1.33.4",
            pullPolicy: "IfNotPresent",
        });
        assert.ok(values.leasescleanup.resources.limits);
        const digest = "sha256:" + "a".repeat(64);
        assert.deepEqual(cleanupImageValues(`localhost:5001/k8s:1.33.4@${digest}`), {
            repository: "localhost:5001/k8s",
            version: `1.33.4@${digest}`,
            pullPolicy: "IfNotPresent",
        });
        assert.throws(() => cleanupImageValues(`localhost:5001/k8s@${digest}`), /has no tag/);
    });

    it("runs the webhook under the restricted Pod Security Standard", () => {
        const { webhook } = policyControllerValues(config, "registry.example.com/tools/k8s:1.33.4") as { webhook: Record<string, any> };
        // The chart renders `securityContext` on the pod and `podSecurityContext` on the container.
        assert.equal(webhook.securityContext.enabled, true);
        assert.equal(webhook.securityContext.runAsNonRoot, true);
        assert.deepEqual(webhook.securityContext.seccompProfile, { type: "RuntimeDefault" });
        assert.equal(webhook.podSecurityContext.allowPrivilegeEscalation, false);
        assert.equal(webhook.podSecurityContext.readOnlyRootFilesystem, true);
        assert.deepEqual(webhook.podSecurityContext.capabilities, { drop: ["ALL"] });
        assert.ok(webhook.resources.limits.cpu && webhook.resources.limits.memory);
    });

    it("builds one ClusterImagePolicy per policy: keyless identities with the transparency log, or keys", () => {
        const [ci, vendor] = clusterImagePolicies(config);
        assert.deepEqual(ci, {
            apiVersion: "policy.sigstore.dev/v1beta1",
            kind: "ClusterImagePolicy",
            metadata: { name: "ci", labels: { "app.kubernetes.io/managed-by": "secure-platform" } },
            spec: {
                mode: "enforce",
                images: [{ glob: "registry.example.com/services/**" }],
                authorities: [
                    {
                        name: "keyless",
                        keyless: {
                            url: "https://fulcio.sigstore.dev",
                            identities: [
                                {
                                    issuer: "https://token.actions.githubusercontent.com",
                                    subjectRegExp: "^https://github\\.com/example-org/.+@refs/heads/main$",
                                },
                                { issuer: "https://accounts.google.com", subject: "release@example.com" },
                            ],
                        },
                        ctlog: { url: "https://rekor.sigstore.dev" },
                    },
                ],
            },
        });
        assert.deepEqual(vendor!.spec.authorities, [
            { name: "key-1", key: { data: PEM, hashAlgorithm: "sha256" }, ctlog: { url: "https://rekor.sigstore.dev" } },
        ]);
    });

    it("says warn only when configured so (local)", () => {
        const local = admissionSchema("local").parse({ ...config, signatures: { ...config.signatures, noMatchPolicy: "warn" } });
        assert.deepEqual(
            (policyControllerValues(local, "registry.example.com/tools/k8s:1.33.4") as { webhook: { configData: unknown } }).webhook
                .configData,
            { "no-match-policy": "warn" },
        );
    });
});
