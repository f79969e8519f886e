import { containerLimits } from "../../../../../policy-pack/policies/kubernetes/resources/container-limits";
import { expectPod, podWithContainer, restrictedPod } from "../../../helpers";

describe("k8s:resources:container-limits", () => {
    it("passes containers with requests and a memory limit", async () => {
        await expectPod(containerLimits, restrictedPod(), false);
    });
    it("flags a container or init container without them, but not an ephemeral container", async () => {
        await expectPod(
            containerLimits,
            podWithContainer("containers", () => undefined),
            /limits\.memory/,
        );
        await expectPod(
            containerLimits,
            podWithContainer("initContainers", () => undefined),
            /requests\.cpu/,
        );
        await expectPod(
            containerLimits,
            podWithContainer("ephemeralContainers", () => undefined),
            false,
        );
    });
    it("requires a CPU limit when configured", async () => {
        await expectPod(containerLimits, restrictedPod(), /limits\.cpu/, {}, { requireCpuLimit: true });
    });
});
