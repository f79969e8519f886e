import { pssControls } from "../../../../lib/controls";
import { containersOf, podSecurityContext, quoteList } from "../../../../lib/pod-spec";
import { obj } from "../../../../lib/values";
import { podSecurityControl } from "../define";

// check_seccompProfile_baseline.go: from policy 1.19 the seccompProfile fields alone are read (the
// annotations only below 1.19). At the restricted level pss:restricted:seccomp replaces it.
export const seccompBaseline = podSecurityControl({
    name: "pss:baseline:seccomp",
    description: "Seccomp must not be disabled: seccompProfile.type must not be Unconfined at pod or container level.",
    severity: "high",
    remediation: "Set seccompProfile.type to RuntimeDefault or Localhost, or leave it unset.",
    controls: pssControls("baseline", "seccomp", ["4.6.2"]),
    judge(pod) {
        const setters: string[] = [];
        if (obj(podSecurityContext(pod.spec).seccompProfile).type === "Unconfined") setters.push("pod");
        const bad = containersOf(pod.spec)
            .filter((c) => obj(c.securityContext.seccompProfile).type === "Unconfined")
            .map((c) => c.name);
        if (bad.length) setters.push(`containers ${quoteList(bad)}`);
        return setters.length ? [`${setters.join(" and ")} must not set securityContext.seccompProfile.type to "Unconfined"`] : [];
    },
});
