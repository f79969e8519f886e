import { seLinux } from "../../../../../../policy-pack/policies/kubernetes/pod-security/baseline/selinux";
import { CONTAINER_LISTS, expectPod, podWithContainer, restrictedPod } from "../../../../helpers";

describe("pss:baseline:selinux", () => {
    it("passes the container types and a level", async () => {
        for (const type of ["container_t", "container_init_t", "container_kvm_t", "container_engine_t", ""]) {
            await expectPod(
                seLinux,
                {
                    ...restrictedPod(),
                    securityContext: { ...restrictedPod().securityContext, seLinuxOptions: { type, level: "s0:c123,c456" } },
                },
                false,
            );
        }
    });
    it("flags a pod-level custom type, user or role", async () => {
        await expectPod(seLinux, { ...restrictedPod(), securityContext: { seLinuxOptions: { type: "spc_t" } } }, /spc_t/);
        await expectPod(seLinux, { ...restrictedPod(), securityContext: { seLinuxOptions: { user: "system_u" } } }, /user may not be set/);
        await expectPod(seLinux, { ...restrictedPod(), securityContext: { seLinuxOptions: { role: "system_r" } } }, /role may not be set/);
    });
    for (const list of CONTAINER_LISTS) {
        it(`flags a custom type in ${list}`, async () => {
            await expectPod(
                seLinux,
                podWithContainer(list, (c) => (c.securityContext.seLinuxOptions = { type: "unconfined_t" })),
                /unconfined_t/,
            );
        });
    }
});
