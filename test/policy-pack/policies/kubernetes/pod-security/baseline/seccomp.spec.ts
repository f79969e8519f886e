import { seccompBaseline } from "../../../../../../policy-pack/policies/kubernetes/pod-security/baseline/seccomp";
import { CONTAINER_LISTS, expectPod, podWithContainer, restrictedPod } from "../../../../helpers";

describe("pss:baseline:seccomp", () => {
    it("passes unset, RuntimeDefault and Localhost", async () => {
        await expectPod(seccompBaseline, { ...restrictedPod(), securityContext: {} }, false);
        await expectPod(
            seccompBaseline,
            podWithContainer("containers", (c) => (c.securityContext.seccompProfile = { type: "Localhost", localhostProfile: "p.json" })),
            false,
        );
    });
    it("flags a pod-level Unconfined profile", async () => {
        await expectPod(
            seccompBaseline,
            { ...restrictedPod(), securityContext: { seccompProfile: { type: "Unconfined" } } },
            /pod must not set/,
        );
    });
    for (const list of CONTAINER_LISTS) {
        it(`flags Unconfined in ${list}`, async () => {
            await expectPod(
                seccompBaseline,
                podWithContainer(list, (c) => (c.securityContext.seccompProfile = { type: "Unconfined" })),
                /extra-/,
            );
        });
    }
});
