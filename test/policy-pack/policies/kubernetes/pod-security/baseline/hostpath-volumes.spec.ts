import { hostPathVolumes } from "../../../../../../policy-pack/policies/kubernetes/pod-security/baseline/hostpath-volumes";
import { expectPod, restrictedPod } from "../../../../helpers";

describe("pss:baseline:hostpath-volumes", () => {
    it("passes pods without hostPath volumes", async () => {
        await expectPod(hostPathVolumes, restrictedPod(), false);
        await expectPod(
            hostPathVolumes,
            { ...restrictedPod(), volumes: [{ name: "data", persistentVolumeClaim: { claimName: "d" } }] },
            false,
        );
    });
    it("flags a hostPath volume", async () => {
        await expectPod(
            hostPathVolumes,
            { ...restrictedPod(), volumes: [{ name: "docker", hostPath: { path: "/var/run/docker.sock" } }] },
            /"docker"/,
        );
    });
});
