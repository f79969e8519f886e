import { z } from "zod";
import { WORKLOAD_ISOLATION } from "../../../lib/controls";
import { podPolicy } from "../../../lib/define";
import { containersOf, quoteList } from "../../../lib/pod-spec";
import { at } from "../../../lib/values";

const REQUIRED = ["requests.cpu", "requests.memory", "limits.memory"];
const WITH_CPU_LIMIT = [...REQUIRED, "limits.cpu"];

/** Requests let the scheduler place pods honestly; a memory limit stops one pod starving a node. */
export const containerLimits = podPolicy({
    name: "k8s:resources:container-limits",
    description: "Containers and init containers set CPU and memory requests and a memory limit.",
    severity: "medium",
    enforcementLevel: "advisory",
    remediation: "Set resources.requests.cpu, resources.requests.memory and resources.limits.memory on every container.",
    controls: { ...WORKLOAD_ISOLATION, "SOC 2": ["A1.1"], "ISO 27001:2022": ["A.8.6"] },
    config: z.object({ requireCpuLimit: z.boolean().default(false) }),
    check(pod, config) {
        const messages: string[] = [];
        const missing = new Map<string, string[]>();
        const required = config.requireCpuLimit ? WITH_CPU_LIMIT : REQUIRED;
        for (const c of containersOf(pod.spec)) {
            if (c.list === "ephemeralContainers") continue; // ephemeral containers cannot set resources
            const absent = required.filter((p) => {
                const v = at(c.container.resources, p);
                return v === undefined || v === null || v === "";
            });
            if (absent.length) missing.set(c.name, absent);
        }
        for (const [name, absent] of missing)
            messages.push(`container ${quoteList([name])} does not set resources.${absent.join(", resources.")}`);
        return messages;
    },
});
