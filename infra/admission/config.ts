import { z } from "zod";
import type { Environment } from "../environments";
import { chartVersion, dnsLabel } from "../lib/schema";
import { REGISTRY_PREFIX_PATTERN } from "./image-rules";

/**
 * The registries the platform's own charts pull from (policy-controller, Istio, Vault, the Prometheus
 * stack, Falco, Trivy Operator), each narrowed to its publisher's path. A stack lists its own registry
 * in addition; the key replaces this default, so a stack file lists the complete set.
 */
export const PLATFORM_IMAGE_SOURCES = [
    "ghcr.io/sigstore/",
    "docker.io/istio/",
    "docker.io/hashicorp/",
    "quay.io/prometheus/",
    "quay.io/prometheus-operator/",
    "quay.io/kiwigrid/",
    "docker.io/grafana/",
    "registry.k8s.io/kube-state-metrics/",
    "registry.k8s.io/ingress-nginx/",
    "docker.io/falcosecurity/",
    "ghcr.io/aquasecurity/",
] as const;

/** Digests are required by default where a moving tag would be a production incident. */
export const REQUIRE_DIGEST_BY_DEFAULT: Record<Environment, boolean> = { local: false, dev: false, staging: false, prod: true };

export const DEFAULT_EXEMPT_NAMESPACES = [
    {
        name: "kube-system",
        reason: "EKS managed add-ons (VPC CNI, CoreDNS, kube-proxy, EBS CSI) are installed and updated by AWS from its regional ECR accounts, not by this program",
    },
];

/** Sigstore policy-controller chart (https://sigstore.github.io/helm-charts). */
export const POLICY_CONTROLLER_CHART = {
    chart: "policy-controller",
    repo: "https://sigstore.github.io/helm-charts",
    // renovate: datasource=helm registryUrl=https://sigstore.github.io/helm-charts depName=policy-controller
    version: "0.10.5",
} as const;

/** The webhook image the chart deploys (pinned by digest in the chart's values). */
export const POLICY_CONTROLLER_IMAGE = "ghcr.io/sigstore/policy-controller/policy-controller";

const registryPrefix = z
    .string()
    .transform((value) => (value.endsWith("/") ? value : `${value}/`))
    .refine((value) => new RegExp(REGISTRY_PREFIX_PATTERN).test(value), {
        message:
            "must be a registry host (with a dot, a port or localhost), optionally a port and a path, such as registry.example.com/team/ or 111122223333.dkr.ecr.eu-west-1.amazonaws.com/; lower case; Docker Hub is docker.io/<namespace>/",
    });

const exemptNamespace = z.strictObject({
    name: dnsLabel,
    reason: z.string().min(20, "must say why this namespace's images are not checked (at least 20 characters)"),
});

/** An image glob of a ClusterImagePolicy: a registry path with `*` or `**` wildcards. */
const imageGlob = z
    .string()
    .regex(/^[a-z0-9][a-z0-9.:/_*-]*$/, "must be an image glob such as registry.example.com/team/** (lower case, * and ** wildcards)");

const keylessIdentity = z
    .strictObject({
        /** The OIDC issuer of the signing identity, e.g. https://token.actions.githubusercontent.com. */
        issuer: z.url({ protocol: /^https$/, error: "must be the https URL of the OIDC issuer" }),
        subject: z.string().min(1).optional(),
        subjectRegExp: z.string().min(1).optional(),
    })
    .refine((identity) => (identity.subject === undefined) !== (identity.subjectRegExp === undefined), {
        message: "needs exactly one of subject or subjectRegExp: a signature is only trusted for a named identity",
    });

const signaturePolicy = z.strictObject({
    name: dnsLabel,
    images: z.array(imageGlob).min(1),
    /** Keyless (Fulcio certificate) identities; a signature from any of them is accepted. */
    keyless: z.array(keylessIdentity).default([]),
    /** PEM public keys (cosign generate-key-pair / KMS); a signature by any of them is accepted. */
    publicKeys: z
        .array(
            z
                .string()
                .regex(
                    /^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n?$/,
                    "must be a PEM public key (-----BEGIN PUBLIC KEY----- ...)",
                ),
        )
        .default([]),
});

const policyController = z.strictObject({
    version: chartVersion.default(POLICY_CONTROLLER_CHART.version),
    namespace: dnsLabel.default("cosign-system"),
    replicas: z.number().int().min(1).max(10).default(2),
});

const signatures = z.strictObject({
    enabled: z.boolean().default(true),
    /** What happens to an image in an opted-in namespace that no policy names; `warn` only in local. */
    noMatchPolicy: z.enum(["deny", "warn"]).default("deny"),
    fulcioUrl: z.url({ protocol: /^https$/ }).default("https://fulcio.sigstore.dev"),
    rekorUrl: z.url({ protocol: /^https$/ }).default("https://rekor.sigstore.dev"),
    policies: z.array(signaturePolicy).default([]),
    policyController: policyController.default(policyController.parse({})),
});

export function admissionSchema(environment: Environment) {
    return z.strictObject({
        /** The one allowed-registry list: admission policies and the CrossGuard pack both read it. */
        allowedRegistries: z
            .array(registryPrefix)
            .min(1)
            .default([...PLATFORM_IMAGE_SOURCES]),
        requireDigest: z.boolean().default(REQUIRE_DIGEST_BY_DEFAULT[environment]),
        exemptNamespaces: z.array(exemptNamespace).default(DEFAULT_EXEMPT_NAMESPACES),
        signatures: signatures.default(signatures.parse({})),
    });
}

export type AdmissionConfig = z.infer<ReturnType<typeof admissionSchema>>;
export type SignaturePolicyConfig = AdmissionConfig["signatures"]["policies"][number];

type Issue = (path: (string | number)[], message: string, input?: unknown) => void;

/** Rules across admission keys and the namespaces the stack declares. */
export function admissionRules(admission: AdmissionConfig, applicationNamespaces: string[], environment: Environment, issue: Issue): void {
    const at = (...path: (string | number)[]) => ["admission", ...path];
    const seen = new Set<string>();
    admission.allowedRegistries.forEach((prefix, i) => {
        if (seen.has(prefix)) issue(at("allowedRegistries", i), "is listed twice", prefix);
        seen.add(prefix);
    });
    const exempt = new Set<string>();
    admission.exemptNamespaces.forEach((namespace, i) => {
        if (exempt.has(namespace.name)) issue(at("exemptNamespaces", i, "name"), "is listed twice", namespace.name);
        exempt.add(namespace.name);
        if (applicationNamespaces.includes(namespace.name)) {
            issue(at("exemptNamespaces", i, "name"), "is an application namespace; application images are always checked", namespace.name);
        }
    });
    const { signatures } = admission;
    const controller = signatures.policyController;
    if (
        signatures.enabled &&
        !exempt.has(controller.namespace) &&
        !admission.allowedRegistries.some((prefix) => POLICY_CONTROLLER_IMAGE.startsWith(prefix))
    ) {
        issue(
            at("allowedRegistries"),
            `must allow the policy-controller's own image (${POLICY_CONTROLLER_IMAGE}), e.g. with ghcr.io/sigstore/, or its pods are denied`,
            admission.allowedRegistries,
        );
    }
    if (signatures.enabled && applicationNamespaces.includes(controller.namespace)) {
        issue(
            at("signatures", "policyController", "namespace"),
            "is an application namespace; the controller gets a namespace of its own",
            controller.namespace,
        );
    }
    if (signatures.noMatchPolicy === "warn" && environment !== "local") {
        issue(
            at("signatures", "noMatchPolicy"),
            `"warn" admits unsigned images; it is for the local environment only, ${environment} uses "deny"`,
            signatures.noMatchPolicy,
        );
    }
    if (signatures.enabled && signatures.policies.length === 0) {
        issue(
            at("signatures", "policies"),
            "must name at least one policy (images and the identities or keys that sign them) while signatures.enabled is true",
            signatures.policies,
        );
    }
    const names = new Set<string>();
    signatures.policies.forEach((policy, i) => {
        if (names.has(policy.name)) issue(at("signatures", "policies", i, "name"), "is used by another policy", policy.name);
        names.add(policy.name);
        if (policy.keyless.length === 0 && policy.publicKeys.length === 0) {
            issue(at("signatures", "policies", i), "needs at least one keyless identity or public key", policy.name);
        }
        policy.images.forEach((glob, j) => {
            if (!admission.allowedRegistries.some((prefix) => glob.startsWith(prefix))) {
                issue(
                    at("signatures", "policies", i, "images", j),
                    `names images outside the allowed registries (admission.allowedRegistries: ${admission.allowedRegistries.join(", ")}); admission would deny them before any signature is checked`,
                    glob,
                );
            }
        });
        policy.keyless.forEach((identity, j) => {
            if (identity.subjectRegExp === undefined) return;
            try {
                new RegExp(identity.subjectRegExp);
            } catch (error) {
                issue(
                    at("signatures", "policies", i, "keyless", j, "subjectRegExp"),
                    `is not a valid regular expression: ${(error as Error).message}`,
                    identity.subjectRegExp,
                );
            }
        });
    });
}
