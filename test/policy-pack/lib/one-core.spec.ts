// The same cases through both paths: the offline evaluator, and the pack served over the Analyzer
// protocol as the Pulumi CLI serves it. Both render one judgement, so both must tell the same story.
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { EnforcementLevel, type AnalyzeResponse } from "@pulumi/pulumi/proto/analyzer_pb";
import { blocks, evaluate, type ResourceInput } from "../../../policy-pack/lib/evaluate";
import { allPolicies } from "../../../policy-pack/policies";
import type { AnyPolicy, EvaluationReport } from "../../../policy-pack/lib/types";
import {
    analyze,
    analyzeStack,
    configure,
    startPack,
    type AnalyzedResource,
    type RunningPack,
} from "../../../tools/policy-server/analyzer";
import { readStackPolicyConfig } from "../../../policy-pack/lib/plan";
import { awsResources } from "../../../bench/policy/aws-resources";
import { rendered } from "../../helpers/stacks";
import { corePolicies } from "../fixtures/core-pack/policies";

const { unknownStringValue } = require("@pulumi/policy/proxy") as Record<string, string>;

/** What a run concluded, one line per finding, in an order both paths share. */
interface Story {
    violations: string[];
    exemptions: string[];
    errors: string[];
}

const urnOf = (r: ResourceInput) => r.urn ?? `urn:pulumi:test::test::${r.type}::${r.name}`;

function offlineStory(report: EvaluationReport): Story {
    return {
        violations: report.violations.map((v) => `${v.policy} ${v.enforcementLevel} ${v.resource?.urn ?? "stack"}: ${v.message}`).sort(),
        exemptions: report.exemptions
            .map((e) => `${e.policy} ${e.resource.namespace ? `${e.resource.namespace}/` : ""}${e.resource.name}: ${e.reason}`)
            .sort(),
        errors: report.errors.map((e) => `${e.policy} ${e.urn ?? "stack"}`).sort(),
    };
}

const LEVEL: Partial<Record<number, string>> = { [EnforcementLevel.ADVISORY]: "advisory", [EnforcementLevel.MANDATORY]: "mandatory" };

/** Reads an Analyze response as the engine does, undoing only the engine's own prefixes. */
function readResponse(response: AnalyzeResponse, policies: AnyPolicy[], subject: string, story: Story): void {
    for (const d of response.getDiagnosticsList()) {
        const policy = policies.find((p) => p.name === d.getPolicyname())!;
        const message = d
            .getMessage()
            .replace(`${policy.description}\n`, "")
            .replace(/^can't run policy '[^']+' from policy pack '[^']+' during preview: /, "");
        story.violations.push(`${policy.name} ${LEVEL[d.getEnforcementlevel()]} ${d.getUrn() || subject}: ${message}`);
    }
    for (const n of response.getNotApplicableList()) {
        for (const [, name, reason] of n.getReason().matchAll(/exempt: ([^:]+): (.*?)(?=; exempt: |$)/g)) {
            story.exemptions.push(`${n.getPolicyName()} ${name}: ${reason}`);
        }
    }
}

function readError(error: unknown, subject: string, story: Story): void {
    const text = error instanceof Error ? error.message : String(error);
    const policy = /with policy '([^']+)'/.exec(text)?.[1];
    assert.ok(policy, `the engine names the policy that failed: ${text}`);
    story.errors.push(`${policy} ${subject}`);
}

/** The pack config as the CLI sends it: every policy with its level, and its settings. */
function cliConfig(policies: AnyPolicy[], config: Record<string, unknown>) {
    return Object.fromEntries(
        policies.map((p) => {
            const entry = config[p.name] ?? config.all;
            const { enforcementLevel, ...properties } =
                typeof entry === "object" && entry !== null ? (entry as Record<string, unknown>) : {};
            const level = typeof entry === "string" ? entry : typeof enforcementLevel === "string" ? enforcementLevel : p.enforcementLevel;
            return [p.name, { enforcementLevel: level, ...properties }];
        }),
    );
}

async function engineStory(pack: RunningPack, policies: AnyPolicy[], resources: ResourceInput[], config: Record<string, unknown>) {
    await configure(pack.client, cliConfig(policies, config));
    const story: Story = { violations: [], exemptions: [], errors: [] };
    const analyzed = resources.map((r) => ({ ...r, urn: urnOf(r), props: r.props as Record<string, unknown> }));
    for (const r of analyzed) {
        await analyze(pack.client, r).then(
            (response) => readResponse(response, policies, r.urn, story),
            (e) => readError(e, r.urn, story),
        );
    }
    await analyzeStack(pack.client, analyzed).then(
        (response) => readResponse(response, policies, "stack", story),
        (e) => readError(e, "stack", story),
    );
    return { violations: story.violations.sort(), exemptions: story.exemptions.sort(), errors: story.errors.sort() };
}

async function bothPaths(pack: RunningPack, policies: AnyPolicy[], resources: ResourceInput[], config: Record<string, unknown> = {}) {
    const withUrns = resources.map((r) => ({ ...r, urn: urnOf(r) }));
    const report = await evaluate(withUrns, config, { policies, stackPolicies: true });
    const offline = offlineStory(report);
    const engine = await engineStory(pack, policies, withUrns, config);
    assert.deepEqual(engine, offline, "the served pack and the offline evaluator tell the same story");
    return { report, story: offline };
}

const bucket = (name: string, props: Record<string, unknown>): ResourceInput => ({ type: "test:index:Bucket", name, props });

describe("one evaluation core: the offline evaluator and the served pack agree", function () {
    this.timeout(120_000);
    let pack: RunningPack;
    before(async () => {
        pack = await startPack(join(__dirname, "..", "fixtures", "core-pack"), "tsx");
    });
    after(async () => {
        await pack?.stop();
    });

    it("a violation comes at the policy's level, and an enforcement override changes it on both paths", async () => {
        const resources = [bucket("logs", { tags: { owner: "sre" } })];
        const { story } = await bothPaths(pack, corePolicies, resources);
        assert.deepEqual(story.violations, [
            `test:bucket-encrypted mandatory ${urnOf(resources[0])}: bucket "logs" is not encrypted with KMS`,
        ]);
        const advisory = await bothPaths(pack, corePolicies, resources, { "test:bucket-encrypted": "advisory" });
        assert.match(advisory.story.violations[0], /^test:bucket-encrypted advisory /);
        assert.equal(blocks(advisory.report), false);
    });

    it("a verdict on a value not known until apply is advisory on both paths, and says which value", async () => {
        const { report, story } = await bothPaths(pack, corePolicies, [
            bucket("logs", { sse: unknownStringValue, tags: { owner: "sre" } }),
        ]);
        assert.equal(story.violations.length, 1);
        assert.match(story.violations[0], /^test:bucket-encrypted advisory .*\(depends on values not known until apply: sse\)$/);
        assert.equal(blocks(report), false);
    });

    it("exemptions of a resource policy and of a stack policy show their reasons on both paths", async () => {
        const config = {
            "test:bucket-encrypted": { exemptions: [{ name: "legacy", reason: "read-only archive, SEC-12 until March" }] },
            "test:owner-tag": { exemptions: [{ name: "scratch", reason: "deleted nightly by the CI job (SEC-13)" }] },
        };
        const resources = [bucket("legacy", {}), bucket("scratch", {})];
        const { story } = await bothPaths(pack, corePolicies, resources, config);
        assert.deepEqual(story.exemptions, [
            "test:bucket-encrypted legacy: read-only archive, SEC-12 until March",
            "test:owner-tag scratch: deleted nightly by the CI job (SEC-13)",
        ]);
        // Each policy still judges the resource the other one exempts.
        assert.deepEqual(
            story.violations.map((v) => v.split(" ").slice(0, 3).join(" ")),
            [`test:bucket-encrypted mandatory ${urnOf(resources[1])}:`, `test:owner-tag mandatory ${urnOf(resources[0])}:`],
        );
    });

    it("a policy that throws fails the run on both paths, whatever its level, and names the policy", async () => {
        const boom: ResourceInput = { type: "test:index:Boom", name: "b", props: {} };
        const { report, story } = await bothPaths(pack, corePolicies, [boom], {
            "test:throws": "advisory",
            "test:stack-throws": "advisory",
        });
        assert.deepEqual(story.errors, [`test:stack-throws stack`, `test:throws ${urnOf(boom)}`]);
        assert.match(report.errors.find((e) => e.policy === "test:throws")!.error, /boom: the policy has a bug/);
        assert.equal(blocks(report), true);
        const disabled = await bothPaths(pack, corePolicies, [boom], { "test:throws": "disabled", "test:stack-throws": "disabled" });
        assert.equal(blocks(disabled.report), false);
    });
});

describe("one evaluation core: a pack config sent while a check awaits", function () {
    this.timeout(120_000);
    let pack: RunningPack;
    beforeEach(async () => {
        pack = await startPack(join(__dirname, "..", "fixtures", "slow-pack"), "tsx");
    });
    afterEach(async () => {
        await pack?.stop();
    });
    const levels = {
        "test:slow": { enforcementLevel: "mandatory" },
        "test:strict": { enforcementLevel: "mandatory" },
        "test:fast": { enforcementLevel: "mandatory" },
    };
    /** Sends `config` while test:slow's check awaits (500 ms), before the engine calls the policies after it. */
    async function configuredMidway(resource: AnalyzedResource, config: Parameters<typeof configure>[1]) {
        const pending = analyze(pack.client, resource);
        await new Promise((done) => setTimeout(done, 100));
        await configure(pack.client, config);
        return pending;
    }

    it("reaches a policy the engine has not called before, judged only when called", async () => {
        // Only test:strict has been served (for another type) when the slow check starts.
        await configure(pack.client, levels);
        await analyze(pack.client, { type: "test:index:Other", name: "other", props: {} });
        const response = await configuredMidway(
            { type: "test:index:Thing", name: "web", props: {} },
            { ...levels, "test:strict": { enforcementLevel: "mandatory", strict: true } },
        );
        assert.deepEqual(
            response.getDiagnosticsList().map((d) => d.getPolicyname()),
            ["test:slow", "test:strict", "test:fast"],
        );
    });

    it("reaches the policies the engine calls after it, as it does when each policy judges when called", async () => {
        const thing = { type: "test:index:Thing", name: "web", props: { metadata: { name: "web" } } };
        await configure(pack.client, levels);
        await analyze(pack.client, thing); // every policy served once: requests are judged ahead from now on
        const reason = "exempted while the slow check ran (TEST-1)";
        const response = await configuredMidway(thing, {
            ...levels,
            "test:fast": { enforcementLevel: "mandatory", exemptions: [{ name: "web", reason }] },
        });
        assert.deepEqual(
            response.getDiagnosticsList().map((d) => d.getPolicyname()),
            ["test:slow"],
        );
        assert.deepEqual(
            response.getNotApplicableList().map((n) => [n.getPolicyName(), n.getReason()]),
            [["test:fast", `exempt: web: ${reason}`]],
        );
    });
});

describe("one evaluation core: the real pack on both paths", function () {
    this.timeout(120_000);
    let pack: RunningPack;
    before(async () => {
        pack = await startPack(join(__dirname, "..", "..", "..", "policy-pack"), "tsx");
    });
    after(async () => {
        await pack?.stop();
    });

    const namespace = (name: string): ResourceInput => ({
        type: "kubernetes:core/v1:Namespace",
        name,
        props: { metadata: { name, labels: { "pod-security.kubernetes.io/enforce": "restricted" } } },
    });
    const ingressDeny = (ns: string): ResourceInput => ({
        type: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
        name: `${ns}-deny`,
        props: { metadata: { name: "default-deny", namespace: ns }, spec: { podSelector: {}, policyTypes: ["Ingress"] } },
    });
    const policies = allPolicies.filter((p) => p.name === "k8s:network-policy:namespace-default-deny");
    const deployment = (name: string, containers: Record<string, unknown>[]): ResourceInput => ({
        type: "kubernetes:apps/v1:Deployment",
        name,
        props: { metadata: { name, namespace: "shop" }, spec: { template: { spec: { containers } } } },
    });

    it("a stack policy's exemption shows its reason on both paths, and the other namespace is still judged", async () => {
        const config = {
            "k8s:network-policy:namespace-default-deny": {
                exemptions: [{ namespace: "lab", reason: "sandbox without workloads (SEC-21)" }],
            },
        };
        const { story } = await bothPaths(pack, policies, [namespace("lab"), namespace("shop")], config);
        assert.deepEqual(story.exemptions, ["k8s:network-policy:namespace-default-deny lab/lab: sandbox without workloads (SEC-21)"]);
        assert.equal(story.violations.length, 1);
        assert.match(
            story.violations[0],
            /mandatory .*Namespace::shop: namespace "shop" has no default-deny NetworkPolicy for Ingress and Egress/,
        );
    });

    it("prod's rendered resources and generated AWS resources, each analysed twice: both paths agree on every verdict with prod's pack config", async () => {
        // Twice: the served pack judges a request ahead of the engine's loop once it has served each policy
        // (lib/pulumi.ts), so the second round goes through that path; both rounds must tell the offline story.
        const prod = await rendered("prod");
        const platform: ResourceInput[] = prod.resources
            .filter((r) => r.custom)
            .map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: r.inputs }));
        const privileged = deployment("privileged", [{ name: "app", image: unknownStringValue, securityContext: { privileged: true } }]);
        const resources = [...platform, ...awsResources(150), privileged];
        const config = readStackPolicyConfig("prod") as Record<string, unknown>;
        const once = await bothPaths(pack, allPolicies, resources, config);
        const twice = await bothPaths(
            pack,
            allPolicies,
            [...resources, ...resources.map((r) => ({ ...r, name: `${r.name}-again` }))],
            config,
        );
        assert.ok(once.story.violations.length > 10, `${once.story.violations.length} violations: the cases judge something`);
        assert.ok(once.story.exemptions.length > 0, "prod's exemptions are among them");
        assert.ok(once.story.violations.some((v) => v.includes("privileged") && v.includes(" mandatory ")));
        assert.ok(
            twice.story.violations.some((v) => v.includes("::privileged-again: ") && v.includes(" mandatory ")),
            "the second round judges too",
        );
    });

    it("a pack config sent after requests were judged changes the settings the next requests are judged by", async () => {
        // The first round serves each policy once; from then on the pack judges requests ahead of the
        // engine's loop (lib/pulumi.ts), with the settings of the config the CLI sent last.
        const web = deployment("web", [
            { name: "app", image: "app:1.0.0", resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { memory: "128Mi" } } },
        ]);
        const cpuLimit = (story: { violations: string[] }) => story.violations.filter((v) => v.includes("resources.limits.cpu"));
        const requireCpuLimit = { "k8s:resources:container-limits": { requireCpuLimit: true } };
        assert.deepEqual(cpuLimit((await bothPaths(pack, allPolicies, [web])).story), []);
        assert.equal(cpuLimit((await bothPaths(pack, allPolicies, [web], requireCpuLimit)).story).length, 1);
        assert.deepEqual(cpuLimit((await bothPaths(pack, allPolicies, [web])).story), []);
        assert.equal(cpuLimit((await bothPaths(pack, allPolicies, [web], requireCpuLimit)).story).length, 1);
    });

    it("a policy's own settings from the pack config reach it on both paths", async () => {
        const resources = [namespace("shop"), ingressDeny("shop")];
        const strict = await bothPaths(pack, policies, resources);
        assert.match(strict.story.violations[0], /for Egress$/);
        const relaxed = await bothPaths(pack, policies, resources, {
            "k8s:network-policy:namespace-default-deny": { requireEgressDeny: false },
        });
        assert.deepEqual(relaxed.story.violations, []);
    });
});
