import { pssControls } from "../../../../lib/controls";
import { containersOf, hostPortOf, quoteList } from "../../../../lib/pod-spec";
import { arr } from "../../../../lib/values";
import { podSecurityControl } from "../define";

/** check_hostPorts.go (1.0), over the ports as the API server defaults them (with hostNetwork, hostPort = containerPort). */
export const hostPorts = podSecurityControl({
    name: "pss:baseline:host-ports",
    description: "Containers must not bind host ports (with hostNetwork, every container port is a host port).",
    severity: "high",
    remediation: "Remove ports[*].hostPort and hostNetwork; expose the workload through a Service instead.",
    controls: pssControls("baseline", "host-ports"),
    judge(pod) {
        const bad: string[] = [];
        const ports = new Set<string>();
        for (const c of containersOf(pod.spec)) {
            const used = arr(c.container.ports)
                .map((p) => hostPortOf(p, c, pod.spec))
                .filter((p) => p !== undefined && p !== null && p !== 0);
            if (used.length) {
                bad.push(c.name);
                used.forEach((p) => ports.add(String(p)));
            }
        }
        return bad.length ? [`containers ${quoteList(bad)} use hostPort ${[...ports].join(", ")}`] : [];
    },
});
