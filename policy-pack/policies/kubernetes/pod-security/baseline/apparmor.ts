import { pssControls } from "../../../../lib/controls";
import { podPolicy } from "../../../../lib/define";
import { annotationsOf, containersOf, podSecurityContext, quoteList } from "../../../../lib/pod-spec";
import { obj } from "../../../../lib/values";

const ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";

function allowedAnnotation(value: string): boolean {
    return value === "" || value === "runtime/default" || value.startsWith("localhost/");
}

function allowedType(profile: unknown): boolean {
    const type = obj(profile).type;
    return type === undefined || type === null || type === "RuntimeDefault" || type === "Localhost";
}

/** The current appArmorProfile fields and the older per-container annotations, as the admission controller reads both. */
export const appArmor = podPolicy({
    name: "pss:baseline:apparmor",
    description: "AppArmor must not be disabled: no Unconfined appArmorProfile and no unconfined AppArmor annotation.",
    severity: "high",
    remediation: "Use appArmorProfile.type RuntimeDefault or Localhost (or leave it unset); drop 'unconfined' AppArmor annotations.",
    controls: pssControls("baseline", "apparmor"),
    check(pod) {
        const messages: string[] = [];
        const badAnnotations = Object.entries(annotationsOf(pod))
            .filter(([k, v]) => k.startsWith(ANNOTATION_PREFIX) && !allowedAnnotation(v))
            .map(([k, v]) => `${k}="${v}"`);
        if (badAnnotations.length) messages.push(`forbidden AppArmor annotations ${badAnnotations.join(", ")}`);
        const setters: string[] = [];
        if (!allowedType(podSecurityContext(pod.spec).appArmorProfile)) setters.push("pod");
        const containers = containersOf(pod.spec)
            .filter((c) => !allowedType(c.securityContext.appArmorProfile))
            .map((c) => c.name);
        if (containers.length) setters.push(`containers ${quoteList(containers)}`);
        if (setters.length) messages.push(`${setters.join(" and ")} must not set securityContext.appArmorProfile.type to "Unconfined"`);
        return messages;
    },
});
