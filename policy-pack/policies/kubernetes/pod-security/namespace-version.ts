import { WORKLOAD_ISOLATION } from "../../../lib/controls";
import { stackPolicy } from "../../../lib/define";
import { namespaceLabels, namespaceOf, PSS_ENFORCE_LABEL, PSS_ENFORCE_VERSION_LABEL } from "../../../lib/kubernetes";
import { podTemplateOf } from "../../../lib/pod-spec";
import { controlsAtLevel } from "./controls";
import type { PodSecurityLevel } from "./define";
import { clusterVersion, pinnedVersion, podSecurityConfig, VALID_VERSIONS_TEXT, versionText, type PodSecurityVersion } from "./versions";

interface Pin {
    level: PodSecurityLevel;
    version: PodSecurityVersion;
}

/**
 * The pss:* policies judge each pod at the cluster's version (they see one resource at a time). A
 * namespace of the stack may pin its `enforce-version` lower; PSA then judges its pods at the pin,
 * which refuses what newer versions allow (sysctls, SELinux types, user-namespace relaxations).
 * This policy judges those pods at the pin and reports what the pin refuses that the cluster's
 * version admits, and names a pin the pack does not model.
 */
export const namespaceVersion = stackPolicy({
    name: "pss:namespace-version",
    description:
        "Pods in a namespace whose pod-security.kubernetes.io/enforce-version pins an older Pod Security version are judged at that version too.",
    severity: "high",
    // New in this version and able to fail a preview: advisory first, as the review rules ask.
    enforcementLevel: "advisory",
    remediation:
        "Make the pod meet its namespace's pinned Pod Security version, or move the namespace's enforce-version label to the cluster's version (or latest).",
    controls: WORKLOAD_ISOLATION,
    config: podSecurityConfig,
    check(resources, report, config) {
        const cluster = clusterVersion(config);
        const pins = new Map<string, Pin>();
        for (const r of resources) {
            const labels = namespaceLabels(r.type, r.props);
            const level = labels[PSS_ENFORCE_LABEL];
            const label = labels[PSS_ENFORCE_VERSION_LABEL];
            const name = namespaceOf(r.type, r.props);
            if (!name || (level !== "baseline" && level !== "restricted")) continue;
            const version = pinnedVersion(label, cluster);
            if (!version) {
                report.violation(
                    `namespace "${name}" pins ${PSS_ENFORCE_VERSION_LABEL}=${JSON.stringify(label)}, which the pack does not model (valid: ${VALID_VERSIONS_TEXT}); its pods are not judged at that version`,
                    r.urn,
                );
                continue;
            }
            if (version.policy !== cluster.policy) pins.set(name, { level, version });
        }
        if (pins.size === 0) return;
        for (const r of resources) {
            const namespace = namespaceOf(r.type, r.props);
            const pin = namespace === undefined ? undefined : pins.get(namespace);
            const pod = pin && podTemplateOf(r.type, r.props);
            if (!pin || !pod) continue;
            for (const control of controlsAtLevel(pin.level)) {
                const atPin = control.judge(pod, pin.version);
                if (atPin.length === 0 || control.judge(pod, cluster).length > 0) continue;
                report.violation(
                    `${control.name} at namespace "${namespace}"'s pinned Pod Security ${versionText(pin.version)} (${pin.level}): ${atPin.join("; ")}`,
                    r.urn,
                );
            }
        }
    },
});
