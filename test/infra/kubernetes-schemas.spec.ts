import { strict as assert } from "node:assert";
import { validateManifest } from "../helpers/schemas";
import { kubernetesObjects, rendered, STACKS } from "../helpers/stacks";

/**
 * API groups without a published schema package, each with the reason it is accepted unvalidated.
 * Anything not listed here must validate against its schema.
 */
const NO_SCHEMA_REASONS: Record<string, string> = {
    "policy.sigstore.dev":
        "Sigstore publishes no schema package for ClusterImagePolicy; test/infra/admission/signatures.spec.ts checks its fields one by one",
};

describe("every Kubernetes object of every stack validates against its schema", () => {
    for (const stackName of STACKS) {
        it(stackName, async () => {
            const stack = await rendered(stackName);
            const objects = kubernetesObjects(stack);
            assert.ok(objects.length > 0);
            const failures: string[] = [];
            let validated = 0;
            for (const { resource } of objects) {
                // The objects as the cluster receives them: secret values in place, not "[secret]".
                const manifest = stack.secretInputs.get(resource.urn)!;
                try {
                    const result = await validateManifest(manifest);
                    if (result === "validated") validated += 1;
                    else if (!NO_SCHEMA_REASONS[String(manifest.apiVersion).split("/")[0]!])
                        failures.push(`${resource.urn}: no schema for ${String(manifest.apiVersion)} and no stated reason`);
                } catch (error) {
                    failures.push(`${resource.urn}: ${(error as Error).message}`);
                }
            }
            assert.deepEqual(failures, []);
            assert.ok(validated > 0);
        });
    }
});
