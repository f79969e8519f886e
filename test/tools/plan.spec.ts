import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { REPO_ROOT, SECRET_PLACEHOLDER } from "../../tools/render/stack-file";

function plan(...args: string[]) {
    const result = spawnSync(process.execPath, ["--import", "tsx", join(REPO_ROOT, "tools", "plan.ts"), ...args], {
        cwd: REPO_ROOT,
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function stackFileWith(stack: string, edit: (config: Record<string, any>) => void): string {
    const document = parse(readFileSync(join(REPO_ROOT, "stacks", `Pulumi.${stack}.yaml`), "utf8"));
    edit(document.config);
    const path = join(mkdtempSync(join(tmpdir(), "plan-")), `Pulumi.${stack}.yaml`);
    writeFileSync(path, stringify(document));
    return path;
}

describe("npm run plan", () => {
    it("judges the chart objects too where every pinned chart is in --charts, and says so when they are not", () => {
        const withCharts = plan("--stack", "local", "--charts", join(REPO_ROOT, "test", "charts"));
        assert.equal(withCharts.code, 0, withCharts.stderr);
        assert.match(withCharts.stderr, /^Chart objects judged: \d+ objects rendered by Helm from 10 releases/m);
        const without = plan("--stack", "local", "--charts", mkdtempSync(join(tmpdir(), "no-charts-")));
        assert.equal(without.code, 0, without.stderr);
        assert.match(without.stderr, /^Chart objects not judged \(base@1\.29\.2, .* not in /m);
        const judged = (out: string) => Number(/over (\d+) resources/.exec(out)![1]);
        assert.ok(judged(withCharts.stdout) > judged(without.stdout) + 100, `${judged(withCharts.stdout)} vs ${judged(without.stdout)}`);
    });

    it("prints the prod stack as JSON: type, name, parent, inputs, protect, dependsOn", () => {
        const { code, stdout, stderr } = plan("--stack", "prod", "--format", "json");
        assert.equal(code, 0, stderr);
        const output = JSON.parse(stdout);
        assert.equal(output.stack, "prod");
        const cluster = output.resources.find((r: any) => r.type === "aws:eks/cluster:Cluster");
        for (const key of ["type", "name", "parent", "inputs", "protect", "dependsOn"]) assert.ok(key in cluster, key);
        assert.equal(cluster.protect, true);
        assert.match(cluster.parent, /secure-platform:cluster:EksCluster::platform-prod$/);
        const provider = output.resources.find((r: any) => r.type === "pulumi:providers:kubernetes");
        assert.equal(provider.inputs.kubeconfig, "[secret]");
        assert.ok(!stdout.includes("get-token"), "the kubeconfig is not printed");
    });

    it("prints the local stack's summary per component and type", () => {
        const { code, stdout, stderr } = plan("--stack", "local");
        assert.equal(code, 0, stderr);
        assert.match(stdout, /^Stack local: \d+ resources/);
        assert.match(stdout, /secure-platform:namespaces:AppNamespace "shop" \(\d+\)/);
        assert.match(stdout, /\d+ {2}kubernetes:networking\.k8s\.io\/v1:NetworkPolicy/);
    });

    it("names an invalid secret config value's key without printing the value", () => {
        const path = stackFileWith("dev", (config) => {
            // A `secure:` value is ciphertext only the Pulumi CLI can open; offline it stands in as a secret.
            config["secure-platform:cluster"].accessEntries[0].principalArn = { secure: "v1:abc" };
        });
        const { code, stderr } = plan("--stack-file", path, "--format", "json");
        // The placeholder is not an ARN, so validation names the key without printing the secret.
        assert.equal(code, 2);
        assert.match(stderr, /secure-platform:cluster\.accessEntries\[0\]\.principalArn: .*\(value not shown: it is a secret\)/);
        assert.ok(!stderr.includes(SECRET_PLACEHOLDER), stderr);
    });

    it("exits 2 with the validation message on a bad config, and prints no resource", () => {
        const path = stackFileWith("prod", (config) => {
            config["secure-platform:cluster"].endpoint.publicAccessCidrs = ["0.0.0.0/0"];
        });
        const { code, stdout, stderr } = plan("--stack-file", path);
        assert.equal(code, 2);
        assert.equal(stdout, "");
        assert.match(stderr, /Invalid configuration for stack "prod"/);
        assert.match(
            stderr,
            /secure-platform:cluster\.endpoint\.publicAccessCidrs\[0\]: must not open the API endpoint to the whole internet/,
        );
    });

    it("exits 2 naming the stacks that exist when the stack is unknown", () => {
        const { code, stderr } = plan("--stack", "qa");
        assert.equal(code, 2);
        assert.match(stderr, /stacks available: dev, local, prod, staging/);
    });
});
