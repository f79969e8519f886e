import { capabilitiesBaseline } from "../../../../../../policy-pack/policies/kubernetes/pod-security/baseline/capabilities";
import { CONTAINER_LISTS, expectPod, podWithContainer, restrictedPod } from "../../../../helpers";

describe("pss:baseline:capabilities", () => {
    it("passes the default set and no additions", async () => {
        await expectPod(capabilitiesBaseline, restrictedPod(), false);
        await expectPod(
            capabilitiesBaseline,
            podWithContainer("containers", (c) => (c.securityContext.capabilities.add = ["CHOWN", "NET_BIND_SERVICE", "SYS_CHROOT"])),
            false,
        );
    });
    for (const list of CONTAINER_LISTS) {
        it(`flags NET_ADMIN added in ${list}`, async () => {
            await expectPod(
                capabilitiesBaseline,
                podWithContainer(list, (c) => (c.securityContext.capabilities.add = ["NET_ADMIN"])),
                /NET_ADMIN/,
            );
        });
    }
    it("compares names exactly, as the admission controller does (CAP_CHOWN is not CHOWN)", async () => {
        await expectPod(
            capabilitiesBaseline,
            podWithContainer("containers", (c) => (c.securityContext.capabilities.add = ["CAP_CHOWN"])),
            /CAP_CHOWN/,
        );
    });
});
