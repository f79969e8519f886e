// The adapter to @pulumi/policy, driven through @pulumi/policy's own Analyze handler in process.
import { strict as assert } from "node:assert";
import type { AnalyzeResponse } from "@pulumi/pulumi/proto/analyzer_pb";
import { pulumiConfigSchema } from "../../../policy-pack/lib/config";
import { packPolicies } from "../../../policy-pack/lib/pulumi";
import { allPolicies } from "../../../policy-pack/policies";
import { analyzeRequest } from "../../../tools/policy-server/analyzer";
import { POD_KINDS, restrictedPod } from "../helpers";

type Deserialize = (struct: object, proxySecrets: boolean) => Record<string, unknown>;
const deserialize = require("@pulumi/policy/deserialize") as { deserializeProperties: Deserialize };
// @pulumi/policy's own Analyze handler (an internal export, untyped).
const server = require("@pulumi/policy/server") as {
    makeAnalyzeRpcFun(...args: any[]): (call: object, done: (e: unknown, r?: AnalyzeResponse) => void) => void;
};

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
        const original = deserialize.deserializeProperties;
        let calls = 0;
        deserialize.deserializeProperties = (struct, proxySecrets) => (calls++, original(struct, proxySecrets));
        try {
            const policies = packPolicies(allPolicies);
            const analyze = server.makeAnalyzeRpcFun("test-pack", "0.0.1", "mandatory", policies);
            const spec = restrictedPod();
            spec.containers[0].securityContext.privileged = true;
            const props = {
                ...POD_KINDS.find((k) => k.kind === "Deployment")!.wrap(spec, {}),
                metadata: { name: "web", namespace: "shop" },
            };
            const request = analyzeRequest({ type: "kubernetes:apps/v1:Deployment", name: "web", props });
            const response = await new Promise<AnalyzeResponse>((ok, fail) => analyze({ request }, (e, r) => (e ? fail(e) : ok(r!))));
            assert.equal(calls, 1, `${policies.length} policies, ${calls} deserialisations`);
            // Every policy saw the properties: the privileged container is still found.
            assert.ok(response.getDiagnosticsList().some((d) => d.getPolicyname() === "pss:baseline:privileged-containers"));
            // A new request is deserialised anew.
            await new Promise((ok, fail) =>
                analyze({ request: analyzeRequest({ type: "aws:kms/key:Key", name: "k", props: {} }) }, (e, r) => (e ? fail(e) : ok(r))),
            );
            assert.equal(calls, 2);
        } finally {
            deserialize.deserializeProperties = original;
        }
    });
});
