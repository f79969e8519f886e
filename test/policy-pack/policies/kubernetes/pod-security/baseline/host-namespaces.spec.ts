import { hostNamespaces } from "../../../../../../policy-pack/policies/kubernetes/pod-security/baseline/host-namespaces";
import { expectPod, restrictedPod } from "../../../../helpers";

describe("pss:baseline:host-namespaces", () => {
    it("passes pods that keep their own namespaces (unset or false)", async () => {
        await expectPod(hostNamespaces, restrictedPod(), false);
        await expectPod(hostNamespaces, { ...restrictedPod(), hostNetwork: false, hostPID: false, hostIPC: false }, false);
    });
    for (const field of ["hostNetwork", "hostPID", "hostIPC"]) {
        it(`flags ${field}: true`, async () => {
            await expectPod(hostNamespaces, { ...restrictedPod(), [field]: true }, new RegExp(`${field}=true`));
        });
    }
});
