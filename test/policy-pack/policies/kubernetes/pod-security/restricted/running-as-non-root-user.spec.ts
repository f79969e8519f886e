import { runningAsNonRootUser } from "../../../../../../policy-pack/policies/kubernetes/pod-security/restricted/running-as-non-root-user";
import { CONTAINER_LISTS, expectPod, podWithContainer, restrictedPod } from "../../../../helpers";

describe("pss:restricted:running-as-non-root-user", () => {
    it("passes unset and non-zero UIDs", async () => {
        await expectPod(runningAsNonRootUser, restrictedPod(), false);
        await expectPod(
            runningAsNonRootUser,
            { ...restrictedPod(), securityContext: { ...restrictedPod().securityContext, runAsUser: 1000 } },
            false,
        );
    });
    it("flags runAsUser 0 on the pod", async () => {
        await expectPod(runningAsNonRootUser, { ...restrictedPod(), securityContext: { runAsUser: 0 } }, /pod must not set runAsUser=0/);
    });
    for (const list of CONTAINER_LISTS) {
        it(`flags runAsUser 0 in ${list}`, async () => {
            await expectPod(
                runningAsNonRootUser,
                podWithContainer(list, (c) => (c.securityContext.runAsUser = 0)),
                new RegExp(`extra-${list}`),
            );
        });
    }
});
