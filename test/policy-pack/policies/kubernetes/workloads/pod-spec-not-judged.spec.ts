import { strict as assert } from "node:assert";
import { evaluate } from "../../../../../policy-pack/lib/evaluate";
import { allPolicies } from "../../../../../policy-pack/policies";
import { podSpecNotJudged } from "../../../../../policy-pack/policies/kubernetes/workloads/pod-spec-not-judged";
import { check, expectNone, expectViolations, restrictedPod } from "../../../helpers";

function privilegedSpec() {
    const spec = restrictedPod();
    spec.containers[0].securityContext.privileged = true;
    return spec;
}

describe("k8s:workloads:pod-spec-not-judged and custom workload kinds", () => {
    it("judges a privileged pod in an Argo Rollout, a Knative Service and an OpenKruise CloneSet as a pod", async () => {
        for (const type of [
            "kubernetes:argoproj.io/v1alpha1:Rollout",
            "kubernetes:serving.knative.dev/v1:Service",
            "kubernetes:apps.kruise.io/v1alpha1:CloneSet",
        ]) {
            const report = await evaluate(
                [{ type, name: "w", props: { spec: { template: { spec: privilegedSpec() } } } }],
                {},
                { policies: allPolicies },
            );
            const policies = report.violations.map((v) => v.policy);
            assert.ok(policies.includes("pss:baseline:privileged-containers"), `${type}: ${policies.join(", ")}`);
            assert.ok(!policies.includes("k8s:workloads:pod-spec-not-judged"), type);
        }
    });
    it("judges a CronJob look-alike at spec.jobTemplate", async () => {
        const props = { spec: { jobTemplate: { spec: { template: { spec: privilegedSpec() } } } } };
        const report = await evaluate([{ type: "kubernetes:example.com/v1:Batch", name: "b", props }], {}, { policies: allPolicies });
        assert.ok(report.violations.some((v) => v.policy === "pss:baseline:privileged-containers"));
    });
    it("reports containers it cannot read as a pod: an OpenKruise SidecarSet, a JobSet's nested templates", async () => {
        const sidecarSet = { spec: { selector: {}, containers: [{ name: "side", image: "registry.example.com/side:1" }] } };
        expectViolations(
            await check(podSpecNotJudged, { type: "kubernetes:apps.kruise.io/v1alpha1:SidecarSet", name: "s", props: sidecarSet }),
            /containers at "spec.containers" are not judged/,
        );
        const jobSet = { spec: { replicatedJobs: [{ name: "w", template: { spec: { template: { spec: privilegedSpec() } } } }] } };
        expectViolations(
            await check(podSpecNotJudged, { type: "kubernetes:jobset.x-k8s.io/v1alpha2:JobSet", name: "j", props: jobSet }),
            /"spec\.replicatedJobs\.0\.template\.spec\.template\.spec\.containers"/,
        );
    });
    it("reports a patch of a pod-bearing object that sets containers, and not one that sets none", async () => {
        const patch = {
            metadata: { name: "web" },
            spec: { template: { spec: { containers: [{ name: "app", securityContext: { privileged: true } }] } } },
        };
        expectViolations(
            await check(podSpecNotJudged, { type: "kubernetes:apps/v1:DeploymentPatch", name: "p", props: patch }),
            /a patch of an existing object: the containers at "spec\.template\.spec\.containers" are not judged/,
        );
        expectNone(
            await check(podSpecNotJudged, { type: "kubernetes:apps/v1:DeploymentPatch", name: "p", props: { spec: { replicas: 3 } } }),
        );
        expectNone(await check(podSpecNotJudged, { type: "kubernetes:core/v1:ConfigMapPatch", name: "c", props: { data: { a: "b" } } }));
    });
    it("is silent where the pod template is judged, and for custom resources without containers", async () => {
        expectNone(
            await check(podSpecNotJudged, {
                type: "kubernetes:argoproj.io/v1alpha1:Rollout",
                name: "r",
                props: { spec: { template: { spec: restrictedPod() } } },
            }),
        );
        expectNone(
            await check(podSpecNotJudged, {
                type: "kubernetes:security.istio.io/v1:PeerAuthentication",
                name: "p",
                props: { spec: { mtls: { mode: "STRICT" } } },
            }),
        );
        expectNone(
            await check(podSpecNotJudged, {
                type: "kubernetes:apps/v1:Deployment",
                name: "d",
                props: { spec: { template: { spec: restrictedPod() } } },
            }),
        );
    });
    it("is advisory by default", async () => {
        const report = await evaluate(
            [
                {
                    type: "kubernetes:apps.kruise.io/v1alpha1:SidecarSet",
                    name: "s",
                    props: { spec: { containers: [{ name: "x", image: "y" }] } },
                },
            ],
            {},
            { policies: [podSpecNotJudged] },
        );
        assert.equal(report.violations[0]!.enforcementLevel, "advisory");
    });
});
