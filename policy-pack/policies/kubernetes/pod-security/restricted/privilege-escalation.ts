import { pssControls } from "../../../../lib/controls";
import { podPolicy } from "../../../../lib/define";
import { containersOf, isWindowsPod, quoteList } from "../../../../lib/pod-spec";

export const privilegeEscalation = podPolicy({
    name: "pss:restricted:privilege-escalation",
    description: "Every container must set allowPrivilegeEscalation: false (Linux pods).",
    severity: "high",
    remediation: "Set securityContext.allowPrivilegeEscalation: false on every container, init container and ephemeral container.",
    controls: pssControls("restricted", "privilege-escalation", ["4.2.5"]),
    check(pod) {
        if (isWindowsPod(pod.spec)) return [];
        const bad = containersOf(pod.spec)
            .filter((c) => c.securityContext.allowPrivilegeEscalation !== false)
            .map((c) => c.name);
        return bad.length ? [`containers ${quoteList(bad)} must set securityContext.allowPrivilegeEscalation=false`] : [];
    },
});
