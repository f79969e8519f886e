import { pssControls } from "../../../../lib/controls";
import { podPolicy } from "../../../../lib/define";
import { containersOf, quoteList } from "../../../../lib/pod-spec";
import { arr, obj } from "../../../../lib/values";

export const hostPorts = podPolicy({
    name: "pss:baseline:host-ports",
    description: "Containers must not bind host ports.",
    severity: "high",
    remediation: "Remove ports[*].hostPort; expose the workload through a Service instead.",
    controls: pssControls("baseline", "host-ports"),
    check(pod) {
        const bad: string[] = [];
        const ports = new Set<string>();
        for (const c of containersOf(pod.spec)) {
            const used = arr(c.container.ports)
                .map((p) => obj(p).hostPort)
                .filter((p) => p !== undefined && p !== null && p !== 0);
            if (used.length) {
                bad.push(c.name);
                used.forEach((p) => ports.add(String(p)));
            }
        }
        return bad.length ? [`containers ${quoteList(bad)} use hostPort ${[...ports].join(", ")}`] : [];
    },
});
