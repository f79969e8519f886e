import { privilegeEscalation } from "../../../../../../policy-pack/policies/kubernetes/pod-security/restricted/privilege-escalation";
import { CONTAINER_LISTS, expectPod, podWithContainer, restrictedPod } from "../../../../helpers";

describe("pss:restricted:privilege-escalation", () => {
    it("passes allowPrivilegeEscalation: false everywhere", async () => {
        await expectPod(privilegeEscalation, restrictedPod(), false);
    });
    for (const list of CONTAINER_LISTS) {
        it(`flags unset or true in ${list}`, async () => {
            await expectPod(
                privilegeEscalation,
                podWithContainer(list, (c) => delete c.securityContext.allowPrivilegeEscalation),
                new RegExp(`extra-${list}`),
            );
            await expectPod(
                privilegeEscalation,
                podWithContainer(list, (c) => (c.securityContext.allowPrivilegeEscalation = true)),
                new RegExp(`extra-${list}`),
            );
        });
    }
    it("exempts Windows pods, as the admission controller does", async () => {
        await expectPod(
            privilegeEscalation,
            { ...podWithContainer("containers", (c) => delete c.securityContext.allowPrivilegeEscalation), os: { name: "windows" } },
            false,
        );
    });
});
