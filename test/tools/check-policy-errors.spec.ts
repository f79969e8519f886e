// A policy that throws fails `check` as it fails a preview: the object is reported as not judged,
// in the table, the JSON and the SARIF log, and the run exits 2.
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { evaluate } from "../../policy-pack/lib/evaluate";
import { buildOutput, EXIT_BAD_INPUT, exitCodeOf, formatCheckTable } from "../../tools/check/report";
import type { LoadedInput } from "../../tools/check/manifests";
import { toSarif } from "../../tools/check/sarif";
import { corePolicies } from "../policy-pack/fixtures/core-pack/policies";

describe("check: a policy that throws", () => {
    it("makes the object not judged in every format, and the run exit 2", async () => {
        const cwd = join(__dirname, "..", "..");
        const urn = "urn:pulumi:offline::offline::test:index:Boom::b";
        const report = await evaluate(
            [{ type: "test:index:Boom", name: "b", urn, props: {} }],
            {},
            { policies: corePolicies, stackPolicies: false },
        );
        const input: LoadedInput = {
            resources: [],
            origins: new Map([[urn, { file: join(cwd, "manifests", "boom.yaml"), line: 3, kind: "Boom", name: "b" }]]),
            planStacks: [],
            errors: [],
            skipped: [],
            files: 1,
        };
        const output = buildOutput(input, [{ report }], { cwd, packConfigs: [] });
        assert.equal(exitCodeOf(output), EXIT_BAD_INPUT);
        assert.deepEqual(output.errors, [
            {
                file: join("manifests", "boom.yaml"),
                line: 3,
                message: "policy test:throws could not judge Boom b: boom: the policy has a bug",
            },
        ]);
        assert.match(formatCheckTable(output), /not judged: manifests\/boom.yaml:3: policy test:throws could not judge Boom b/);
        const sarif = toSarif(output, corePolicies, "0.0.1", { cwd, base: cwd });
        assert.equal(sarif.runs[0].invocations![0].executionSuccessful, false);
        assert.match(
            sarif.runs[0].invocations![0].toolExecutionNotifications![0].message.text!,
            /policy test:throws could not judge Boom b/,
        );
    });
});
