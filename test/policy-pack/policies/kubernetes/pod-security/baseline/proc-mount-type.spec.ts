import { procMountType } from "../../../../../../policy-pack/policies/kubernetes/pod-security/baseline/proc-mount-type";
import { CONTAINER_LISTS, expectPod, podWithContainer, restrictedPod } from "../../../../helpers";

describe("pss:baseline:proc-mount-type", () => {
    it("passes unset and Default", async () => {
        await expectPod(procMountType, restrictedPod(), false);
        await expectPod(
            procMountType,
            podWithContainer("containers", (c) => (c.securityContext.procMount = "Default")),
            false,
        );
    });
    for (const list of CONTAINER_LISTS) {
        it(`flags Unmasked in ${list}`, async () => {
            await expectPod(
                procMountType,
                podWithContainer(list, (c) => (c.securityContext.procMount = "Unmasked")),
                /Unmasked/,
            );
        });
    }
});
