import { pssControls } from "../../../../lib/controls";
import { annotationsOf, containersOf, podSecurityContext, quoteList } from "../../../../lib/pod-spec";
import { isObj, obj } from "../../../../lib/values";
import { podSecurityControl } from "../define";

const ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";

function allowedAnnotation(value: string): boolean {
    return value === "" || value === "runtime/default" || value.startsWith("localhost/");
}

// check_appArmorProfile.go allowedProfile: a profile, when set, must be RuntimeDefault or Localhost.
function allowedProfile(profile: unknown): boolean {
    const type = obj(profile).type;
    return !isObj(profile) || type === "RuntimeDefault" || type === "Localhost";
}

/**
 * check_appArmorProfile.go (one version, 1.0): the appArmorProfile fields and the older
 * per-container annotations, both read at every version.
 */
export const appArmor = podSecurityControl({
    name: "pss:baseline:apparmor",
    description: "AppArmor must not be disabled: no Unconfined appArmorProfile and no unconfined AppArmor annotation.",
    severity: "high",
    remediation: "Use appArmorProfile.type RuntimeDefault or Localhost (or leave it unset); drop 'unconfined' AppArmor annotations.",
    controls: pssControls("baseline", "apparmor"),
    judge(pod) {
        const messages: string[] = [];
        const badAnnotations = Object.entries(annotationsOf(pod))
            .filter(([k, v]) => k.startsWith(ANNOTATION_PREFIX) && !allowedAnnotation(v))
            .map(([k, v]) => `${k}="${v}"`);
        if (badAnnotations.length) messages.push(`forbidden AppArmor annotations ${badAnnotations.join(", ")}`);
        const setters: string[] = [];
        if (!allowedProfile(podSecurityContext(pod.spec).appArmorProfile)) setters.push("pod");
        const containers = containersOf(pod.spec)
            .filter((c) => !allowedProfile(c.securityContext.appArmorProfile))
            .map((c) => c.name);
        if (containers.length) setters.push(`containers ${quoteList(containers)}`);
        if (setters.length) messages.push(`${setters.join(" and ")} must not set securityContext.appArmorProfile.type to "Unconfined"`);
        return messages;
    },
});
