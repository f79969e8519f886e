import { pssControls } from "../../../../lib/controls";
import { containersOf, podSecurityContext, quoteList } from "../../../../lib/pod-spec";
import { isObj } from "../../../../lib/values";
import { podSecurityControl } from "../define";
import type { PodSecurityVersion } from "../versions";

// check_seLinuxOptions.go: selinuxAllowedTypes1_0, and from 1.31 container_engine_t too (selinuxAllowedTypes1_31).
const TYPES_1_0 = ["", "container_t", "container_init_t", "container_kvm_t"];
const TYPES_1_31 = [...TYPES_1_0, "container_engine_t"];

function violations(options: unknown, version: PodSecurityVersion): string[] {
    if (!isObj(options)) return [];
    const out: string[] = [];
    const type = String(options.type ?? "");
    if (!(version.policy >= 31 ? TYPES_1_31 : TYPES_1_0).includes(type)) out.push(`type "${type}"`);
    if (options.user !== undefined && options.user !== null && options.user !== "") out.push("user may not be set");
    if (options.role !== undefined && options.role !== null && options.role !== "") out.push("role may not be set");
    return out;
}

export const seLinux = podSecurityControl({
    name: "pss:baseline:selinux",
    description: "SELinux type is limited to the container types, and a custom SELinux user or role is forbidden.",
    severity: "high",
    remediation:
        "Remove seLinuxOptions.user and .role; use type container_t, container_init_t, container_kvm_t or (from 1.31) container_engine_t.",
    controls: pssControls("baseline", "selinux"),
    judge(pod, version) {
        const setters: string[] = [];
        const details = new Set<string>();
        const podBad = violations(podSecurityContext(pod.spec).seLinuxOptions, version);
        if (podBad.length) {
            setters.push("pod");
            podBad.forEach((d) => details.add(d));
        }
        const containers: string[] = [];
        for (const c of containersOf(pod.spec)) {
            const bad = violations(c.securityContext.seLinuxOptions, version);
            if (bad.length) {
                containers.push(c.name);
                bad.forEach((d) => details.add(d));
            }
        }
        if (containers.length) setters.push(`containers ${quoteList(containers)}`);
        return setters.length ? [`${setters.join(" and ")} set forbidden securityContext.seLinuxOptions: ${[...details].join("; ")}`] : [];
    },
});
