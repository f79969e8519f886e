import { strict as assert } from "node:assert";
import { evaluate } from "../../../../../policy-pack/lib/evaluate";
import { allPolicies } from "../../../../../policy-pack/policies";
import { namespaceVersion } from "../../../../../policy-pack/policies/kubernetes/pod-security/namespace-version";
import { checkStack, expectNone, expectViolations, POD_KINDS, restrictedPod } from "../../../helpers";

const namespace = (name: string, labels: Record<string, string | undefined>) => ({
    type: "kubernetes:core/v1:Namespace",
    name,
    props: { metadata: { name, labels } },
});
const pinned = (version: string, level = "restricted") => ({
    "pod-security.kubernetes.io/enforce": level,
    "pod-security.kubernetes.io/enforce-version": version,
});
/** A Deployment in namespace "apps" whose pod sets a sysctl safe only from 1.32. */
function tcpRmemDeployment() {
    const spec = restrictedPod();
    spec.securityContext.sysctls = [{ name: "net.ipv4.tcp_rmem", value: "4096 87380 6291456" }];
    const kind = POD_KINDS.find((k) => k.kind === "Deployment")!;
    return { type: kind.type, name: "web", props: kind.wrap(spec, {}) };
}

describe("pss:namespace-version", () => {
    it("judges a pod at its namespace's older pinned version, where the cluster's version admits it", async () => {
        const outcome = await checkStack(namespaceVersion, [namespace("apps", pinned("v1.31")), tcpRmemDeployment()]);
        expectViolations(
            outcome,
            /pss:baseline:sysctls at namespace "apps"'s pinned Pod Security v1\.31 on a 1\.36 cluster \(restricted\): forbidden sysctls net\.ipv4\.tcp_rmem/,
        );
    });
    it("is silent where the pin is the cluster's version, latest, or unset, or the namespace enforces nothing", async () => {
        for (const labels of [
            pinned("v1.36"),
            pinned("latest"),
            { "pod-security.kubernetes.io/enforce": "restricted" },
            {},
            pinned("v1.30", "privileged"),
        ]) {
            expectNone(await checkStack(namespaceVersion, [namespace("apps", labels), tcpRmemDeployment()]));
        }
        // A cluster of 1.31 judges the pod at 1.31 already: the pss:* policies report it, this one does not repeat it.
        expectNone(
            await checkStack(namespaceVersion, [namespace("apps", pinned("v1.31")), tcpRmemDeployment()], { kubernetesVersion: "1.31" }),
        );
    });
    it("clamps a pin above the cluster's version to the cluster's, as PSA does", async () => {
        expectNone(
            await checkStack(namespaceVersion, [namespace("apps", pinned("v1.36")), tcpRmemDeployment()], { kubernetesVersion: "1.32" }),
        );
    });
    it("names a pin the pack does not model, on the Namespace", async () => {
        const outcome = await checkStack(namespaceVersion, [namespace("apps", pinned("v1.25")), tcpRmemDeployment()]);
        expectViolations(
            outcome,
            /namespace "apps" pins pod-security\.kubernetes\.io\/enforce-version="v1\.25", which the pack does not model/,
        );
        assert.equal(outcome.violations[0]!.urn, "urn:pulumi:offline::offline::kubernetes:core/v1:Namespace::apps");
    });
    it("is advisory by default; made mandatory, it fails the stack where the pin refuses a pod the pss policies pass", async () => {
        const input = [namespace("apps", pinned("v1.31")), tcpRmemDeployment()];
        const byDefault = await evaluate(input, {}, { policies: allPolicies });
        assert.deepEqual(
            byDefault.violations.filter((v) => v.policy.startsWith("pss:")).map((v) => [v.policy, v.enforcementLevel]),
            [["pss:namespace-version", "advisory"]],
        );
        const report = await evaluate(input, { "pss:namespace-version": "mandatory" }, { policies: allPolicies });
        const pss = report.violations.filter((v) => v.policy.startsWith("pss:") && v.enforcementLevel === "mandatory");
        assert.deepEqual(
            pss.map((v) => [v.policy, v.resource?.name]),
            [["pss:namespace-version", "w"]],
        );
        assert.ok(report.hasMandatory);
    });
});
