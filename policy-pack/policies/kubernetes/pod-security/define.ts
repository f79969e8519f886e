// A Pod Security Standards control as Pod Security Admission runs it: one check, judged at a
// Kubernetes version. The pack's policy judges at the configured cluster version; the admission
// emulation and the namespace-version policy call `judge` at a namespace's pinned version.
import { podPolicy } from "../../../lib/define";
import type { PodTemplate } from "../../../lib/pod-spec";
import type { ComplianceControls, ResourcePolicy, Severity } from "../../../lib/types";
import { clusterVersion, podSecurityConfig, type PodSecurityVersion } from "./versions";

export type PodSecurityLevel = "baseline" | "restricted";

export interface PodSecurityControl extends ResourcePolicy<typeof podSecurityConfig> {
    level: PodSecurityLevel;
    /**
     * Baseline policies this restricted one replaces at the restricted level, as PSA's
     * `OverrideCheckIDs` do: a restricted namespace runs this check instead of those.
     */
    overrides: string[];
    /** Violation messages for the pod at `version`; empty when PSA admits it. */
    judge(pod: PodTemplate, version: PodSecurityVersion): string[];
}

export function podSecurityControl(meta: {
    name: `pss:${PodSecurityLevel}:${string}`;
    description: string;
    severity: Severity;
    remediation: string;
    controls: ComplianceControls;
    overrides?: string[];
    judge(pod: PodTemplate, version: PodSecurityVersion): string[];
}): PodSecurityControl {
    const { judge, overrides, ...rest } = meta;
    const policy = podPolicy({ ...rest, config: podSecurityConfig, check: (pod, config) => judge(pod, clusterVersion(config)) });
    return { ...policy, level: meta.name.split(":")[1] as PodSecurityLevel, overrides: overrides ?? [], judge };
}
