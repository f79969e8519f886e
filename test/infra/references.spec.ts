import { strict as assert } from "node:assert";
import { hasEks, REFERENCE_CHECKS, referenceProblems } from "../helpers/references";
import { ofType, only, rendered, STACKS } from "../helpers/stacks";

describe("references: each AWS reference lands on the resource it must", () => {
    for (const name of STACKS) {
        describe(name, () => {
            it("records each resource's id and outputs next to its inputs", async () => {
                const stack = await rendered(name);
                for (const r of stack.resources.filter((r) => r.custom)) {
                    assert.ok(r.id, `${r.type} ${r.name} has no id`);
                    assert.equal(typeof r.outputs, "object", `${r.type} ${r.name} has no outputs`);
                }
                if (!hasEks(stack.resources)) return;
                // An ARN in an input is the output of the resource it names: the secrets key's, for EKS.
                const cluster = only(stack, "aws:eks/cluster:Cluster");
                const keyArn = (cluster.inputs.encryptionConfig as { provider: { keyArn: string } }).provider.keyArn;
                const key = ofType(stack, "aws:kms/key:Key").filter((k) => k.outputs.arn === keyArn);
                assert.deepEqual(
                    key.map((k) => k.name),
                    [`${String(cluster.inputs.name)}-secrets`],
                );
            });

            it("keys, roles, buckets, namespaces and service accounts are the intended ones", async () => {
                const stack = await rendered(name);
                // local builds nothing on AWS; every EKS stack is held to every check.
                assert.equal(hasEks(stack.resources), name !== "local");
                if (!hasEks(stack.resources)) {
                    assert.deepEqual(
                        stack.resources.filter((r) => r.type.startsWith("aws:")).map((r) => r.type),
                        [],
                    );
                    return;
                }
                assert.deepEqual(referenceProblems(stack.resources), []);
            });
        });
    }

    it("every check names what it verifies, under a unique references: id", () => {
        assert.ok(REFERENCE_CHECKS.length >= 8);
        assert.equal(new Set(REFERENCE_CHECKS.map((c) => c.id)).size, REFERENCE_CHECKS.length);
        for (const c of REFERENCE_CHECKS) assert.match(c.id, /^references:[a-z-]+$/);
    });

    it("a missing target is a problem, not a pass", async () => {
        const stack = await rendered("prod");
        const withoutBucket = stack.resources.filter((r) => r.type !== "aws:s3/bucket:Bucket");
        assert.ok(referenceProblems(withoutBucket).some((p) => p.check === "references:snapshot-bucket"));
    });
});
