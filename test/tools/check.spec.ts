import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { runCheck, runCheckCli } from "../../tools/check";
import type { Io } from "../../tools/cli/output";
import { runInProcess, type CliRun } from "../helpers/cli";

const ROOT = join(__dirname, "..", "..");
const FIXTURES = join("test", "tools", "fixtures", "check");
const fixture = (p: string) => join(FIXTURES, p);
const GOOD = readFileSync(join(ROOT, fixture("good/web.yaml")), "utf8");
const PRIVILEGED = readFileSync(join(ROOT, fixture("bad/privileged.yaml")), "utf8");

/** `check` as its command line runs it, in process: exit code and what it wrote where. */
function cli(args: string[], cwd = ROOT): Promise<CliRun> {
    return runInProcess(runCheckCli, args, cwd);
}

/** A folder of files (path to content) in a fresh temporary directory. */
function tree(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), "check-"));
    for (const [path, content] of Object.entries(files)) {
        mkdirSync(join(dir, path, ".."), { recursive: true });
        writeFileSync(join(dir, path), content);
    }
    return dir;
}

/** A billion laughs: each alias doubles the one before, so expanding them all is exponential. */
function aliasBomb(): string {
    const lines = ["a0: &a0 [lol, lol]"];
    for (let i = 1; i <= 30; i++) lines.push(`a${i}: &a${i} [*a${i - 1}, *a${i - 1}]`);
    return `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: bomb }\ndata:\n${lines.map((l) => `  ${l}`).join("\n")}\n`;
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
        assert.match(good.stdout, /^2 resources in 1 file: \d+ violations? \(0 mandatory/m);
        assert.equal(bad.code, 1, bad.stderr);
        assert.match(bad.stdout, /pss:baseline:privileged-containers/);
        assert.equal(broken.code, 2);
        assert.match(broken.stdout, /broken\.yaml:7: invalid YAML/);
        assert.equal(brokenJson.code, 2);
        assert.match(brokenJson.stdout, /broken\.json:2: invalid JSON/);
        assert.equal(missing.code, 2);
        assert.match(missing.stdout, /nope\.yaml: no such file or folder/);
        assert.equal(badConfig.code, 2);
        assert.match(badConfig.stderr, /unknown policy "pss:baseline:no-such-policy"/);
    });

    it("--format json gives results per object, a summary with exemptions and their reasons, and the pack config it used", async () => {
        const { code, out } = await runCheck([fixture("bad")], { format: "json", config: fixture("exemptions.json"), cwd: ROOT });
        assert.equal(code, 1);
        const json = JSON.parse(out);
        assert.deepEqual(Object.keys(json), ["results", "errors", "skipped", "packConfigs", "summary"]);
        assert.deepEqual(json.packConfigs, [{ input: "manifests", source: `--config ${fixture("exemptions.json")}` }]);
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

    it("judges a rendered plan of any resources, stack policies included, unknowns never mandatory", async () => {
        const { code, out } = await runCheck([fixture("plan-istio.json")], { format: "json", cwd: ROOT });
        const json = JSON.parse(out);
        assert.equal(code, 1);
        const stack = json.results.find((r: { kind: string }) => r.kind === "Stack");
        assert.ok(stack.violations.some((v: { policy: string }) => v.policy === "istio:mesh-wide-strict-mtls"));
        const bucket = json.results.find((r: { name: string }) => r.name === "logs");
        assert.ok(bucket.violations.some((v: { policy: string }) => v.policy === "aws:s3-bucket-baseline"));
        assert.equal(bucket.line, 21, "a resource without a recorded source points at its entry in the plan, not at line 1");
        const role = json.results.find((r: { name: string }) => r.name === "web");
        assert.deepEqual(
            role.violations.map((v: { policy: string; enforcementLevel: string }) => [v.policy, v.enforcementLevel]),
            [["vault:kubernetes-auth-role", "advisory"]],
        );
        assert.match(json.packConfigs[0].source, /none in the plan and none given \(--config\)/);
    });

    describe("fails closed on input with nothing to judge", () => {
        const dir = tree({
            "empty.yaml": "",
            "dashes.yaml": "---\n---\n",
            "values/values.yaml": "replicaCount: 2\n",
            "bomb.yaml": aliasBomb(),
            "web.yaml": GOOD,
        });

        for (const [what, path] of [
            ["an empty file", "empty.yaml"],
            ["a file holding only ---", "dashes.yaml"],
            ["a folder with no Kubernetes object", "values"],
        ]) {
            it(`${what} is exit 2, naming it, unless --allow-empty`, async () => {
                const refused = await cli([path], dir);
                assert.equal(refused.code, 2, refused.stdout);
                assert.match(refused.stdout, /nothing to judge|no Kubernetes object to judge/);
                assert.match(refused.stdout, /--allow-empty/);
                const accepted = await cli([path, "--allow-empty"], dir);
                assert.equal(accepted.code, 0, accepted.stdout + accepted.stderr);
                assert.match(accepted.stdout, /^0 resources in 1 file/m);
            });
        }

        it("a YAML alias bomb is refused in one line, exit 2, and the other files are still judged", async () => {
            const { code, stdout, stderr } = await cli(["bomb.yaml", "web.yaml"], dir);
            assert.equal(code, 2);
            assert.match(stdout, /^not judged: bomb\.yaml:1: refused: .*alias/m);
            assert.match(stdout, /^2 resources in 1 file: \d+ violations? \(0 mandatory/m, "web.yaml is judged");
            assert.ok(!/\n\s+at /.test(stdout + stderr), "no stack trace");
        });

        it("an error nobody expected is one line and exit 2, never a stack trace", async () => {
            const { code, stderr } = await cli([fixture("good"), "--output", join(dir, "no-such-folder", "out.txt")]);
            assert.equal(code, 2);
            assert.match(stderr, /^check: --output .*no-such-folder\/out\.txt: cannot write: ENOENT/);
            assert.equal(stderr.trim().split("\n").length, 1, stderr);
        });
    });

    describe("scans a folder through its bad files", () => {
        const dir = tree({
            "apps/agent.yaml": PRIVILEGED,
            "apps/web.yaml": GOOD,
            "apps/tsconfig.json": '{\n  // comments are not JSON\n  "compilerOptions": {}\n}\n',
            "apps/values.yaml": "replicaCount: 2\n",
            "chart/Chart.yaml": "apiVersion: v2\nname: web\nversion: 1.0.0\n",
            "chart/templates/deployment.yaml":
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n{{- if .Values.x }}\n",
            ".argocd/web.yaml": GOOD.replace(/name: web/g, "name: argo-web"),
            "vendor/generated.yaml": PRIVILEGED.replace(/node-agent/g, "vendored"),
            "node_modules/pkg/x.yaml": "apiVersion: v1\n",
        });

        it("reports the unparsable file, judges the rest, and exits 2 at the end", async () => {
            const { code, out } = await runCheck(["."], { format: "json", cwd: dir });
            const json = JSON.parse(out);
            assert.equal(code, 2);
            assert.deepEqual(json.errors, [{ file: "apps/tsconfig.json", line: 2, message: json.errors[0].message }]);
            assert.match(json.errors[0].message, /invalid JSON/);
            assert.ok(json.summary.mandatory > 0, "the privileged agent is judged despite the broken file");
            const judged = json.results.map((r: { file: string; name: string }) => `${r.file} ${r.name}`);
            assert.ok(judged.includes(".argocd/web.yaml argo-web"), `a dot-folder is judged: ${judged.join(", ")}`);
            assert.ok(judged.includes("vendor/generated.yaml vendored"));
        });

        it("skips Helm templates/ folders and other non-manifests, and says so with the reason", async () => {
            const { out } = await runCheck(["."], { format: "json", cwd: dir });
            const skipped = Object.fromEntries(JSON.parse(out).skipped.map((s: { path: string; reason: string }) => [s.path, s.reason]));
            assert.match(skipped["chart/templates"], /Helm chart templates .*`helm template`/);
            assert.match(skipped["apps/values.yaml"], /no Kubernetes object/);
            assert.match(skipped["chart/Chart.yaml"], /no Kubernetes object/);
            assert.match(skipped["node_modules"], /npm packages/);
        });

        it("--exclude GLOB skips what it matches, by name or by path, and reports it", async () => {
            const { code, out } = await runCheck(["."], { format: "json", cwd: dir, exclude: ["tsconfig.json", "vendor/**"] });
            const json = JSON.parse(out);
            assert.equal(code, 1, "no input error left: the violations decide");
            assert.deepEqual(json.errors, []);
            const skipped = json.skipped.map((s: { path: string; reason: string }) => `${s.path}: ${s.reason}`);
            assert.ok(skipped.includes("apps/tsconfig.json: excluded by --exclude tsconfig.json"), skipped.join("\n"));
            assert.ok(skipped.includes("vendor/generated.yaml: excluded by --exclude vendor/**"), skipped.join("\n"));
            assert.ok(!json.results.some((r: { name: string }) => r.name === "vendored"));
        });
    });

    describe("paths and pipes as users use them", () => {
        const dir = tree({ "k8s/web.yaml": GOOD, "k8s/agent.yaml": PRIVILEGED });

        it("resolves relative paths against the user's directory, not the project's", async () => {
            const { code, stdout } = await cli(["k8s", "--format", "json", "--output", "report.json"], dir);
            assert.equal(code, 1);
            assert.equal(stdout, "", "the report went to the file");
            const report = JSON.parse(readFileSync(join(dir, "report.json"), "utf8"));
            assert.deepEqual([...new Set(report.results.map((r: { file: string }) => r.file))].sort(), ["k8s/agent.yaml", "k8s/web.yaml"]);
        });

        it("judges a file given twice, or given and inside a folder given, once", async () => {
            const { out } = await runCheck(["k8s/web.yaml", "k8s", "./k8s/web.yaml"], { format: "json", cwd: dir });
            const json = JSON.parse(out);
            assert.equal(json.summary.files, 2);
            assert.equal(json.summary.resources, 4);
        });

        it("follows a link to a file and names a link to a folder instead of walking it", async () => {
            const links = tree({ "real/web.yaml": GOOD });
            symlinkSync(join(links, "real", "web.yaml"), join(links, "linked.yaml"));
            symlinkSync(join(links, "real"), join(links, "loop"));
            const { out } = await runCheck(["."], { format: "json", cwd: links });
            const json = JSON.parse(out);
            assert.equal(json.summary.files, 1, "the link and its target are one file");
            assert.match(json.skipped.find((s: { path: string }) => s.path === "loop").reason, /link to a folder/);
        });

        it("prints an aligned table with pluralised counts", async () => {
            const { stdout } = await cli(["k8s"], dir);
            const rows = stdout.split("\n").filter((line) => /^ {2}(mandatory|advisory) /.test(line));
            assert.ok(rows.length > 3);
            // Where the severity, the policy and the message start: the same column on every row.
            for (const column of [/^( {2}\S+ +)/, /^( {2}\S+ +\S+ +)/, /^( {2}\S+ +\S+ +\S+ +)/]) {
                const starts = new Set(rows.map((row) => column.exec(row)![1]!.length));
                assert.equal(starts.size, 1, `not aligned:\n${rows.join("\n")}`);
            }
            assert.match(stdout, /^4 resources in 2 files: \d+ violations \(\d+ mandatory, \d+ advisory\)\.$/m);
            const one = await cli(["k8s/web.yaml"], dir);
            assert.match(one.stdout, /^2 resources in 1 file: \d+ violations? \(0 mandatory/m);
        });

        // 300 objects with findings: progress between batches, and JSON far larger than a pipe's buffer.
        const many = tree({
            "many.yaml": Array.from({ length: 150 }, (_, i) => PRIVILEGED.replace(/node-agent|settings/g, (m) => `${m}-${i}`)).join(
                "\n---\n",
            ),
        });

        it("shows progress only where a terminal watches the table, never in JSON", async () => {
            const seen: string[] = [];
            const io = (progress: (text: string) => void): Io => ({ cwd: many, out: async () => {}, err: async () => {}, progress });
            assert.equal(
                await runCheckCli(
                    ["many.yaml"],
                    io((t) => seen.push(t)),
                ),
                1,
            );
            assert.ok(seen.includes("judged 200 of 300 objects"), seen.join("|"));
            seen.length = 0;
            await runCheckCli(
                ["many.yaml", "--format", "json"],
                io((t) => seen.push(t)),
            );
            assert.deepEqual(seen, [], "no progress with --format json");
        });

        it("stops quietly when the reader goes away (`| head`): no EPIPE stack trace", () => {
            const script = `"${process.execPath}" --require "${require.resolve("tsx/cjs")}" "${join(ROOT, "tools", "check.ts")}" many.yaml --format json | head -n 2`;
            const result = spawnSync("sh", ["-c", script], { cwd: many, encoding: "utf8", env: { ...process.env, INIT_CWD: many } });
            assert.equal(result.stdout, '{\n  "results": [\n');
            assert.equal(result.stderr, "");
        });
    });

    it("SARIF URIs are relative to the base and percent-encoded: spaces and #", async () => {
        const dir = tree({});
        cpSync(join(ROOT, fixture("bad")), join(dir, "my manifests", "team#1"), { recursive: true });
        const { out } = await runCheck(["my manifests"], { format: "sarif", cwd: dir });
        const run = JSON.parse(out).runs[0];
        assert.equal(run.originalUriBaseIds.ROOT.uri, pathToFileURL(dir + "/").href);
        assert.equal(run.results[0].locations[0].physicalLocation.artifactLocation.uri, "my%20manifests/team%231/privileged.yaml");
        assert.equal(run.results[0].locations[0].physicalLocation.artifactLocation.uriBaseId, "ROOT");
    });
});
