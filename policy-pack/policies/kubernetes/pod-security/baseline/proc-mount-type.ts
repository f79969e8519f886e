import { pssControls } from "../../../../lib/controls";
import { containersOf, isUserNamespacePod, quoteList, type PodTemplate } from "../../../../lib/pod-spec";
import { podSecurityControl } from "../define";

/** Containers that set a procMount other than Default (procMount_1_0, unconditional). */
export function procMountViolations(pod: PodTemplate): string[] {
    const bad = containersOf(pod.spec).filter(
        (c) =>
            c.securityContext.procMount !== undefined && c.securityContext.procMount !== null && c.securityContext.procMount !== "Default",
    );
    if (!bad.length) return [];
    const types = [...new Set(bad.map((c) => String(c.securityContext.procMount)))];
    return [`containers ${quoteList(bad.map((c) => c.name))} must not set securityContext.procMount to ${quoteList(types)}`];
}

/**
 * check_procMount_baseline.go: 1.0 blocks any procMount but Default; from 1.35 a user-namespaced pod
 * (hostUsers: false) may set any (procMount1_35baseline). Through 1.34 that relaxation sat behind the
 * alpha UserNamespacesPodSecurityStandards gate, off by default, so no released default relaxes it.
 */
export const procMountType = podSecurityControl({
    name: "pss:baseline:proc-mount-type",
    description: "Containers must keep the default /proc masks (procMount unset or Default); from 1.35 user-namespaced pods may unmask.",
    severity: "high",
    remediation: "Remove securityContext.procMount or set it to Default (or, from Kubernetes 1.35, run the pod with hostUsers: false).",
    controls: pssControls("baseline", "proc-mount-type"),
    judge(pod, version) {
        if (version.policy >= 35 && isUserNamespacePod(pod.spec)) return [];
        return procMountViolations(pod);
    },
});
