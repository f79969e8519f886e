import { appArmor } from "../../../../../../policy-pack/policies/kubernetes/pod-security/baseline/apparmor";
import { CONTAINER_LISTS, expectPod, podWithContainer, restrictedPod } from "../../../../helpers";

const KEY = "container.apparmor.security.beta.kubernetes.io/app";

describe("pss:baseline:apparmor", () => {
    it("passes RuntimeDefault and Localhost profiles, by field and by annotation", async () => {
        await expectPod(
            appArmor,
            { ...restrictedPod(), securityContext: { ...restrictedPod().securityContext, appArmorProfile: { type: "RuntimeDefault" } } },
            false,
        );
        await expectPod(
            appArmor,
            podWithContainer("containers", (c) => (c.securityContext.appArmorProfile = { type: "Localhost", localhostProfile: "k8s-app" })),
            false,
        );
        await expectPod(appArmor, restrictedPod(), false, { annotations: { [KEY]: "runtime/default" } });
        await expectPod(appArmor, restrictedPod(), false, { annotations: { [KEY]: "localhost/k8s-app" } });
    });
    it("flags a pod-level Unconfined profile", async () => {
        await expectPod(appArmor, { ...restrictedPod(), securityContext: { appArmorProfile: { type: "Unconfined" } } }, /pod must not set/);
    });
    for (const list of CONTAINER_LISTS) {
        it(`flags an Unconfined profile in ${list}`, async () => {
            await expectPod(
                appArmor,
                podWithContainer(list, (c) => (c.securityContext.appArmorProfile = { type: "Unconfined" })),
                /extra-/,
            );
        });
    }
    it("flags the older unconfined annotation on the pod template", async () => {
        await expectPod(appArmor, restrictedPod(), /unconfined/, { annotations: { [KEY]: "unconfined" } });
    });
});
