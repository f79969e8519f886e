import { strict as assert } from "node:assert";
import { evaluate } from "../../../policy-pack/lib/evaluate";
import { allPolicies } from "../../../policy-pack/policies";
import { POD_KINDS, restrictedPod } from "../helpers";

// The engine's sentinels for values not known until apply (internal exports of @pulumi/policy).
const { unknownStringValue, unknownBooleanValue } = require("@pulumi/policy/proxy") as Record<string, string>;
const wrapDeployment = POD_KINDS.find((k) => k.kind === "Deployment")!.wrap;
// The restricted pod, with the read-only root filesystem the (advisory) policy asks for too.
const compliantPod = () => {
    const spec = restrictedPod();
    spec.containers[0].securityContext.readOnlyRootFilesystem = true;
    return spec;
};
const deployment = (spec: object, name = "web", namespace = "shop") => ({
    type: "kubernetes:apps/v1:Deployment",
    name,
    props: { ...wrapDeployment(spec, {}), metadata: { name, namespace } },
});

describe("lib/evaluate", () => {
    it("a compliant workload has no violation", async () => {
        const report = await evaluate([deployment(compliantPod())], {}, { policies: allPolicies });
        assert.deepEqual(
            report.violations.map((v) => v.policy),
            [],
        );
        assert.equal(report.hasMandatory, false);
    });
    it("reports a mandatory violation with its metadata and controls", async () => {
        const spec = compliantPod();
        spec.containers[0].securityContext.privileged = true;
        const report = await evaluate([deployment(spec)], {}, { policies: allPolicies });
        const v = report.violations.find((x) => x.policy === "pss:baseline:privileged-containers")!;
        assert.equal(v.enforcementLevel, "mandatory");
        assert.equal(v.severity, "critical");
        assert.ok(v.controls.includes("PSS baseline/privileged-containers"));
        assert.ok(
            v.controls.some((c) => c.startsWith("SOC 2")) &&
                v.controls.some((c) => c.startsWith("HIPAA")) &&
                v.controls.some((c) => c.startsWith("GDPR")),
        );
        assert.deepEqual(v.resource, {
            type: "kubernetes:apps/v1:Deployment",
            name: "web",
            urn: "urn:pulumi:offline::offline::kubernetes:apps/v1:Deployment::web",
            namespace: "shop",
        });
        assert.equal(report.hasMandatory, true);
    });
    it("applies exemptions with their reason, and per-policy enforcement", async () => {
        const spec = compliantPod();
        spec.hostNetwork = true;
        const config = {
            "pss:baseline:host-namespaces": { exemptions: [{ namespace: "shop", name: "web", reason: "reviewed network probe (SEC-7)" }] },
        };
        const exempt = await evaluate([deployment(spec)], config, { policies: allPolicies });
        assert.equal(exempt.violations.length, 0);
        assert.deepEqual(
            exempt.exemptions.map((e) => [e.policy, e.reason]),
            [["pss:baseline:host-namespaces", "reviewed network probe (SEC-7)"]],
        );
        const other = await evaluate([deployment(spec, "api")], config, { policies: allPolicies });
        assert.equal(other.hasMandatory, true);
        const advisory = await evaluate(
            [deployment(spec, "api")],
            { "pss:baseline:host-namespaces": "advisory" },
            { policies: allPolicies },
        );
        assert.equal(advisory.hasMandatory, false);
        assert.equal(advisory.violations[0].enforcementLevel, "advisory");
        const disabled = await evaluate(
            [deployment(spec, "api")],
            { "pss:baseline:host-namespaces": { enforcementLevel: "disabled" } },
            { policies: allPolicies },
        );
        assert.equal(disabled.violations.length, 0);
    });
    it("never gives a mandatory violation for a value not known until apply", async () => {
        const spec = compliantPod();
        spec.securityContext = { runAsNonRoot: unknownBooleanValue, seccompProfile: { type: "RuntimeDefault" } };
        spec.containers[0].image = unknownStringValue;
        const report = await evaluate([deployment(spec)], {}, { policies: allPolicies });
        assert.equal(report.hasMandatory, false);
        const v = report.violations.find((x) => x.policy === "pss:restricted:running-as-non-root")!;
        assert.equal(v.enforcementLevel, "advisory");
        assert.deepEqual(v.unknownValues, ["spec.template.spec.securityContext.runAsNonRoot"]);
    });
    it("a known violation beside an unknown value the policy never read stays mandatory", async () => {
        const spec = compliantPod();
        spec.containers[0].image = unknownStringValue;
        spec.hostPID = true;
        const report = await evaluate([deployment(spec)], {}, { policies: allPolicies });
        assert.equal(report.violations.find((v) => v.policy === "pss:baseline:host-namespaces")!.enforcementLevel, "mandatory");
    });
});
