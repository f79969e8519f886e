import { pssControls } from "../../../../lib/controls";
import { podPolicy } from "../../../../lib/define";
import { containersOf, podSecurityContext, quoteList } from "../../../../lib/pod-spec";
import { num } from "../../../../lib/values";

export const runningAsNonRootUser = podPolicy({
    name: "pss:restricted:running-as-non-root-user",
    description: "Pods and containers must not set runAsUser: 0.",
    severity: "high",
    remediation: "Set runAsUser to a non-zero UID, or remove it and let the image's non-root user apply.",
    controls: pssControls("restricted", "running-as-non-root-user", ["4.2.6"]),
    check(pod) {
        const setters: string[] = [];
        if (num(podSecurityContext(pod.spec).runAsUser) === 0) setters.push("pod");
        const bad = containersOf(pod.spec)
            .filter((c) => num(c.securityContext.runAsUser) === 0)
            .map((c) => c.name);
        if (bad.length) setters.push(`containers ${quoteList(bad)}`);
        return setters.length ? [`${setters.join(" and ")} must not set runAsUser=0`] : [];
    },
});
