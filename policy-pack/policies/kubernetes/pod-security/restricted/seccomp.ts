import { pssControls } from "../../../../lib/controls";
import { containersOf, isWindowsPod, podSecurityContext, quoteList } from "../../../../lib/pod-spec";
import { isObj, obj } from "../../../../lib/values";
import { podSecurityControl } from "../define";

function valid(profile: unknown): boolean {
    const type = obj(profile).type;
    return type === "RuntimeDefault" || type === "Localhost";
}

/** check_seccompProfile_restricted.go (1.19; from 1.25 Windows pods are exempt); replaces pss:baseline:seccomp at restricted. */
export const seccompRestricted = podSecurityControl({
    name: "pss:restricted:seccomp",
    description: "Seccomp must be RuntimeDefault or Localhost, at pod level or on every container (Linux pods).",
    severity: "high",
    remediation: "Set spec.securityContext.seccompProfile.type: RuntimeDefault on the pod.",
    controls: pssControls("restricted", "seccomp", ["4.6.2"]),
    overrides: ["pss:baseline:seccomp"],
    judge(pod) {
        if (isWindowsPod(pod.spec)) return [];
        const podProfile = podSecurityContext(pod.spec).seccompProfile;
        const setters: string[] = [];
        const podSet = isObj(podProfile);
        if (podSet && !valid(podProfile)) setters.push("pod");
        const containers = containersOf(pod.spec);
        const explicit = containers
            .filter((c) => isObj(c.securityContext.seccompProfile) && !valid(c.securityContext.seccompProfile))
            .map((c) => c.name);
        if (explicit.length) setters.push(`containers ${quoteList(explicit)}`);
        if (setters.length)
            return [
                `${setters.join(" and ")} must not set securityContext.seccompProfile.type to a value other than "RuntimeDefault" or "Localhost"`,
            ];
        const podValid = podSet && valid(podProfile);
        const implicit = containers.filter((c) => !isObj(c.securityContext.seccompProfile) && !podValid).map((c) => c.name);
        return implicit.length
            ? [`pod or containers ${quoteList(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`]
            : [];
    },
});
