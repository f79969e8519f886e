import { strict as assert } from "node:assert";
import { parsePackConfig } from "../../../../../policy-pack/lib/config";
import { allPolicies } from "../../../../../policy-pack/policies";
import {
    clusterVersion,
    KUBERNETES_VERSIONS,
    NEWEST_KUBERNETES,
    pinnedVersion,
} from "../../../../../policy-pack/policies/kubernetes/pod-security/versions";

describe("pod-security versions", () => {
    it("models 1.30 to 1.36, the newest released being the default", () => {
        assert.deepEqual(KUBERNETES_VERSIONS, ["1.30", "1.31", "1.32", "1.33", "1.34", "1.35", "1.36"]);
        assert.equal(NEWEST_KUBERNETES, "1.36");
        assert.deepEqual(clusterVersion({}), { policy: 36, cluster: 36 });
        assert.deepEqual(clusterVersion({ kubernetesVersion: "v1.33" }), { policy: 33, cluster: 33 });
        assert.deepEqual(clusterVersion({ kubernetesVersion: "latest" }), { policy: 36, cluster: 36 });
    });
    it("reads a namespace's enforce-version as PSA does: latest is the cluster's, a higher pin is clamped", () => {
        const cluster = { policy: 33, cluster: 33 };
        assert.deepEqual(pinnedVersion(undefined, cluster), cluster);
        assert.deepEqual(pinnedVersion("latest", cluster), cluster);
        assert.deepEqual(pinnedVersion("v1.31", cluster), { policy: 31, cluster: 33 });
        assert.deepEqual(pinnedVersion("v1.35", cluster), { policy: 33, cluster: 33 });
        assert.equal(pinnedVersion("v1.25", cluster), undefined);
        assert.equal(pinnedVersion("one", cluster), undefined);
    });
    it("accepts kubernetesVersion in every pss policy's config and refuses a version it does not model, naming the key", () => {
        parsePackConfig(
            { "pss:baseline:sysctls": { kubernetesVersion: "1.30" }, "pss:namespace-version": { kubernetesVersion: "latest" } },
            allPolicies,
        );
        for (const bad of ["1.29", "1.37", "v2.0", "latest-1"]) {
            assert.throws(
                () => parsePackConfig({ "pss:restricted:volume-types": { kubernetesVersion: bad } }, allPolicies),
                (e: Error) =>
                    e.message.includes('"pss:restricted:volume-types": kubernetesVersion:') &&
                    e.message.includes(JSON.stringify(bad)) &&
                    e.message.includes('"1.30"') &&
                    e.message.includes('"1.36"'),
                bad,
            );
        }
    });
});
