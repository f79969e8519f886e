import { seccompRestricted } from "../../../../../../policy-pack/policies/kubernetes/pod-security/restricted/seccomp";
import { CONTAINER_LISTS, expectPod, podWithContainer, restrictedPod } from "../../../../helpers";

describe("pss:restricted:seccomp", () => {
    it("passes a pod-level RuntimeDefault, or Localhost on every container", async () => {
        await expectPod(seccompRestricted, restrictedPod(), false);
        const spec = restrictedPod();
        spec.securityContext = { runAsNonRoot: true };
        spec.containers[0].securityContext.seccompProfile = { type: "Localhost", localhostProfile: "p.json" };
        await expectPod(seccompRestricted, spec, false);
    });
    it("flags a pod without any profile", async () => {
        await expectPod(
            seccompRestricted,
            { ...restrictedPod(), securityContext: { runAsNonRoot: true } },
            /must set securityContext\.seccompProfile\.type/,
        );
    });
    it("flags a pod-level Unconfined profile", async () => {
        await expectPod(
            seccompRestricted,
            { ...restrictedPod(), securityContext: { seccompProfile: { type: "Unconfined" } } },
            /pod must not set/,
        );
    });
    for (const list of CONTAINER_LISTS) {
        it(`flags Unconfined in ${list}`, async () => {
            await expectPod(
                seccompRestricted,
                podWithContainer(list, (c) => (c.securityContext.seccompProfile = { type: "Unconfined" })),
                new RegExp(`extra-${list}`),
            );
        });
    }
    it("exempts Windows pods", async () => {
        await expectPod(seccompRestricted, { ...restrictedPod(), securityContext: {}, os: { name: "windows" } }, false);
    });
});
