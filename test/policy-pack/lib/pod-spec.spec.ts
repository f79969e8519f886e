import { strict as assert } from "node:assert";
import { containersOf, isPodBearing, podTemplateOf } from "../../../policy-pack/lib/pod-spec";
import { POD_KINDS, restrictedPod } from "../helpers";

describe("lib/pod-spec", () => {
    it("finds the pod template of every pod-bearing kind", () => {
        for (const { kind, type, wrap } of POD_KINDS) {
            const pod = podTemplateOf(type, wrap(restrictedPod(), { annotations: { a: "b" } }));
            assert.ok(pod, kind);
            assert.equal((pod.spec.containers as unknown[]).length, 1, kind);
            assert.deepEqual(pod.metadata.annotations as object, { a: "b" }, kind);
        }
    });
    it("ignores look-alike kinds of other API groups and patch resources", () => {
        assert.equal(isPodBearing("kubernetes:example.com/v1:Deployment"), false);
        assert.equal(isPodBearing("kubernetes:apps/v1:DeploymentPatch"), false);
        assert.equal(isPodBearing("kubernetes:extensions/v1beta1:Deployment"), true);
        assert.equal(isPodBearing("aws:eks/cluster:Cluster"), false);
    });
    it("walks containers, init containers and ephemeral containers", () => {
        const refs = containersOf({ containers: [{ name: "a" }], initContainers: [{ name: "b" }, "junk"], ephemeralContainers: [{}] });
        assert.deepEqual(
            refs.map((r) => [r.list, r.name]),
            [
                ["containers", "a"],
                ["initContainers", "b"],
                ["ephemeralContainers", "ephemeralContainers[0]"],
            ],
        );
    });
});
