// The pull-request workflow previews each EKS stack from where its API is reachable, as the role the stack
// gives an access entry to, and never runs a fork's code there.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { readStackFile, REPO_ROOT } from "../../tools/render/stack-file";
import { STACKS } from "../helpers/stacks";

type Json = Record<string, any>;
const workflow: Json = parse(readFileSync(join(REPO_ROOT, ".github", "workflows", "policy-preview.yml"), "utf8"));
const cluster = (stack: string): Json => JSON.parse(readStackFile(stack).config["secure-platform:cluster"]!);

describe(".github/workflows/policy-preview.yml", () => {
    const preview = workflow.jobs.preview;

    it("previews every EKS stack, each of which names the role the preview assumes", () => {
        const eks = STACKS.filter((s) => cluster(s).mode === "eks").sort();
        assert.deepEqual([...preview.strategy.matrix.stack].sort(), eks);
        for (const stack of eks) assert.match(cluster(stack).previewRoleArn ?? "", /^arn:aws:iam::\d{12}:role\//, stack);
    });

    it("runs on the stack's self-hosted runners, in the stack's environment, for this repository's branches only", () => {
        assert.deepEqual(preview["runs-on"], ["self-hosted", "linux", "x64", "secure-platform-${{ matrix.stack }}"]);
        assert.equal(preview.environment, "preview-${{ matrix.stack }}");
        assert.equal(preview.if, "github.event.pull_request.head.repo.full_name == github.repository");
        assert.equal(preview.permissions["id-token"], "write");
        const assume = preview.steps.find((s: Json) => String(s.uses ?? "").startsWith("aws-actions/configure-aws-credentials"));
        assert.equal(assume.with["role-to-assume"], "${{ vars.AWS_PREVIEW_ROLE_ARN }}");
    });

    it("keeps the jobs that need no cluster on hosted runners", () => {
        for (const job of ["test", "charts"]) assert.equal(workflow.jobs[job]["runs-on"], "ubuntu-latest", job);
    });
});
