import { hostProbes } from "../../../../../../policy-pack/policies/kubernetes/pod-security/baseline/host-probes";
import { CONTAINER_LISTS, expectPod, podWithContainer, restrictedPod } from "../../../../helpers";

describe("pss:baseline:host-probes", () => {
    it("passes probes and handlers without a host (or with an empty one)", async () => {
        await expectPod(hostProbes, restrictedPod(), false);
        await expectPod(
            hostProbes,
            podWithContainer("containers", (c) => {
                c.livenessProbe = { httpGet: { path: "/healthz", port: 8080, host: "" } };
                c.lifecycle = { preStop: { httpGet: { path: "/drain", port: 8080 } } };
            }),
            false,
        );
    });
    for (const list of CONTAINER_LISTS) {
        for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"]) {
            it(`flags ${probe}.httpGet.host in ${list}`, async () => {
                await expectPod(
                    hostProbes,
                    podWithContainer(list, (c) => (c[probe] = { httpGet: { host: "169.254.169.254", path: "/", port: 80 } })),
                    /169\.254\.169\.254/,
                );
            });
        }
    }
    it("flags tcpSocket hosts and lifecycle handler hosts", async () => {
        await expectPod(
            hostProbes,
            podWithContainer("containers", (c) => (c.readinessProbe = { tcpSocket: { host: "10.0.0.1", port: 22 } })),
            /10\.0\.0\.1/,
        );
        await expectPod(
            hostProbes,
            podWithContainer("initContainers", (c) => (c.lifecycle = { postStart: { httpGet: { host: "example.com", port: 80 } } })),
            /example\.com/,
        );
        await expectPod(
            hostProbes,
            podWithContainer("containers", (c) => (c.lifecycle = { preStop: { tcpSocket: { host: "db", port: 5432 } } })),
            /"db"/,
        );
    });
});
