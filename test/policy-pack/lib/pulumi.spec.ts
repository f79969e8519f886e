// The adapter to @pulumi/policy, driven through @pulumi/policy's own Analyze handler in process.
import { strict as assert } from "node:assert";
import { AnalyzerProviderResource, type AnalyzeResponse } from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { pulumiConfigSchema } from "../../../policy-pack/lib/config";
import { resourcePolicy } from "../../../policy-pack/lib/define";
import { packPolicies, toPulumiPolicy } from "../../../policy-pack/lib/pulumi";
import type { AnyPolicy } from "../../../policy-pack/lib/types";
import { awsResources } from "../../../bench/policy/aws-resources";
import { allPolicies } from "../../../policy-pack/policies";
import { analyzeRequest } from "../../../tools/policy-server/analyzer";
import { POD_KINDS, restrictedPod } from "../helpers";

// @pulumi/policy's own Analyze handler (an internal export, untyped).
const { makeAnalyzerInfo } = require("@pulumi/policy/protoutil") as { makeAnalyzerInfo(...args: any[]): { serializeBinary(): Uint8Array } };
const server = require("@pulumi/policy/server") as {
    makeAnalyzeRpcFun(...args: any[]): (call: object, done: (e: unknown, r?: AnalyzeResponse) => void) => void;
    makeRemediateRpcFun(...args: any[]): (call: object, done: (e: unknown, r?: unknown) => void) => Promise<void>;
};
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";

describe("lib/pulumi: the pack as @pulumi/policy serves it", () => {
    it("publishes every policy once, with its name, enforcement level, severity and config schema", () => {
        const served = packPolicies(allPolicies);
        assert.deepEqual(
            served.map((p) => [p.name, p.enforcementLevel, p.severity]),
            allPolicies.map((p) => [p.name, p.enforcementLevel, p.severity]),
        );
        served.forEach((p, i) => assert.deepEqual(p.configSchema, pulumiConfigSchema(allPolicies[i]), p.name));
    });

    it("deserialises a request's properties once, however many policies it calls", async () => {
        // Each decoding of a request's properties reads their Struct's field map once (the engine's
        // decoder through Struct.toJavaScript, the pack's in its own walk).
        const counted = (request: ReturnType<typeof analyzeRequest>) => {
            const struct = request.getProperties()!;
            const read = struct.getFieldsMap.bind(struct);
            const counter = { reads: 0 };
            struct.getFieldsMap = (...args) => (counter.reads++, read(...args));
            return counter;
        };
        const policies = packPolicies(allPolicies);
        const analyze = server.makeAnalyzeRpcFun("test-pack", "0.0.1", "mandatory", policies);
        const spec = restrictedPod();
        spec.containers[0].securityContext.privileged = true;
        const props = {
            ...POD_KINDS.find((k) => k.kind === "Deployment")!.wrap(spec, {}),
            metadata: { name: "web", namespace: "shop" },
        };
        for (let round = 0; round < 2; round++) {
            const request = analyzeRequest({ type: "kubernetes:apps/v1:Deployment", name: "web", props });
            const decodings = counted(request);
            const response = await new Promise<AnalyzeResponse>((ok, fail) => analyze({ request }, (e, r) => (e ? fail(e) : ok(r!))));
            assert.equal(decodings.reads, 1, `${policies.length} policies, ${decodings.reads} deserialisations`);
            // Every policy saw the properties: the privileged container is still found.
            assert.ok(response.getDiagnosticsList().some((d) => d.getPolicyname() === "pss:baseline:privileged-containers"));
        }
    });

    type Handler = ReturnType<typeof server.makeAnalyzeRpcFun>;
    const run = (analyze: Handler, resource: Parameters<typeof analyzeRequest>[0]) =>
        new Promise<AnalyzeResponse>((ok, fail) => analyze({ request: analyzeRequest(resource) }, (e, r) => (e ? fail(e) : ok(r!))));

    it("the Analyze loop calls only the policies that apply to the request's type", async () => {
        let asked = 0;
        const policies: AnyPolicy[] = Array.from({ length: 50 }, (_, i) =>
            resourcePolicy({
                name: `test:p${i}`,
                description: "A test policy.",
                severity: "low",
                remediation: "None.",
                controls: {},
                appliesTo: (type) => (asked++, i === 0 && type === "test:index:Mine"),
                check: (r, report) => report.violation(`judged ${r.name}`),
            }),
        );
        const analyze = server.makeAnalyzeRpcFun("test-pack", "0.0.1", "mandatory", packPolicies(policies));
        for (let n = 0; n < 10; n++) {
            const response = await run(analyze, { type: "test:index:Other", name: `o${n}`, props: {} });
            assert.equal(response.getDiagnosticsList().length + response.getNotApplicableList().length, 0);
        }
        // Each policy was asked once, for the type, not once per request.
        assert.equal(asked, 50);
        const mine = await run(analyze, { type: "test:index:Mine", name: "m", props: {} });
        assert.deepEqual(
            mine.getDiagnosticsList().map((d) => d.getPolicyname()),
            ["test:p0"],
        );
    });

    it("answers every request exactly as the policies served one by one do", async () => {
        const spec = restrictedPod();
        spec.containers[0].securityContext.privileged = true;
        const deployment = {
            ...POD_KINDS.find((k) => k.kind === "Deployment")!.wrap(spec, {}),
            metadata: { name: "web", namespace: "shop" },
        };
        const resources = [
            ...awsResources(64).map((r) => ({ ...r, props: r.props as Record<string, unknown> })),
            { type: "kubernetes:apps/v1:Deployment", name: "web", props: deployment },
            {
                type: "kubernetes:core/v1:Service",
                name: "np",
                props: { metadata: { name: "np", namespace: "shop" }, spec: { type: "NodePort" } },
            },
        ];
        const indexed = server.makeAnalyzeRpcFun("p", "1.0.0", "mandatory", packPolicies(allPolicies));
        const plain = server.makeAnalyzeRpcFun("p", "1.0.0", "mandatory", allPolicies.map(toPulumiPolicy));
        let diagnostics = 0;
        for (const r of resources) {
            const [a, b] = [await run(indexed, r), await run(plain, r)];
            assert.deepEqual(a.toObject(), b.toObject(), r.type);
            diagnostics += a.getDiagnosticsList().length;
        }
        assert.ok(diagnostics >= resources.length / 4, `the resources carry violations to compare (${diagnostics})`);
    });

    it("a request the engine fails on every policy it calls fails as it does with the policies served one by one", async () => {
        const indexed = server.makeAnalyzeRpcFun("p", "1.0.0", "mandatory", packPolicies(allPolicies));
        const plain = server.makeAnalyzeRpcFun("p", "1.0.0", "mandatory", allPolicies.map(toPulumiPolicy));
        const outcome = (analyze: Handler, request: ReturnType<typeof analyzeRequest>) =>
            new Promise<string>((ok) =>
                analyze({ request }, (e, r) =>
                    // The engine's message: the policy it failed on and the cause (a stack trace follows).
                    ok(e ? `error: ${(e as Error).message.split("\n").slice(0, 2).join("\n")}` : JSON.stringify(r!.toObject())),
                ),
            );
        const deployment = { type: "kubernetes:apps/v1:Deployment", name: "web", props: { metadata: { name: "web", namespace: "shop" } } };
        const plumbing = { type: "aws:ec2/vpc:Vpc", name: "net", props: {} };
        await run(indexed, deployment); // the policies have been served: requests are judged ahead
        const withoutOptions = (r: Parameters<typeof analyzeRequest>[0]) => {
            const request = analyzeRequest(r);
            request.setOptions(undefined);
            return request;
        };
        const withProvider = (r: Parameters<typeof analyzeRequest>[0], providerProps: Record<string, unknown>) => {
            const request = analyzeRequest(r);
            const provider = new AnalyzerProviderResource();
            provider.setType("pulumi:providers:kubernetes");
            provider.setName("k8s");
            provider.setUrn("urn:pulumi:test::test::pulumi:providers:kubernetes::k8s");
            provider.setProperties(Struct.fromJavaScript(providerProps as Parameters<typeof Struct.fromJavaScript>[0]));
            request.setProvider(provider);
            return request;
        };
        const cases = [
            withoutOptions(deployment),
            withoutOptions(plumbing),
            analyzeRequest({ ...plumbing, props: { source: { [SIG_KEY]: ASSET_SIG, text: "" } } }), // an asset the engine refuses
            withProvider(deployment, { kubeconfig: { [SIG_KEY]: "not-a-signature" } }),
            withProvider(deployment, { kubeconfig: "~/.kube/config" }), // and one it accepts
        ];
        for (const request of cases) assert.equal(await outcome(indexed, request), await outcome(plain, request));
        assert.match(await outcome(indexed, cases[1]), /^error: Error validating resource with policy 'pss:baseline:host-process'/);
    });

    it("a remediation that fails before its loop leaves the list whole for the next reader in the same turn", async () => {
        const served = packPolicies(allPolicies);
        const remediate = server.makeRemediateRpcFun("p", "1.0.0", "mandatory", served);
        const request = analyzeRequest({ type: "aws:kms/key:Key", name: "k", props: {} });
        request.setOptions(undefined);
        const failed = remediate({ request }, () => {});
        assert.deepEqual(
            [...served].map((p) => p.name),
            allPolicies.map((p) => p.name),
        );
        await assert.rejects(failed, /more recent version of the Pulumi CLI/);
    });

    it("requests whose handlers run interleaved are each answered as when handled one by one", async () => {
        // Several Analyze calls can be in flight; each handler's loop resumes between the policies it
        // calls, so the loops of requests started together interleave, and no judgement may leak.
        const analyze = server.makeAnalyzeRpcFun("p", "1.0.0", "mandatory", packPolicies(allPolicies));
        const privileged = restrictedPod();
        privileged.containers[0].securityContext.privileged = true;
        const resources = [
            ...awsResources(40).map((r) => ({ ...r, props: r.props as Record<string, unknown> })),
            // Workloads of one type with the same findings: a judgement that leaked would name the wrong one.
            ...[restrictedPod(), privileged, privileged, privileged, privileged].map((spec, i) => ({
                type: "kubernetes:apps/v1:Deployment",
                name: `web-${i}`,
                props: {
                    ...POD_KINDS.find((k) => k.kind === "Deployment")!.wrap(spec, {}),
                    metadata: { name: `web-${i}`, namespace: "shop" },
                },
            })),
        ];
        const answer = (r: AnalyzeResponse) => JSON.stringify(r.toObject());
        const oneByOne: string[] = [];
        for (const r of resources) oneByOne.push(answer(await run(analyze, r)));
        // Every handler is started before any of them resumes.
        const together = await Promise.all(resources.map((r) => run(analyze, r)));
        assert.deepEqual(together.map(answer), oneByOne);
        assert.ok(oneByOne.filter((a) => a.includes('"policyname"')).length > 10, "the answers carry findings to compare");
    });

    it("yields only what has something to say to the Analyze loop that reads a request's type, and every policy to any other reader", () => {
        const served = packPolicies(allPolicies);
        const info = () => Buffer.from(makeAnalyzerInfo("p", "1.0.0", "mandatory", { policies: served }).serializeBinary()).toString("hex");
        // What the pack publishes: its policies, one by one.
        const oneByOne = makeAnalyzerInfo("p", "1.0.0", "mandatory", { policies: allPolicies.map(toPulumiPolicy) }).serializeBinary();
        assert.equal(info(), Buffer.from(oneByOne).toString("hex"));
        const request = analyzeRequest({ type: "test:index:Unjudged", name: "u", props: {} });
        request.getType();
        assert.deepEqual([...served], [], "no policy applies to the type: the loop has nothing to call");
        // Only the loop right after the type was read is narrowed.
        assert.equal([...served].length, allPolicies.length);
        assert.equal(info(), Buffer.from(oneByOne).toString("hex"));
        // A remediation reads the type too, then the request's options before its own loop: that loop sees every policy.
        request.getType();
        request.getOptions();
        assert.deepEqual(
            [...served].map((p) => p.name),
            allPolicies.map((p) => p.name),
        );
        for (const p of served) if ("validateResource" in p) assert.equal(typeof p.validateResource, "function", p.name);
    });

    it("the loop is given exactly the policies that report something about the request's resource", async () => {
        const served = packPolicies(allPolicies);
        const analyze = server.makeAnalyzeRpcFun("p", "1.0.0", "mandatory", served);
        const key = { type: "aws:kms/key:Key", name: "k", props: { enableKeyRotation: false } };
        const reported = (await run(analyze, key)).getDiagnosticsList().map((d) => d.getPolicyname());
        assert.ok(reported.length > 0, "the key without rotation is reported");
        analyzeRequest(key).getType();
        const yielded = [...served].map((p) => p.name);
        assert.deepEqual(
            yielded,
            allPolicies.map((p) => p.name).filter((name) => reported.includes(name)),
        );
    });
});
