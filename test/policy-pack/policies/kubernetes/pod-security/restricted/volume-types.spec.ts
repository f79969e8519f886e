import { volumeTypes } from "../../../../../../policy-pack/policies/kubernetes/pod-security/restricted/volume-types";
import { expectPod, restrictedPod } from "../../../../helpers";

describe("pss:restricted:volume-types", () => {
    it("passes every allowed volume type", async () => {
        await expectPod(
            volumeTypes,
            {
                ...restrictedPod(),
                volumes: [
                    { name: "a", configMap: { name: "c" } },
                    { name: "b", csi: { driver: "d" } },
                    { name: "c", downwardAPI: {} },
                    { name: "d", emptyDir: {} },
                    { name: "e", ephemeral: { volumeClaimTemplate: { spec: {} } } },
                    { name: "f", persistentVolumeClaim: { claimName: "x" } },
                    { name: "g", projected: { sources: [] } },
                    { name: "h", secret: { secretName: "s" } },
                ],
            },
            false,
        );
    });
    for (const source of ["hostPath", "nfs", "iscsi", "gitRepo", "awsElasticBlockStore"]) {
        it(`flags a ${source} volume`, async () => {
            await expectPod(volumeTypes, { ...restrictedPod(), volumes: [{ name: "v", [source]: { path: "/x" } }] }, /"v"/);
        });
    }
});
