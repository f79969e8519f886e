import { pssControls } from "../../../../lib/controls";
import { podPolicy } from "../../../../lib/define";
import { containersOf, podSecurityContext, quoteList } from "../../../../lib/pod-spec";
import { isObj } from "../../../../lib/values";

const ALLOWED_TYPES = new Set(["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"]);

function violations(options: unknown): string[] {
    if (!isObj(options)) return [];
    const out: string[] = [];
    const type = options.type ?? "";
    if (!ALLOWED_TYPES.has(String(type))) out.push(`type "${String(type)}"`);
    if (options.user !== undefined && options.user !== null && options.user !== "") out.push("user may not be set");
    if (options.role !== undefined && options.role !== null && options.role !== "") out.push("role may not be set");
    return out;
}

export const seLinux = podPolicy({
    name: "pss:baseline:selinux",
    description: "SELinux type is limited to the container types, and a custom SELinux user or role is forbidden.",
    severity: "high",
    remediation: "Remove seLinuxOptions.user and .role; use type container_t, container_init_t, container_kvm_t or container_engine_t.",
    controls: pssControls("baseline", "selinux"),
    check(pod) {
        const setters: string[] = [];
        const details = new Set<string>();
        const podBad = violations(podSecurityContext(pod.spec).seLinuxOptions);
        if (podBad.length) {
            setters.push("pod");
            podBad.forEach((d) => details.add(d));
        }
        const containers: string[] = [];
        for (const c of containersOf(pod.spec)) {
            const bad = violations(c.securityContext.seLinuxOptions);
            if (bad.length) {
                containers.push(c.name);
                bad.forEach((d) => details.add(d));
            }
        }
        if (containers.length) setters.push(`containers ${quoteList(containers)}`);
        return setters.length ? [`${setters.join(" and ")} set forbidden securityContext.seLinuxOptions: ${[...details].join("; ")}`] : [];
    },
});
