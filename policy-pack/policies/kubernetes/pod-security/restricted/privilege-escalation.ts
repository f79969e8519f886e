import { pssControls } from "../../../../lib/controls";
import { containersOf, isWindowsPod, quoteList } from "../../../../lib/pod-spec";
import { podSecurityControl } from "../define";

/** check_allowPrivilegeEscalation.go (1.8; from 1.25 Windows pods are exempt). */
export const privilegeEscalation = podSecurityControl({
    name: "pss:restricted:privilege-escalation",
    description: "Every container must set allowPrivilegeEscalation: false (Linux pods).",
    severity: "high",
    remediation: "Set securityContext.allowPrivilegeEscalation: false on every container, init container and ephemeral container.",
    controls: pssControls("restricted", "privilege-escalation", ["4.2.5"]),
    judge(pod) {
        if (isWindowsPod(pod.spec)) return [];
        const bad = containersOf(pod.spec)
            .filter((c) => c.securityContext.allowPrivilegeEscalation !== false)
            .map((c) => c.name);
        return bad.length ? [`containers ${quoteList(bad)} must set securityContext.allowPrivilegeEscalation=false`] : [];
    },
});
