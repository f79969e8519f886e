// The Kubernetes versions whose Pod Security Admission the pack models, and how a version is named.
// PSA picks, per check, the newest `VersionedCheck` whose MinimumVersion is at or below the policy
// version (policy/registry.go, inflateVersions), so a version here is a minor of Kubernetes 1.
import { z } from "zod";
import type { PackConfig } from "../../../lib/config";
import { perKey } from "../../../lib/memo";
import type { AnyPolicy } from "../../../lib/types";

/** Every release the pod-security policies model exactly, oldest first; the last is the newest released. */
export const KUBERNETES_VERSIONS = ["1.30", "1.31", "1.32", "1.33", "1.34", "1.35", "1.36"] as const;
export type KubernetesVersion = (typeof KUBERNETES_VERSIONS)[number];
export const NEWEST_KUBERNETES: KubernetesVersion = KUBERNETES_VERSIONS[KUBERNETES_VERSIONS.length - 1];

/**
 * What a check runs at: the policy version (the namespace's `enforce-version`, clamped to the
 * cluster's) and the cluster's own version, which decides the behaviour PSA patched into an old
 * check function instead of adding a version (the `image` volume type, 1.33).
 */
export interface PodSecurityVersion {
    policy: number;
    cluster: number;
}

/**
 * The minor of "1.33", "v1.33" or "latest" (the newest), or undefined for anything else. Every
 * pod-security policy asks for the minor of the same configured version on every resource.
 */
export const minorOf: (value: string) => number | undefined = perKey(parseMinor, 1000);

function parseMinor(value: string): number | undefined {
    if (value === "latest") return minorOf(NEWEST_KUBERNETES);
    const match = /^v?1\.(\d+)$/.exec(value.trim());
    return match ? Number(match[1]) : undefined;
}

const OLDEST_MINOR = minorOf(KUBERNETES_VERSIONS[0])!;
const NEWEST_MINOR = minorOf(NEWEST_KUBERNETES)!;

export function isModelled(minor: number): boolean {
    return minor >= OLDEST_MINOR && minor <= NEWEST_MINOR;
}

export const VALID_VERSIONS_TEXT = `"latest" or one of ${KUBERNETES_VERSIONS.map((v) => `"${v}"`).join(", ")} (a leading "v" is accepted)`;

/** The one setting every pod-security policy takes: the cluster's Kubernetes version. */
export const podSecurityConfig = z.object({
    kubernetesVersion: z
        .string()
        .superRefine((v, ctx) => {
            if (!isModelledVersion(v))
                ctx.addIssue({
                    code: "custom",
                    message: `${JSON.stringify(v)} is not a modelled Kubernetes version; valid: ${VALID_VERSIONS_TEXT}`,
                });
        })
        // Published in the JSON schema too, so that the Pulumi CLI refuses a bad value before any policy runs.
        .meta({ enum: ["latest", ...KUBERNETES_VERSIONS, ...KUBERNETES_VERSIONS.map((v) => `v${v}`)] })
        .optional()
        .describe("The cluster's Kubernetes version, which Pod Security Admission judges by; the newest released when unset."),
});

/** The version a pod is judged at when its namespace pins none: the configured cluster version, else the newest. */
export function clusterVersion(config: { kubernetesVersion?: string }): PodSecurityVersion {
    const minor = minorOf(config.kubernetesVersion ?? "latest") ?? NEWEST_MINOR;
    return { policy: minor, cluster: minor };
}

/**
 * The version PSA uses for a namespace's `enforce-version` label on a cluster of `cluster`: "latest"
 * (or no label) is the cluster's own version, and a pin above it is clamped down to it
 * (registry.go EvaluatePod). Undefined for a label outside the modelled releases or not a version.
 */
export function pinnedVersion(label: string | undefined, cluster: PodSecurityVersion): PodSecurityVersion | undefined {
    if (label === undefined || label === "latest") return cluster;
    const minor = minorOf(label);
    if (minor === undefined || minor < OLDEST_MINOR) return undefined;
    return { policy: Math.min(minor, cluster.cluster), cluster: cluster.cluster };
}

export function versionText(version: PodSecurityVersion): string {
    return version.policy === version.cluster ? `v1.${version.policy}` : `v1.${version.policy} on a 1.${version.cluster} cluster`;
}

export function isModelledVersion(value: string): boolean {
    const minor = minorOf(value);
    return minor !== undefined && isModelled(minor);
}

/** The pack config with `kubernetesVersion` set on every pod-security policy, as `check --kubernetes-version` asks. */
export function withKubernetesVersion(config: PackConfig, version: string, policies: AnyPolicy[]): PackConfig {
    const out: PackConfig = { ...config };
    for (const policy of policies.filter((p) => p.config === podSecurityConfig)) {
        const entry = out[policy.name];
        out[policy.name] =
            typeof entry === "string" ? { enforcementLevel: entry, kubernetesVersion: version } : { ...entry, kubernetesVersion: version };
    }
    return out;
}
