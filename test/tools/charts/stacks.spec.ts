// The charts step end to end, on the project's own test charts (test/charts: small charts that honour the
// real charts' values keys and defaults): every stack renders, and every check judges and passes.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ingressGatewayPrincipal } from "../../../infra/services/ingress";
import { readStackPolicyConfig } from "../../../policy-pack/lib/plan";
import { runCharts } from "../../../tools/charts";
import { runChartChecks, type StackCheck } from "../../../tools/charts/checks";
import { platformConfigOf } from "../../../tools/render/platform-config";
import { REPO_ROOT, readStackFile } from "../../../tools/render/stack-file";
import { renderedCharts, TEST_CHARTS } from "../../helpers/charts";
import { runInProcess, type CliRun } from "../../helpers/cli";
import { STACKS } from "../../helpers/stacks";

function findingsText(result: StackCheck): string {
    return result.checks.flatMap((c) => c.findings.map((f) => `${c.check}: ${f.subject}: ${f.message}`)).join("\n");
}

describe("charts: every stack over the test charts", () => {
    for (const stack of STACKS) {
        it(`${stack}: every Release renders, and the pack, admission, flows, schema and storage checks judge it and find nothing`, async () => {
            const rendering = await renderedCharts(stack);
            assert.ok(rendering.releases.length >= 8, `${stack} has ${rendering.releases.length} releases`);
            for (const release of rendering.releases) assert.ok(release.objects.length > 0, `${release.name} rendered nothing`);
            const result = await runChartChecks(rendering, readStackPolicyConfig(stack));
            assert.deepEqual(result.checks.map((c) => c.check).sort(), ["admission", "flows", "pack", "schemas", "storage"]);
            for (const check of result.checks) assert.ok(check.judged > 0, `${check.check} judged nothing`);
            assert.equal(findingsText(result), "");
        });
    }
});

/** `charts` as its command line runs it, in process: exit code and what it wrote where. */
function charts(...args: string[]): Promise<CliRun> {
    return runInProcess(runCharts, args, REPO_ROOT);
}

describe("npm run charts:check", () => {
    it("prints per stack the objects rendered and each check's verdict, exit 0 when nothing is found", async () => {
        const run = await charts("check", "--stack", "local", "--charts", TEST_CHARTS, "--no-pull");
        assert.equal(run.code, 0, run.stderr + run.stdout);
        assert.match(run.stdout, /^Stack local: \d+ objects rendered from \d+ releases/m);
        for (const check of ["pack", "admission", "flows", "schemas", "storage"])
            assert.match(run.stdout, new RegExp(`^  ${check}: `, "m"));
        assert.match(run.stdout, /No findings in 1 stack\(s\)\./);
    });

    it("writes a JSON report to --output, and exits 2 naming the command that fills a cache missing a chart", async () => {
        const output = join(mkdtempSync(join(tmpdir(), "charts-")), "report.json");
        const run = await charts("check", "--stack", "dev", "--charts", TEST_CHARTS, "--no-pull", "--format", "json", "--output", output);
        assert.equal(run.code, 0, run.stderr);
        assert.equal(run.stdout, "", "the report goes to the file only");
        const report = JSON.parse(readFileSync(output, "utf8")) as { stacks: StackCheck[]; findings: number };
        assert.equal(report.findings, 0);
        assert.equal(report.stacks[0]!.stack, "dev");
        const empty = mkdtempSync(join(tmpdir(), "no-charts-"));
        const missing = await charts("check", "--stack", "dev", "--charts", empty, "--no-pull");
        assert.equal(missing.code, 2);
        assert.match(missing.stderr, /is not in .*; fill it with: helm pull \S+ --repo https:\/\/\S+ --version \S+ --destination /);
    });

    it("exits 2 with one line for an unknown stack and for bad arguments, never a stack trace", async () => {
        const unknown = await charts("check", "--stack", "nope", "--charts", TEST_CHARTS, "--no-pull");
        assert.equal(unknown.code, 2);
        assert.equal(unknown.stderr.trim().split("\n").length, 1, unknown.stderr);
        assert.match(unknown.stderr, /nope/);
        const bad = await charts("check", "--format", "xml");
        assert.equal(bad.code, 2);
        assert.doesNotMatch(bad.stderr, /\n\s+at /);
    });

    it("smoke: `npm run -s charts:check` in a subprocess passes the exit code and the one-line error through", () => {
        const run = spawnSync("npm", ["run", "-s", "charts:check", "--", "--stack", "nope", "--charts", TEST_CHARTS, "--no-pull"], {
            encoding: "utf8",
            cwd: REPO_ROOT,
        });
        assert.equal(run.status, 2, run.stderr + run.stdout);
        assert.equal(run.stdout, "");
        assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
        assert.match(run.stderr, /nope/);
    });
});

describe("npm run charts:render", () => {
    it("writes each release's rendered objects to <out>/<stack>/<release>.yaml, each with the template it came from", async () => {
        const out = mkdtempSync(join(tmpdir(), "rendered-"));
        const run = await charts("render", "--stack", "local", "--charts", TEST_CHARTS, "--no-pull", "--out", out);
        assert.equal(run.code, 0, run.stderr);
        const gateway = readFileSync(join(out, "local", "istio-ingressgateway.yaml"), "utf8");
        assert.match(
            gateway,
            /^# Source: gateway\/templates\/deployment\.yaml\nkind: Deployment|^# Source: gateway\/templates\/deployment\.yaml\napiVersion: apps\/v1\nkind: Deployment/m,
        );
        assert.match(gateway, /image: auto/);
    });
});

describe("charts: what the program's values make the charts render", () => {
    const objectsOf = async (stack: string, release: string) =>
        (await renderedCharts(stack)).releases.find((r) => r.name === release)!.objects;

    it("policy-controller's uninstall hook, which the provider always runs, uses the pinned tools image with limits", async () => {
        for (const stack of STACKS) {
            const job = (await objectsOf(stack, "policy-controller")).find(
                (o) => o.manifest.kind === "Job" && o.manifest.metadata.name === "leases-cleanup",
            )!;
            assert.deepEqual(job.hooks, ["post-delete"]);
            const container = (job.manifest as any).spec.template.spec.containers[0];
            assert.equal(container.image, platformConfigOf(readStackFile(stack)).vault.toolsImage, stack);
            assert.ok(container.resources?.limits?.memory, `${stack}: the hook has a memory limit`);
        }
    });

    it("the ingress gateway's pods run as the service account whose SPIFFE identity the services' ALLOW policies name", async () => {
        for (const stack of STACKS) {
            const objects = await objectsOf(stack, "istio-ingressgateway");
            const deployment = objects.find((o) => o.manifest.kind === "Deployment")!.manifest as any;
            const account = objects.find((o) => o.manifest.kind === "ServiceAccount")!.manifest;
            assert.equal(deployment.spec.template.spec.serviceAccountName, account.metadata.name, stack);
            const [namespace, name] = ingressGatewayPrincipal(deployment.metadata.namespace)
                .split("/")
                .filter((_, i) => i === 2 || i === 4);
            assert.deepEqual([namespace, name], [account.metadata.namespace, account.metadata.name], stack);
        }
    });

    it("Falco's falcoctl containers run with no capability and no privilege escalation", async () => {
        const daemonSet = (await objectsOf("prod", "falco")).find((o) => o.manifest.kind === "DaemonSet")!.manifest as any;
        const spec = daemonSet.spec.template.spec;
        const falcoctl = [...(spec.initContainers ?? []), ...spec.containers].filter((c: { name: string }) =>
            c.name.startsWith("falcoctl"),
        );
        assert.equal(falcoctl.length, 2, "the install init container and the follow sidecar");
        for (const container of falcoctl) {
            assert.equal(container.securityContext?.allowPrivilegeEscalation, false, container.name);
            assert.deepEqual(container.securityContext?.capabilities?.drop, ["ALL"], container.name);
        }
    });

    it("Alertmanager carries no API token (it never calls the API): not on its account, not on the pods the operator makes", async () => {
        const objects = await objectsOf("prod", "kube-prometheus-stack");
        const account = objects.find((o) => o.manifest.kind === "ServiceAccount" && o.manifest.metadata.name.endsWith("-alertmanager"))!;
        assert.equal((account.manifest as { automountServiceAccountToken?: boolean }).automountServiceAccountToken, false);
        const alertmanager = objects.find((o) => o.manifest.kind === "Alertmanager")!;
        assert.equal((alertmanager.manifest as any).spec.automountServiceAccountToken, false);
    });

    it("Trivy downloads its databases and checks bundle from ghcr.io/aquasecurity, not mirror.gcr.io", async () => {
        const objects = await objectsOf("prod", "trivy-operator");
        const data = objects
            .filter((o) => o.manifest.kind === "ConfigMap")
            .map((o) => (o.manifest as { data?: Record<string, string> }).data ?? {});
        const setting = (key: string) => data.map((d) => d[key]).find((v) => v !== undefined);
        assert.equal(setting("trivy.dbRepository"), "ghcr.io/aquasecurity/trivy-db");
        assert.equal(setting("trivy.javaDbRepository"), "ghcr.io/aquasecurity/trivy-java-db");
        assert.match(setting("policies.bundle.oci.ref") ?? "", /^ghcr\.io\/aquasecurity\/trivy-checks:/);
        assert.ok(!data.some((d) => Object.values(d).some((v) => v.includes("mirror.gcr.io"))), "no setting names mirror.gcr.io");
    });
});
