// The pack as the Pulumi CLI runs it: its own process, its port on stdout, the Analyzer gRPC service.
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { EnforcementLevel, PolicySeverity } from "@pulumi/pulumi/proto/analyzer_pb";
import { allPolicies } from "../../policy-pack/policies";
import { analyze, configure, getAnalyzerInfo, startPack, type RunningPack } from "../../tools/policy-server/analyzer";
import { awsResources } from "../../bench/policy/aws-resources";
import { POD_KINDS, restrictedPod } from "./helpers";

const { unknownBooleanValue } = require("@pulumi/policy/proxy") as Record<string, string>;
const PACK_DIR = join(__dirname, "..", "..", "policy-pack");

function privilegedDeployment(): { type: string; name: string; props: Record<string, any> } {
    const spec = restrictedPod();
    spec.containers[0].securityContext.privileged = true;
    const props = POD_KINDS.find((k) => k.kind === "Deployment")!.wrap(spec, {});
    return { type: "kubernetes:apps/v1:Deployment", name: "web", props: { ...props, metadata: { name: "web", namespace: "shop" } } };
}

describe("policy-pack served over gRPC", function () {
    this.timeout(60_000);
    let pack: RunningPack;
    before(async () => {
        pack = await startPack(PACK_DIR);
    });
    after(async () => {
        await pack?.stop();
    });

    it("prints its port and lists every policy once, with its enforcement level and metadata, in GetAnalyzerInfo", async () => {
        assert.ok(pack.port > 0);
        const info = await getAnalyzerInfo(pack.client);
        assert.equal(info.getName(), "secure-platform-baseline");
        assert.equal(info.getVersion(), "0.1.0");
        const served = new Map(info.getPoliciesList().map((p) => [p.getName(), p]));
        assert.deepEqual(
            info.getPoliciesList().map((p) => p.getName()),
            allPolicies.map((p) => p.name),
        );
        const levels = { advisory: EnforcementLevel.ADVISORY, mandatory: EnforcementLevel.MANDATORY, disabled: EnforcementLevel.DISABLED };
        for (const policy of allPolicies) {
            const p = served.get(policy.name)!;
            assert.equal(p.getEnforcementlevel(), levels[policy.enforcementLevel], policy.name);
            assert.equal(p.getDescription(), policy.description);
            assert.equal(p.getRemediationSteps(), policy.remediation, policy.name);
            assert.notEqual(p.getSeverity(), PolicySeverity.POLICY_SEVERITY_UNSPECIFIED, policy.name);
            assert.ok(p.getTagsList().length > 0, `${policy.name} lists its compliance controls`);
            assert.ok(p.getConfigschema()?.getProperties()?.toJavaScript().exemptions, `${policy.name} accepts exemptions`);
        }
        const privileged = served.get("pss:baseline:privileged-containers")!;
        assert.equal(privileged.getSeverity(), PolicySeverity.POLICY_SEVERITY_CRITICAL);
        assert.equal(privileged.getFramework()?.getReference(), "baseline/privileged-containers");
        assert.ok(privileged.getTagsList().includes("CIS EKS 4.2.1"));
    });

    it("Analyze of a privileged Deployment returns that mandatory violation", async () => {
        const response = await analyze(pack.client, privilegedDeployment());
        const diagnostic = response.getDiagnosticsList().find((d) => d.getPolicyname() === "pss:baseline:privileged-containers");
        assert.ok(
            diagnostic,
            response
                .getDiagnosticsList()
                .map((d) => d.getPolicyname())
                .join(", "),
        );
        assert.equal(diagnostic.getEnforcementlevel(), EnforcementLevel.MANDATORY);
        assert.match(diagnostic.getMessage(), /containers "app" must not set securityContext.privileged=true/);
        assert.equal(diagnostic.getPolicypackname(), "secure-platform-baseline");
    });

    it("Analyze of a Vault policy parses its HCL in the served pack", async () => {
        const response = await analyze(pack.client, {
            type: "vault:index/policy:Policy",
            name: "shop",
            props: { name: "shop", policy: 'path "sys/mounts/*" { capabilities = ["create", "sudo"] }' },
        });
        const messages = response
            .getDiagnosticsList()
            .filter((d) => d.getPolicyname() === "vault:policy-least-privilege")
            .map((d) => d.getMessage());
        assert.ok(
            messages.some((m) => /grants sudo/.test(m)),
            messages.join(" | "),
        );
    });

    it("a compliant Deployment gets no mandatory diagnostic", async () => {
        const ok = privilegedDeployment();
        ok.props.spec.template.spec.containers[0].securityContext.privileged = false;
        const response = await analyze(pack.client, ok);
        assert.deepEqual(
            response
                .getDiagnosticsList()
                .filter((d) => d.getEnforcementlevel() === EnforcementLevel.MANDATORY)
                .map((d) => d.getPolicyname()),
            [],
        );
    });

    it("a verdict on a value unknown at preview comes back advisory, never mandatory", async () => {
        const pending = privilegedDeployment();
        pending.props.spec.template.spec.containers[0].securityContext.privileged = false;
        pending.props.spec.template.spec.securityContext.runAsNonRoot = unknownBooleanValue;
        const response = await analyze(pack.client, pending);
        const d = response.getDiagnosticsList().find((x) => x.getPolicyname() === "pss:restricted:running-as-non-root");
        assert.ok(d);
        assert.equal(d.getEnforcementlevel(), EnforcementLevel.ADVISORY);
        assert.match(d.getMessage(), /during preview/);
        assert.equal(response.getDiagnosticsList().filter((x) => x.getEnforcementlevel() === EnforcementLevel.MANDATORY).length, 0);
    });

    it("answers concurrent requests of different types as it answers them one at a time", async () => {
        // The Vault policy's HCL is parsed asynchronously, so the requests truly interleave.
        const vault = {
            type: "vault:index/policy:Policy",
            name: "shop",
            props: { name: "shop", policy: 'path "sys/*" { capabilities = ["sudo"] }' },
        };
        const resources = [
            vault,
            privilegedDeployment(),
            vault,
            ...awsResources(48).map((r) => ({ ...r, props: r.props as Record<string, unknown> })),
        ];
        const diagnostics = (r: Awaited<ReturnType<typeof analyze>>) =>
            r
                .getDiagnosticsList()
                .map((d) => `${d.getPolicyname()} ${d.getEnforcementlevel()} ${d.getMessage()}`)
                .sort();
        const alone = [];
        for (const r of resources) alone.push(diagnostics(await analyze(pack.client, r)));
        const together = (await Promise.all(resources.map((r) => analyze(pack.client, r)))).map(diagnostics);
        assert.deepEqual(together, alone);
        assert.ok(alone.filter((d) => d.length > 0).length >= resources.length / 4, "the resources carry violations to compare");
    });

    it("honours the pack config the CLI sends: exemptions with their reason, and enforcement levels", async () => {
        await configure(pack.client, {
            "pss:baseline:privileged-containers": {
                enforcementLevel: "mandatory",
                exemptions: [{ namespace: "shop", name: "web", reason: "reviewed exception SEC-9 until the agent moves" }],
            },
            "pss:restricted:capabilities": { enforcementLevel: "disabled" },
        });
        const deployment = privilegedDeployment();
        deployment.props.spec.template.spec.containers[0].securityContext.capabilities = {};
        const response = await analyze(pack.client, deployment);
        const names = response.getDiagnosticsList().map((d) => d.getPolicyname());
        assert.ok(!names.includes("pss:baseline:privileged-containers"));
        assert.ok(!names.includes("pss:restricted:capabilities"));
        const notApplicable = response.getNotApplicableList().find((n) => n.getPolicyName() === "pss:baseline:privileged-containers");
        assert.match(notApplicable?.getReason() ?? "", /reviewed exception SEC-9/);
        await configure(pack.client, {});
    });
});
