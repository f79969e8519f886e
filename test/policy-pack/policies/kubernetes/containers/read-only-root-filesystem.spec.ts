import { strict as assert } from "node:assert";
import { evaluate } from "../../../../../policy-pack/lib/evaluate";
import { readOnlyRootFilesystem } from "../../../../../policy-pack/policies/kubernetes/containers/read-only-root-filesystem";
import { readStackPolicyConfig } from "../../../../../policy-pack/lib/plan";
import { checkPack } from "../../../../../tools/charts/pack";
import { renderedCharts } from "../../../../helpers/charts";
import { CONTAINER_LISTS, expectPod, podWithContainer, restrictedPod } from "../../../helpers";

/** The restricted pod with every container's root filesystem read-only. */
function readOnlyPod() {
    const spec = restrictedPod();
    spec.containers[0].securityContext.readOnlyRootFilesystem = true;
    return spec;
}

describe("k8s:containers:read-only-root-filesystem", () => {
    it("passes a pod whose every container mounts its root filesystem read-only", async () => {
        await expectPod(readOnlyRootFilesystem, readOnlyPod(), false);
    });
    it("flags a container without the setting", async () => {
        await expectPod(readOnlyRootFilesystem, restrictedPod(), /containers "app" must set securityContext.readOnlyRootFilesystem=true/);
    });
    for (const list of CONTAINER_LISTS) {
        it(`flags readOnlyRootFilesystem: false in ${list}`, async () => {
            const spec = podWithContainer(list, (c) => (c.securityContext.readOnlyRootFilesystem = false));
            spec.containers[0].securityContext.readOnlyRootFilesystem = true;
            await expectPod(readOnlyRootFilesystem, spec, new RegExp(`"extra-${list}"`));
        });
    }
    it("leaves Windows pods alone, where the field cannot be set", async () => {
        await expectPod(readOnlyRootFilesystem, { ...restrictedPod(), os: { name: "windows" } }, false);
    });
    it("judges custom workload kinds too (an Argo Rollout)", async () => {
        const report = await evaluate(
            [{ type: "kubernetes:argoproj.io/v1alpha1:Rollout", name: "r", props: { spec: { template: { spec: restrictedPod() } } } }],
            {},
            { policies: [readOnlyRootFilesystem] },
        );
        assert.equal(report.violations.length, 1);
    });
    it("is advisory by default and mandatory when the pack config says so", async () => {
        const input = [{ type: "kubernetes:core/v1:Pod", name: "p", props: { spec: restrictedPod() } }];
        const byDefault = await evaluate(input, {}, { policies: [readOnlyRootFilesystem] });
        assert.equal(byDefault.violations[0]!.enforcementLevel, "advisory");
        assert.equal(byDefault.hasMandatory, false);
        const strict = await evaluate(
            input,
            { "k8s:containers:read-only-root-filesystem": "mandatory" },
            { policies: [readOnlyRootFilesystem] },
        );
        assert.equal(strict.violations[0]!.enforcementLevel, "mandatory");
        assert.equal(strict.hasMandatory, true);
    });
    it("prod: every platform workload, the program's and what the charts render, meets it or is exempt with its reason", async function () {
        this.timeout(300_000);
        const rendering = await renderedCharts("prod");
        const { evaluation } = await checkPack(rendering, readStackPolicyConfig("prod"));
        const name = "k8s:containers:read-only-root-filesystem";
        assert.deepEqual(
            evaluation.report.violations
                .filter((v) => v.policy === name)
                .map((v) => `${v.resource?.namespace}/${v.resource?.name}: ${v.message}`),
            [],
        );
        const exempt = evaluation.report.exemptions.filter((e) => e.policy === name);
        assert.deepEqual(exempt.map((e) => `${e.resource.namespace}/${e.resource.name}`).sort(), [
            "cosign-system/leases-cleanup",
            "falco/falco",
            "istio-cni/istio-cni-node",
        ]);
        for (const e of exempt) assert.ok(e.reason.length > 40, e.reason);
    });
});
