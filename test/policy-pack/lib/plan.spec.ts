import { strict as assert } from "node:assert";
import { evaluatePlan, readStackPolicyConfig } from "../../../policy-pack/lib/plan";
import { planEntry } from "../../../tools/render/render";
import { rendered, STACKS } from "../../helpers/stacks";
import { POD_KINDS } from "../helpers";

/** The plan JSON exactly as `npm run plan -- --format json` prints it. */
async function planJson(stack: string) {
    const r = await rendered(stack);
    return JSON.parse(
        JSON.stringify({
            stack: r.stack,
            resources: r.resources.map(planEntry),
            outputs: r.outputs,
        }),
    );
}

describe("lib/plan: the pack over the program's own stacks", () => {
    for (const stack of STACKS) {
        it(`stack ${stack} renders with no mandatory violation under its pack config`, async () => {
            const result = await evaluatePlan(await planJson(stack), readStackPolicyConfig(stack));
            const mandatory = result.report.violations.filter((v) => v.enforcementLevel === "mandatory");
            assert.deepEqual(
                mandatory.map((v) => `${v.policy}: ${v.resource?.name}: ${v.message}`),
                [],
            );
            assert.equal(result.hasMandatory, false);
            assert.deepEqual(result.report.errors, []);
        });
    }
    it("a privileged pod added to a rendered stack fails it", async () => {
        const plan = await planJson("prod");
        const pod = POD_KINDS[0].wrap(
            { containers: [{ name: "debug", image: "busybox:1.36", securityContext: { privileged: true } }] },
            {},
        );
        plan.resources.push({
            type: "kubernetes:core/v1:Pod",
            name: "debug",
            urn: "urn:pulumi:prod::secure-platform::kubernetes:core/v1:Pod::debug",
            inputs: pod,
            protect: false,
            dependsOn: [],
        });
        const result = await evaluatePlan(plan, readStackPolicyConfig("prod"));
        assert.equal(result.hasMandatory, true);
        assert.ok(result.report.violations.some((v) => v.policy === "pss:baseline:privileged-containers" && v.resource?.name === "p"));
    });
    it("a namespace without its default deny fails the stack policy", async () => {
        const plan = await planJson("dev");
        plan.resources = plan.resources.filter((r: { type: string }) => r.type !== "kubernetes:networking.k8s.io/v1:NetworkPolicy");
        const result = await evaluatePlan(plan, readStackPolicyConfig("dev"));
        assert.ok(
            result.report.violations.some(
                (v) => v.policy === "k8s:network-policy:namespace-default-deny" && v.enforcementLevel === "mandatory",
            ),
        );
    });
    it("a rendered stack without its mesh-wide STRICT PeerAuthentication, or with a PERMISSIVE one, fails", async () => {
        const plan = await planJson("prod");
        const without = { ...plan, resources: plan.resources.filter((r: { type: string }) => !r.type.endsWith(":PeerAuthentication")) };
        const missing = await evaluatePlan(without, readStackPolicyConfig("prod"));
        assert.ok(missing.report.violations.some((v) => v.policy === "istio:mesh-wide-strict-mtls" && v.enforcementLevel === "mandatory"));
        const permissive = structuredClone(plan);
        permissive.resources.find((r: { type: string }) => r.type.endsWith(":PeerAuthentication")).inputs.spec.mtls.mode = "PERMISSIVE";
        const weak = await evaluatePlan(permissive, readStackPolicyConfig("prod"));
        assert.ok(weak.report.violations.some((v) => v.policy === "istio:peer-authentication-strict"));
        assert.ok(weak.report.violations.some((v) => v.policy === "istio:mesh-wide-strict-mtls"));
    });
    it("an application namespace without its allow-nothing AuthorizationPolicy fails", async () => {
        const plan = await planJson("dev");
        plan.resources = plan.resources.filter(
            (r: { type: string; inputs: { metadata?: { name?: string; namespace?: string } } }) =>
                !(
                    r.type.endsWith(":AuthorizationPolicy") &&
                    r.inputs.metadata?.name === "allow-nothing" &&
                    r.inputs.metadata?.namespace === "shop"
                ),
        );
        const result = await evaluatePlan(plan, readStackPolicyConfig("dev"));
        assert.ok(result.report.violations.some((v) => v.policy === "istio:namespace-default-deny" && /"shop"/.test(v.message)));
    });
    it("rejects input that is not a rendered plan", async () => {
        await assert.rejects(evaluatePlan({ stack: "x", resources: [{ name: "a" }] }), /not a rendered plan: resources\.0\.type/);
    });
});
