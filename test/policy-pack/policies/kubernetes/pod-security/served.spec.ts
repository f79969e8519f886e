// The pod-security policies as the Pulumi CLI runs them: the pack's own process over gRPC, configured
// with kubernetesVersion as `--policy-pack-config` sends it, and the stack policy over AnalyzeStack.
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { analyze, analyzeStack, configure, startPack, type RunningPack } from "../../../../../tools/policy-server/analyzer";
import { POD_KINDS, restrictedPod } from "../../../helpers";

const PACK_DIR = join(__dirname, "..", "..", "..", "..", "..", "policy-pack");

function tcpRmemPod() {
    const spec = restrictedPod();
    spec.securityContext.sysctls = [{ name: "net.ipv4.tcp_rmem", value: "4096 87380 6291456" }];
    return { type: "kubernetes:core/v1:Pod", name: "p", props: POD_KINDS[0].wrap(spec, {}) };
}
const policiesOf = (response: { getDiagnosticsList(): { getPolicyname(): string }[] }) =>
    response.getDiagnosticsList().map((d) => d.getPolicyname());

describe("pod-security policies served over gRPC", function () {
    this.timeout(60_000);
    let pack: RunningPack;
    before(async () => {
        pack = await startPack(PACK_DIR);
    });
    after(async () => {
        await configure(pack.client, {});
        await pack?.stop();
    });

    it("judge at the newest version by default and at the configured kubernetesVersion", async () => {
        assert.ok(!policiesOf(await analyze(pack.client, tcpRmemPod())).includes("pss:baseline:sysctls"));
        await configure(pack.client, { "pss:baseline:sysctls": { enforcementLevel: "mandatory", kubernetesVersion: "1.31" } });
        assert.ok(policiesOf(await analyze(pack.client, tcpRmemPod())).includes("pss:baseline:sysctls"));
    });

    it("report, over AnalyzeStack, a pod its namespace's pinned older version refuses", async () => {
        await configure(pack.client, { "pss:namespace-version": { enforcementLevel: "mandatory" } });
        const namespace = {
            type: "kubernetes:core/v1:Namespace",
            name: "apps",
            props: {
                metadata: {
                    name: "apps",
                    labels: { "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "v1.31" },
                },
            },
        };
        const response = await analyzeStack(pack.client, [namespace, tcpRmemPod()]);
        const diagnostic = response.getDiagnosticsList().find((d) => d.getPolicyname() === "pss:namespace-version");
        assert.ok(diagnostic, policiesOf(response).join(", "));
        assert.match(diagnostic.getMessage(), /pss:baseline:sysctls at namespace "apps"'s pinned Pod Security v1\.31/);
    });
});
