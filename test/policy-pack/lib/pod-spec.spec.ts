import { strict as assert } from "node:assert";
import {
    containersOf,
    hostPortOf,
    isCustomKind,
    isPodBearing,
    podSpecPaths,
    podTemplateOf,
    volumeSources,
} from "../../../policy-pack/lib/pod-spec";
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
    it("ignores patch resources and built-in kinds that carry no pod", () => {
        assert.equal(isPodBearing("kubernetes:apps/v1:DeploymentPatch"), false);
        assert.equal(isPodBearing("kubernetes:apps/v1:ControllerRevision"), false);
        assert.equal(isPodBearing("kubernetes:networking.k8s.io/v1:NetworkPolicy"), false);
        assert.equal(isPodBearing("kubernetes:helm.sh/v3:Release"), false);
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
    it("reads custom workload kinds at their pod template: Argo Rollouts, Knative, OpenKruise, CronJob look-alikes", () => {
        const spec = restrictedPod();
        const cases: [string, Record<string, unknown>, string][] = [
            [
                "kubernetes:argoproj.io/v1alpha1:Rollout",
                { spec: { template: { metadata: { labels: { a: "b" } }, spec } } },
                "spec.template.spec",
            ],
            ["kubernetes:serving.knative.dev/v1:Service", { spec: { template: { spec } } }, "spec.template.spec"],
            ["kubernetes:apps.kruise.io/v1alpha1:CloneSet", { spec: { template: { spec } } }, "spec.template.spec"],
            ["kubernetes:apps.kruise.io/v1beta1:StatefulSet", { spec: { template: { spec } } }, "spec.template.spec"],
            ["kubernetes:apps.kruise.io/v1alpha1:BroadcastJob", { spec: { template: { spec } } }, "spec.template.spec"],
            [
                "kubernetes:apps.kruise.io/v1alpha1:AdvancedCronJob",
                { spec: { template: { jobTemplate: { spec: { template: { spec } } } } } },
                "spec.template.jobTemplate.spec.template.spec",
            ],
            [
                "kubernetes:apps.kruise.io/v1alpha1:AdvancedCronJob",
                { spec: { template: { broadcastJobTemplate: { spec: { template: { spec } } } } } },
                "spec.template.broadcastJobTemplate.spec.template.spec",
            ],
            [
                "kubernetes:example.com/v1:CronThing",
                { spec: { jobTemplate: { spec: { template: { spec } } } } },
                "spec.jobTemplate.spec.template.spec",
            ],
            ["kubernetes:jobset.x-k8s.io/v1alpha2:Thing", { template: { spec } }, "template.spec"],
        ];
        for (const [type, props, path] of cases) {
            assert.ok(isPodBearing(type), type);
            const pod = podTemplateOf(type, props);
            assert.equal(pod?.path, path, type);
            assert.equal((pod!.spec.containers as unknown[]).length, 1, type);
        }
    });
    it("finds no template in a custom resource without one, and every pod spec wherever it sits", () => {
        assert.equal(
            podTemplateOf("kubernetes:security.istio.io/v1:PeerAuthentication", { spec: { mtls: { mode: "STRICT" } } }),
            undefined,
        );
        assert.equal(isCustomKind("kubernetes:apps/v1:Deployment"), false);
        assert.equal(isCustomKind("kubernetes:rbac.authorization.k8s.io/v1:Role"), false);
        assert.equal(isCustomKind("kubernetes:leaderworkerset.x-k8s.io/v1:LeaderWorkerSet"), true);
        const sidecarSet = { metadata: { name: "s" }, spec: { containers: [{ name: "side", image: "x" }] } };
        assert.equal(podTemplateOf("kubernetes:apps.kruise.io/v1alpha1:SidecarSet", sidecarSet), undefined);
        assert.deepEqual(podSpecPaths(sidecarSet), ["spec"]);
        const jobSet = { spec: { replicatedJobs: [{ template: { spec: { template: { spec: restrictedPod() } } } }] } };
        assert.deepEqual(podSpecPaths(jobSet), ["spec.replicatedJobs.0.template.spec.template.spec"]);
    });
    it("gives a volume without a source an emptyDir, as the API server's defaulting does", () => {
        assert.deepEqual(volumeSources({ name: "scratch" }), ["emptyDir"]);
        assert.deepEqual(volumeSources({ name: "c", configMap: { name: "x" } }), ["configMap"]);
        assert.deepEqual(volumeSources({ name: "h", hostPath: { path: "/" }, emptyDir: null }), ["hostPath"]);
    });
    it("makes every container port a host port with hostNetwork, except for ephemeral containers", () => {
        const spec = { hostNetwork: true };
        const ref = (list: "containers" | "initContainers" | "ephemeralContainers") => ({
            container: {},
            name: "c",
            list,
            securityContext: {},
        });
        assert.equal(hostPortOf({ containerPort: 8080 }, ref("containers"), spec), 8080);
        assert.equal(hostPortOf({ containerPort: 8080, hostPort: 0 }, ref("initContainers"), spec), 8080);
        assert.equal(hostPortOf({ containerPort: 8080, hostPort: 9090 }, ref("containers"), spec), 9090);
        assert.equal(hostPortOf({ containerPort: 8080 }, ref("ephemeralContainers"), spec), undefined);
        assert.equal(hostPortOf({ containerPort: 8080 }, ref("containers"), {}), undefined);
    });
});
