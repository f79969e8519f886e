import { runningAsNonRoot } from "../../../../../../policy-pack/policies/kubernetes/pod-security/restricted/running-as-non-root";
import { CONTAINER_LISTS, expectPod, podWithContainer, restrictedPod } from "../../../../helpers";

describe("pss:restricted:running-as-non-root", () => {
    it("passes pod-level true, or true on every container", async () => {
        await expectPod(runningAsNonRoot, restrictedPod(), false);
        const spec = restrictedPod();
        spec.securityContext = {};
        spec.containers[0].securityContext.runAsNonRoot = true;
        await expectPod(runningAsNonRoot, spec, false);
    });
    it("flags no setting at all", async () => {
        await expectPod(runningAsNonRoot, { ...restrictedPod(), securityContext: {} }, /must set securityContext\.runAsNonRoot=true/);
    });
    it("flags pod-level false", async () => {
        await expectPod(runningAsNonRoot, { ...restrictedPod(), securityContext: { runAsNonRoot: false } }, /pod must not set/);
    });
    for (const list of CONTAINER_LISTS) {
        it(`flags false in ${list} even when the pod sets true`, async () => {
            await expectPod(
                runningAsNonRoot,
                podWithContainer(list, (c) => (c.securityContext.runAsNonRoot = false)),
                new RegExp(`extra-${list}`),
            );
        });
    }
});
