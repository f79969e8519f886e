import { pssControls } from "../../../../lib/controls";
import { podPolicy } from "../../../../lib/define";
import { containersOf, podSecurityContext, quoteList } from "../../../../lib/pod-spec";
import { obj } from "../../../../lib/values";

// Since Kubernetes 1.19 the admission controller judges the seccompProfile fields only; the old
// seccomp annotations are ignored by current kubelets and by the check.
export const seccompBaseline = podPolicy({
    name: "pss:baseline:seccomp",
    description: "Seccomp must not be disabled: seccompProfile.type must not be Unconfined at pod or container level.",
    severity: "high",
    remediation: "Set seccompProfile.type to RuntimeDefault or Localhost, or leave it unset.",
    controls: pssControls("baseline", "seccomp", ["4.6.2"]),
    check(pod) {
        const setters: string[] = [];
        if (obj(podSecurityContext(pod.spec).seccompProfile).type === "Unconfined") setters.push("pod");
        const bad = containersOf(pod.spec)
            .filter((c) => obj(c.securityContext.seccompProfile).type === "Unconfined")
            .map((c) => c.name);
        if (bad.length) setters.push(`containers ${quoteList(bad)}`);
        return setters.length ? [`${setters.join(" and ")} must not set securityContext.seccompProfile.type to "Unconfined"`] : [];
    },
});
