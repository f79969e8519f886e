import { privilegedContainers } from "../../../../../../policy-pack/policies/kubernetes/pod-security/baseline/privileged-containers";
import { CONTAINER_LISTS, expectPod, podWithContainer, restrictedPod } from "../../../../helpers";

describe("pss:baseline:privileged-containers", () => {
    it("passes unprivileged containers (unset or false)", async () => {
        await expectPod(privilegedContainers, restrictedPod(), false);
        await expectPod(
            privilegedContainers,
            podWithContainer("containers", (c) => (c.securityContext.privileged = false)),
            false,
        );
    });
    for (const list of CONTAINER_LISTS) {
        it(`flags a privileged container in ${list}`, async () => {
            await expectPod(
                privilegedContainers,
                podWithContainer(list, (c) => (c.securityContext.privileged = true)),
                new RegExp(`extra-${list}`),
            );
        });
    }
});
