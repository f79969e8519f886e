import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { runCheck } from "../../tools/check";

const ROOT = join(__dirname, "..", "..");
const FIXTURES = join("test", "tools", "fixtures", "check");
const fixture = (p: string) => join(FIXTURES, p);

/** Runs `npm run check` as a user does (the CLI in its own process), returning its exit code and output. */
function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        execFile(process.execPath, ["--require", "tsx/cjs", "tools/check.ts", ...args], { cwd: ROOT }, (error, stdout, stderr) => {
            resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
        });
    });
}

describe("tools/check", function () {
    this.timeout(60_000);

    it("exits 0 on compliant manifests, 1 on a mandatory violation, 2 on bad input naming the file and line", async () => {
        const [good, bad, broken, brokenJson, missing, badConfig] = await Promise.all([
            cli([fixture("good")]),
            cli([fixture("bad/privileged.yaml")]),
            cli([fixture("invalid/broken.yaml")]),
            cli([fixture("invalid/broken.json")]),
            cli([fixture("nope.yaml")]),
            cli([fixture("good"), "--config", fixture("bad-config.json")]),
        ]);
        assert.equal(good.code, 0, good.stderr);
        assert.match(good.stdout, /2 resources in 1 files: 0 violations/);
        assert.equal(bad.code, 1, bad.stderr);
        assert.match(bad.stdout, /pss:baseline:privileged-containers/);
        assert.equal(broken.code, 2);
        assert.match(broken.stderr, /broken\.yaml:7: invalid YAML/);
        assert.equal(brokenJson.code, 2);
        assert.match(brokenJson.stderr, /broken\.json:2: invalid JSON/);
        assert.equal(missing.code, 2);
        assert.match(missing.stderr, /nope\.yaml: no such file or folder/);
        assert.equal(badConfig.code, 2);
        assert.match(badConfig.stderr, /unknown policy "pss:baseline:no-such-policy"/);
    });

    it("--format json gives results per object and a summary with exemptions and their reasons", async () => {
        const { code, out } = await runCheck([fixture("bad")], { format: "json", config: fixture("exemptions.json") });
        assert.equal(code, 1);
        const json = JSON.parse(out);
        assert.deepEqual(Object.keys(json), ["results", "summary"]);
        const agent = json.results.find((r: { name: string }) => r.name === "node-agent");
        assert.deepEqual(
            { file: agent.file, kind: agent.kind, namespace: agent.namespace, line: agent.line },
            { file: fixture("bad/privileged.yaml"), kind: "DaemonSet", namespace: "ops", line: 4 },
        );
        assert.equal(json.results.find((r: { name: string }) => r.name === "settings").line, 17, "List items keep their own line");
        const violation = agent.violations.find((v: { policy: string }) => v.policy === "pss:baseline:privileged-containers");
        assert.deepEqual(Object.keys(violation), ["policy", "severity", "enforcementLevel", "message", "controls"]);
        assert.equal(violation.enforcementLevel, "mandatory");
        assert.ok(violation.controls.includes("PSS baseline/privileged-containers"));
        assert.ok(!agent.violations.some((v: { policy: string }) => v.policy === "pss:baseline:host-namespaces"), "exempted");
        assert.deepEqual(
            json.summary.exemptions.map((e: { policy: string; reason: string }) => [e.policy, e.reason]),
            [["pss:baseline:host-namespaces", "The node agent reads host network counters; reviewed by security (SEC-142)."]],
        );
        assert.ok(json.summary.mandatory > 0);
        assert.equal(json.summary.resources, 2);
    });

    it("--format sarif gives SARIF 2.1.0 with rules, levels and locations", async () => {
        const { out } = await runCheck([fixture("bad")], { format: "sarif" });
        const sarif = JSON.parse(out);
        assert.equal(sarif.version, "2.1.0");
        const run = sarif.runs[0];
        assert.equal(run.tool.driver.name, "secure-platform-policies");
        const ruleIds = run.tool.driver.rules.map((r: { id: string }) => r.id);
        assert.ok(ruleIds.includes("pss:baseline:privileged-containers"));
        for (const result of run.results) {
            assert.equal(run.tool.driver.rules[result.ruleIndex].id, result.ruleId);
            assert.ok(["error", "warning"].includes(result.level));
            assert.equal(result.locations[0].physicalLocation.artifactLocation.uri, `${FIXTURES}/bad/privileged.yaml`);
            assert.ok(result.locations[0].physicalLocation.region.startLine >= 1);
        }
        const rule = run.tool.driver.rules.find((r: { id: string }) => r.id === "pss:baseline:privileged-containers");
        assert.equal(rule.properties["security-severity"], "9.5");
    });

    it("scans folders recursively, skipping YAML that is not a Kubernetes object", async () => {
        const { code, out } = await runCheck([fixture("gitops")], { format: "json" });
        const json = JSON.parse(out);
        assert.equal(code, 1);
        assert.deepEqual(
            json.results.map((r: { kind: string; name: string }) => `${r.kind}/${r.name}`),
            ["CronJob/report"],
        );
        assert.ok(json.results[0].violations.some((v: { policy: string }) => v.policy === "pss:restricted:running-as-non-root-user"));
    });

    it("judges a rendered plan of any resources, stack policies included, unknowns never mandatory", async () => {
        const { code, out } = await runCheck([fixture("plan-istio.json")], { format: "json" });
        const json = JSON.parse(out);
        assert.equal(code, 1);
        const stack = json.results.find((r: { kind: string }) => r.kind === "Stack");
        assert.ok(stack.violations.some((v: { policy: string }) => v.policy === "istio:mesh-wide-strict-mtls"));
        const bucket = json.results.find((r: { name: string }) => r.name === "logs");
        assert.ok(bucket.violations.some((v: { policy: string }) => v.policy === "aws:s3-bucket-baseline"));
        const role = json.results.find((r: { name: string }) => r.name === "web");
        assert.deepEqual(
            role.violations.map((v: { policy: string; enforcementLevel: string }) => [v.policy, v.enforcementLevel]),
            [["vault:kubernetes-auth-role", "advisory"]],
        );
    });
});
