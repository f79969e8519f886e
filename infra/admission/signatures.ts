// Image signature verification with the Sigstore policy-controller: chart values and ClusterImagePolicies
// as plain data, so tests read them without mocks.
import { MANAGED_BY } from "../namespaces/baseline";
import { parseReference } from "./image-rules";
import type { AdmissionConfig, SignaturePolicyConfig } from "./config";

/** Namespaces carrying this label have every image's signature verified by the policy-controller. */
export const SIGNATURE_OPT_IN_LABEL = { key: "policy.sigstore.dev/include", value: "true" } as const;

const NONROOT_UID = 65532;

/** Chart values for sigstore/policy-controller: fail closed, opted-in namespaces only, restricted pods. */
/**
 * The chart writes the cleanup hook's image as `<repository>:<version>`, so the version carries the tag and
 * any digest. Config validation has made sure the image has a tag.
 */
export function cleanupImageValues(image: string): { repository: string; version: string; pullPolicy: string } {
    const [name, digest] = image.split("@", 2) as [string, string | undefined];
    const colon = name.lastIndexOf(":");
    if (colon <= name.lastIndexOf("/"))
        throw new Error(`the uninstall hook's image ${image} has no tag; the policy-controller chart needs one`);
    return {
        repository: name.slice(0, colon),
        version: `${name.slice(colon + 1)}${digest ? `@${digest}` : ""}`,
        pullPolicy: "IfNotPresent",
    };
}

/**
 * `cleanupImage` runs the chart's post-delete hook (`kubectl delete leases` in its namespace): the provider's
 * uninstall always runs delete hooks, so it must come from an allowed registry, pinned (the platform's tools image).
 */
export function policyControllerValues(admission: AdmissionConfig, cleanupImage: string): Record<string, unknown> {
    const { signatures } = admission;
    const replicas = signatures.policyController.replicas;
    return {
        installCRDs: true,
        leasescleanup: {
            image: cleanupImageValues(cleanupImage),
            resources: { requests: { cpu: "10m", memory: "64Mi" }, limits: { cpu: "100m", memory: "128Mi" } },
        },
        webhook: {
            replicaCount: replicas,
            // An unreachable webhook denies rather than admits unverified images.
            failurePolicy: "Fail",
            namespaceSelector: {
                matchExpressions: [{ key: SIGNATURE_OPT_IN_LABEL.key, operator: "In", values: [SIGNATURE_OPT_IN_LABEL.value] }],
            },
            // Images that no ClusterImagePolicy names are denied (or, in local only, warned about).
            configData: { "no-match-policy": signatures.noMatchPolicy },
            // The chart calls the pod's security context `securityContext` and the container's `podSecurityContext`.
            securityContext: {
                enabled: true,
                runAsNonRoot: true,
                runAsUser: NONROOT_UID,
                runAsGroup: NONROOT_UID,
                fsGroup: NONROOT_UID,
                seccompProfile: { type: "RuntimeDefault" },
            },
            podSecurityContext: {
                enabled: true,
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                runAsUser: NONROOT_UID,
                capabilities: { drop: ["ALL"] },
                seccompProfile: { type: "RuntimeDefault" },
            },
            resources: {
                requests: { cpu: "100m", memory: "128Mi" },
                limits: { cpu: "500m", memory: "512Mi" },
            },
            podDisruptionBudget: { enabled: replicas > 1, minAvailable: 1 },
            serviceAccount: { create: true },
            service: { type: "ClusterIP", port: 443 },
        },
        serviceMonitor: { enabled: false },
    };
}

interface Authority {
    name: string;
    keyless?: { url: string; identities: ({ issuer: string; subject: string } | { issuer: string; subjectRegExp: string })[] };
    key?: { data: string; hashAlgorithm: string };
    static?: { action: "pass" };
    ctlog?: { url: string };
}

/**
 * An image the platform itself runs in namespaces the policy-controller checks (the injected Istio proxy),
 * whose publisher signs nothing the controller could verify. Admitted by a ClusterImagePolicy of its own.
 */
export interface PlatformImage {
    /** The policy's name. */
    name: string;
    /** The exact reference the platform configures (digest-pinned where admission requires digests). */
    image: string;
    /** Why this image is admitted without a signature. */
    reason: string;
}

export interface ClusterImagePolicyManifest {
    apiVersion: "policy.sigstore.dev/v1beta1";
    kind: "ClusterImagePolicy";
    metadata: { name: string; labels: Record<string, string>; annotations?: Record<string, string> };
    spec: { mode: "enforce"; images: { glob: string }[]; authorities: Authority[] };
}

function authorities(policy: SignaturePolicyConfig, admission: AdmissionConfig): Authority[] {
    const { fulcioUrl, rekorUrl } = admission.signatures;
    const result: Authority[] = [];
    if (policy.keyless.length > 0) {
        result.push({
            name: "keyless",
            keyless: {
                url: fulcioUrl,
                identities: policy.keyless.map((identity) =>
                    identity.subject !== undefined
                        ? { issuer: identity.issuer, subject: identity.subject }
                        : { issuer: identity.issuer, subjectRegExp: identity.subjectRegExp! },
                ),
            },
            // Signatures must be in the transparency log, so a stolen identity's signatures are visible.
            ctlog: { url: rekorUrl },
        });
    }
    policy.publicKeys.forEach((data, i) => {
        result.push({ name: `key-${i + 1}`, key: { data, hashAlgorithm: "sha256" }, ctlog: { url: rekorUrl } });
    });
    return result;
}

/**
 * The narrowest glob policy-controller accepts for one image: its repository as go-containerregistry names it
 * (the spelling the webhook matches), then `*`, which spans the tag or digest but no further path. Globs
 * cannot name a digest (policy-controller refuses "@"), so the digest itself is held by the image rules.
 */
export function imageGlob(image: string): string {
    return `${parseReference(image).repository}*`;
}

/** The injected Istio proxy: Istio publishes no Sigstore signature for proxyv2; its digest is pinned by mesh.proxyImage where required. */
export function istioProxyImage(image: string): PlatformImage {
    return {
        name: "platform-istio-proxy",
        image,
        reason: "the sidecar and gateway proxy that istiod injects into every meshed pod; Istio publishes no Sigstore signatures for it, and where admission requires digests mesh.proxyImage pins it by digest",
    };
}

/** Reasoned policies for the platform's own unsigned images: that repository only, no signature required. */
export function platformImagePolicies(images: readonly PlatformImage[]): ClusterImagePolicyManifest[] {
    return images.map(({ name, image, reason }) => ({
        apiVersion: "policy.sigstore.dev/v1beta1",
        kind: "ClusterImagePolicy",
        metadata: { name, labels: MANAGED_BY, annotations: { "secure-platform/reason": reason, "secure-platform/image": image } },
        spec: {
            mode: "enforce",
            images: [{ glob: imageGlob(image) }],
            authorities: [{ name: "platform-image", static: { action: "pass" } }],
        },
    }));
}

/** One ClusterImagePolicy per configured policy; an image must satisfy every policy whose glob matches it. */
export function clusterImagePolicies(
    admission: AdmissionConfig,
    platformImages: readonly PlatformImage[] = [],
): ClusterImagePolicyManifest[] {
    return [
        ...admission.signatures.policies.map((policy): ClusterImagePolicyManifest => ({
            apiVersion: "policy.sigstore.dev/v1beta1",
            kind: "ClusterImagePolicy",
            metadata: { name: policy.name, labels: MANAGED_BY },
            spec: {
                mode: "enforce",
                images: policy.images.map((glob) => ({ glob })),
                authorities: authorities(policy, admission),
            },
        })),
        ...platformImagePolicies(platformImages),
    ];
}
