// SARIF as GitHub code scanning takes it, validated against the official 2.1.0 schema with its formats.
import { strict as assert } from "node:assert";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import type * as Sarif from "sarif";
import { runCheck } from "../../tools/check";
import type { CheckOutput } from "../../tools/check/report";
import { MAX_RESULTS, MAX_TAGS, toSarif } from "../../tools/check/sarif";
import { REPO_ROOT } from "../../tools/render/stack-file";
import { allPolicies } from "../../policy-pack/policies";

const FIXTURES = join(REPO_ROOT, "test", "tools", "fixtures", "check");
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validateSarif = ajv.compile(JSON.parse(readFileSync(join(REPO_ROOT, "..", "shared", "schemas", "sarif-schema-2.1.0.json"), "utf8")));

function valid(log: unknown): Sarif.Log {
    assert.ok(validateSarif(log), JSON.stringify(validateSarif.errors?.slice(0, 5), null, 2));
    return log as Sarif.Log;
}

async function sarif(paths: string[], options: { cwd: string; base?: string; config?: string }): Promise<Sarif.Run> {
    const { out } = await runCheck(paths, { format: "sarif", ...options });
    return valid(JSON.parse(out)).runs[0]!;
}

const location = (result: Sarif.Result) => result.locations![0]!.physicalLocation!;

describe("tools/check --format sarif", function () {
    this.timeout(60_000);
    // A folder with a space and a `#`, as users name them.
    const dir = mkdtempSync(join(tmpdir(), "sarif-"));
    mkdirSync(join(dir, "my manifests"));
    cpSync(join(FIXTURES, "bad"), join(dir, "my manifests", "team#1"), { recursive: true });
    const file = "my%20manifests/team%231/privileged.yaml";

    it("the validator checks formats: a log with an invalid URI fails it", () => {
        const log = { version: "2.1.0", runs: [{ tool: { driver: { name: "x", informationUri: "::not a uri::" } }, results: [] }] };
        assert.equal(validateSarif(log), false);
        assert.ok(
            validateSarif.errors!.some((e) => e.keyword === "format"),
            JSON.stringify(validateSarif.errors),
        );
    });

    it("locates results relative to the base (default the working directory), percent-encoded", async () => {
        const run = await sarif(["my manifests"], { cwd: dir });
        assert.deepEqual(run.originalUriBaseIds, { ROOT: { uri: pathToFileURL(`${dir}/`).href } });
        assert.ok(run.results!.length > 0);
        for (const result of run.results!) assert.deepEqual(location(result).artifactLocation, { uri: file, uriBaseId: "ROOT" });
        assert.equal(location(run.results![0]!).region!.startLine, 4);
    });

    it("--base moves the root; a file outside it gets an absolute file URI", async () => {
        const nested = await sarif(["team#1"], { cwd: join(dir, "my manifests"), base: ".." });
        assert.equal(nested.originalUriBaseIds!.ROOT!.uri, pathToFileURL(`${dir}/`).href);
        assert.equal(location(nested.results![0]!).artifactLocation!.uri, file);
        const outside = await sarif(["my manifests"], { cwd: dir, base: "my manifests/team#1/elsewhere" });
        const uri = location(outside.results![0]!).artifactLocation!;
        assert.deepEqual(uri, { uri: pathToFileURL(join(dir, "my manifests", "team#1", "privileged.yaml")).href });
        assert.match(uri.uri!, /my%20manifests\/team%231\/privileged\.yaml$/);
    });

    it("exemptions are suppressed results with their reason", async () => {
        const run = await sarif(["my manifests"], { cwd: dir, config: join(FIXTURES, "exemptions.json") });
        const suppressed = run.results!.filter((r) => r.suppressions);
        assert.equal(suppressed.length, 1);
        assert.equal(suppressed[0]!.ruleId, "pss:baseline:host-namespaces");
        assert.deepEqual(suppressed[0]!.suppressions, [
            {
                kind: "external",
                status: "accepted",
                justification: "The node agent reads host network counters; reviewed by security (SEC-142).",
            },
        ]);
        assert.ok(!run.results!.some((r) => r.ruleId === "pss:baseline:host-namespaces" && !r.suppressions));
    });

    it("fingerprints follow the object, not its line", async () => {
        const moved = mkdtempSync(join(tmpdir(), "sarif-moved-"));
        const original = readFileSync(join(FIXTURES, "bad", "privileged.yaml"), "utf8");
        writeFileSync(join(moved, "a.yaml"), original);
        const before = await sarif(["a.yaml"], { cwd: moved });
        writeFileSync(join(moved, "a.yaml"), `# moved down\n\n\n${original}`);
        const after = await sarif(["a.yaml"], { cwd: moved });
        assert.deepEqual(
            after.results!.map((r) => r.partialFingerprints),
            before.results!.map((r) => r.partialFingerprints),
        );
        assert.notDeepEqual(
            after.results!.map((r) => location(r).region!.startLine),
            before.results!.map((r) => location(r).region!.startLine),
        );
        assert.equal(new Set(before.results!.map((r) => JSON.stringify(r.partialFingerprints))).size, before.results!.length);
    });

    it("a saved plan's results point at the program file that declared the resource", async () => {
        const plan = JSON.parse(readFileSync(join(FIXTURES, "plan-istio.json"), "utf8"));
        const bucket = plan.resources.find((r: { name: string }) => r.name === "logs");
        bucket.source = { file: "infra/platform.ts", line: 12 };
        const planDir = mkdtempSync(join(tmpdir(), "sarif-plan-"));
        writeFileSync(join(planDir, "plan.json"), JSON.stringify(plan, null, 2));
        const run = await sarif([join(planDir, "plan.json")], { cwd: REPO_ROOT });
        const result = run.results!.find((r) => r.ruleId === "aws:s3-bucket-baseline")!;
        assert.deepEqual(location(result).artifactLocation, { uri: "infra/platform.ts", uriBaseId: "ROOT" });
        assert.equal(location(result).region!.startLine, 12);
        const role = run.results!.find((r) => r.ruleId === "vault:kubernetes-auth-role")!;
        assert.match(location(role).artifactLocation!.uri!, /^file:.*\/plan\.json$/, "no recorded source: its entry in the plan");
        assert.ok(location(role).region!.startLine! > 1);
    });

    it("every rule has a full description, a help URI and at most 10 tags, for every policy of the pack", () => {
        const output = syntheticOutput(allPolicies.map((p) => p.name));
        const run = valid(toSarif(output, allPolicies, "0.0.0", { cwd: REPO_ROOT, base: REPO_ROOT })).runs[0]!;
        const rules = run.tool.driver.rules!;
        assert.equal(rules.length, allPolicies.length);
        for (const rule of rules) {
            assert.ok(rule.fullDescription!.text.length > rule.shortDescription!.text.length, rule.id);
            assert.match(rule.helpUri!, /^file:\/\/.*\/policy-pack\/README\.md#policies$/);
            const tags = rule.properties!.tags!;
            assert.ok(tags.length <= MAX_TAGS && tags.includes("security"), `${rule.id}: ${tags.length} tags`);
        }
        const most = allPolicies.reduce((max, p) => Math.max(max, Object.values(p.controls).flat().length), 0);
        assert.ok(most + 1 > MAX_TAGS, "some policy has more controls than GitHub shows tags: the limit is exercised");
    });

    it("help URIs point at the checked-out commit on GitHub Actions", () => {
        const saved = { ...process.env };
        Object.assign(process.env, {
            GITHUB_SERVER_URL: "https://github.com",
            GITHUB_REPOSITORY: "acme/secure-platform",
            GITHUB_SHA: "abc123",
        });
        try {
            const run = valid(
                toSarif(syntheticOutput(["k8s:images:no-latest-tag"]), allPolicies, "0.0.0", { cwd: REPO_ROOT, base: REPO_ROOT }),
            );
            assert.equal(
                run.runs[0]!.tool.driver.rules![0]!.helpUri,
                "https://github.com/acme/secure-platform/blob/abc123/policy-pack/README.md#policies",
            );
        } finally {
            for (const key of ["GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"]) {
                if (saved[key] === undefined) delete process.env[key];
                else process.env[key] = saved[key];
            }
        }
    });

    it(`keeps at most ${MAX_RESULTS} results per run, errors first, and says how many were cut`, () => {
        const names = Array.from({ length: MAX_RESULTS + 7 }, (_, i) =>
            i < 5 ? "pss:baseline:privileged-containers" : "k8s:images:require-digest",
        );
        const output = syntheticOutput(names, (i) => (i < 5 ? "mandatory" : "advisory"));
        output.results.reverse(); // the mandatory ones last: the cut must still keep them
        const run = valid(toSarif(output, allPolicies, "0.0.0", { cwd: REPO_ROOT, base: REPO_ROOT })).runs[0]!;
        assert.equal(run.results!.length, MAX_RESULTS);
        assert.equal(run.results!.filter((r) => r.level === "error").length, 5);
        const [notification] = run.invocations![0]!.toolExecutionNotifications!;
        assert.equal(notification!.level, "warning");
        assert.equal(
            notification!.message.text,
            `7 of ${MAX_RESULTS + 7} results were cut: code scanning accepts at most ${MAX_RESULTS} per run (--format json has them all)`,
        );
    });

    it("input that was not judged makes the run unsuccessful, with a notification naming the file", async () => {
        const broken = mkdtempSync(join(tmpdir(), "sarif-broken-"));
        cpSync(join(FIXTURES, "invalid", "broken.yaml"), join(broken, "broken #2.yaml"));
        cpSync(join(FIXTURES, "bad", "privileged.yaml"), join(broken, "ok.yaml"));
        const run = await sarif(["."], { cwd: broken });
        assert.equal(run.invocations![0]!.executionSuccessful, false);
        const [notification] = run.invocations![0]!.toolExecutionNotifications!;
        assert.equal(notification!.level, "error");
        assert.match(notification!.message.text!, /invalid YAML/);
        assert.deepEqual(notification!.locations![0]!.physicalLocation!.artifactLocation, { uri: "broken%20%232.yaml", uriBaseId: "ROOT" });
        assert.ok(run.results!.length > 0, "the other file is judged");
    });
});

/** One object per policy name given, each with one violation of it. */
function syntheticOutput(policies: string[], level: (i: number) => "mandatory" | "advisory" = () => "mandatory"): CheckOutput {
    const results = policies.map((policy, i) => ({
        file: "k8s/objects.yaml",
        kind: "Deployment",
        name: `app-${i}`,
        namespace: "shop",
        line: i + 1,
        violations: [{ policy, severity: "high", enforcementLevel: level(i), message: "violates it", controls: [] }],
    }));
    return {
        results,
        errors: [],
        skipped: [],
        packConfigs: [],
        summary: { files: 1, resources: results.length, violations: results.length, mandatory: 0, advisory: 0, errors: 0, exemptions: [] },
    };
}
