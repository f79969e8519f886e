import { hostPorts } from "../../../../../../policy-pack/policies/kubernetes/pod-security/baseline/host-ports";
import { CONTAINER_LISTS, expectPod, podWithContainer, restrictedPod } from "../../../../helpers";

describe("pss:baseline:host-ports", () => {
    it("passes container ports without hostPort, and hostPort 0", async () => {
        await expectPod(
            hostPorts,
            podWithContainer("containers", (c) => (c.ports = [{ containerPort: 8080 }, { containerPort: 9090, hostPort: 0 }])),
            false,
        );
    });
    for (const list of CONTAINER_LISTS) {
        it(`flags a hostPort in ${list}`, async () => {
            await expectPod(
                hostPorts,
                podWithContainer(list, (c) => (c.ports = [{ containerPort: 80, hostPort: 80 }])),
                /hostPort 80/,
            );
        });
    }
    it("passes the restricted pod", async () => {
        await expectPod(hostPorts, restrictedPod(), false);
    });
});
