import { hostProcess } from "../../../../../../policy-pack/policies/kubernetes/pod-security/baseline/host-process";
import { CONTAINER_LISTS, expectPod, podWithContainer, restrictedPod } from "../../../../helpers";

describe("pss:baseline:host-process", () => {
    it("passes pods without HostProcess, and hostProcess: false", async () => {
        await expectPod(hostProcess, restrictedPod(), false);
        await expectPod(
            hostProcess,
            { ...restrictedPod(), os: { name: "windows" }, securityContext: { windowsOptions: { hostProcess: false } } },
            false,
        );
    });
    it("flags a pod-level HostProcess Windows pod", async () => {
        await expectPod(
            hostProcess,
            { ...restrictedPod(), os: { name: "windows" }, securityContext: { windowsOptions: { hostProcess: true } }, hostNetwork: true },
            /pod must not set/,
        );
    });
    for (const list of CONTAINER_LISTS) {
        it(`flags a HostProcess container in ${list}`, async () => {
            await expectPod(
                hostProcess,
                podWithContainer(list, (c) => (c.securityContext.windowsOptions = { hostProcess: true })),
                /extra-/,
            );
        });
    }
});
