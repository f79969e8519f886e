import { pssControls } from "../../../../lib/controls";
import { containersOf, isUserNamespacePod, podSecurityContext, quoteList } from "../../../../lib/pod-spec";
import { num } from "../../../../lib/values";
import { podSecurityControl } from "../define";

/** check_runAsUser.go: 1.23, and from 1.35 (runAsUser_1_35) a user-namespaced pod (hostUsers: false) passes. */
export const runningAsNonRootUser = podSecurityControl({
    name: "pss:restricted:running-as-non-root-user",
    description: "Pods and containers must not set runAsUser: 0.",
    severity: "high",
    remediation: "Set runAsUser to a non-zero UID, or remove it and let the image's non-root user apply.",
    controls: pssControls("restricted", "running-as-non-root-user", ["4.2.6"]),
    judge(pod, version) {
        if (version.policy >= 35 && isUserNamespacePod(pod.spec)) return [];
        const setters: string[] = [];
        if (num(podSecurityContext(pod.spec).runAsUser) === 0) setters.push("pod");
        const bad = containersOf(pod.spec)
            .filter((c) => num(c.securityContext.runAsUser) === 0)
            .map((c) => c.name);
        if (bad.length) setters.push(`containers ${quoteList(bad)}`);
        return setters.length ? [`${setters.join(" and ")} must not set runAsUser=0`] : [];
    },
});
