import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { runCheck } from "../../tools/check";
import type { Io } from "../../tools/cli/output";
import { runPlan } from "../../tools/plan";
import { REPO_ROOT, SECRET_PLACEHOLDER } from "../../tools/render/stack-file";
import { runInProcess, type CliRun } from "../helpers/cli";

/** `plan` as its command line runs it, in process: exit code and what it wrote where. */
function plan(args: string[], cwd = REPO_ROOT): Promise<CliRun> {
    return runInProcess(runPlan, args, cwd);
}

const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

/** A copy of a stack file, edited, named `name` in a fresh folder. */
function stackFileWith(stack: string, edit: (config: Record<string, any>) => void, name = `Pulumi.${stack}.yaml`): string {
    const document = parse(readFileSync(join(REPO_ROOT, "stacks", `Pulumi.${stack}.yaml`), "utf8"));
    edit(document.config);
    const path = join(tmp("plan-"), name);
    writeFileSync(path, stringify(document));
    return path;
}

describe("npm run plan", () => {
    it("judges the chart objects too where every pinned chart is in --charts, and says so when they are not", async () => {
        const withCharts = await plan(["--stack", "local", "--charts", join(REPO_ROOT, "test", "charts")]);
        assert.equal(withCharts.code, 0, withCharts.stderr);
        assert.match(withCharts.stderr, /^Chart objects judged: \d+ objects rendered by Helm from 10 releases/m);
        const without = await plan(["--stack", "local", "--charts", tmp("no-charts-")]);
        assert.equal(without.code, 0, without.stderr);
        assert.match(without.stderr, /^Chart objects not judged \(base@1\.29\.2, .* not in /m);
        const judged = (out: string) => Number(/over (\d+) resources/.exec(out)![1]);
        assert.ok(judged(withCharts.stdout) > judged(without.stdout) + 100, `${judged(withCharts.stdout)} vs ${judged(without.stdout)}`);
    });

    it("writes the prod stack as JSON to --output: type, name, parent, inputs, protect, dependsOn, source and the pack config", async () => {
        const dir = tmp("plan-out-");
        const { code, stdout, stderr } = await plan(["--stack", "prod", "--format", "json", "--output", "prod.json"], dir);
        assert.equal(code, 0, stderr);
        assert.match(stdout, /^Policy pack over stack "prod"/m, "with --output, stdout has the policy table only");
        assert.ok(!stdout.includes('"resources"'));
        const output = JSON.parse(readFileSync(join(dir, "prod.json"), "utf8"));
        assert.equal(output.stack, "prod");
        const cluster = output.resources.find((r: any) => r.type === "aws:eks/cluster:Cluster");
        for (const key of ["type", "name", "parent", "inputs", "protect", "dependsOn", "source"]) assert.ok(key in cluster, key);
        assert.equal(cluster.protect, true);
        assert.match(cluster.parent, /secure-platform:cluster:EksCluster::platform-prod$/);
        // The program file that declared it: the line holds the constructor call.
        const line = readFileSync(join(REPO_ROOT, cluster.source.file), "utf8").split("\n")[cluster.source.line - 1];
        assert.match(line, /new aws\.eks\.Cluster\(/, `${cluster.source.file}:${cluster.source.line}`);
        const provider = output.resources.find((r: any) => r.type === "pulumi:providers:kubernetes");
        assert.equal(provider.inputs.kubeconfig, "[secret]");
        assert.ok(!JSON.stringify(output).includes("get-token"), "the kubeconfig is not printed");
        assert.deepEqual(output.packConfig, JSON.parse(readFileSync(join(REPO_ROOT, "policy-pack", "config", "prod.json"), "utf8")));

        // `check` on the saved plan judges it with the plan's own pack config, as plan did: no mandatory violation.
        const checked = await runCheck([join(dir, "prod.json")], { format: "json", cwd: dir });
        const json = JSON.parse(checked.out);
        assert.equal(json.summary.mandatory, 0, JSON.stringify(json.results.filter((r: any) => r.violations.length)));
        assert.equal(checked.code, 0);
        assert.match(json.packConfigs[0].source, /the plan's own \(stack "prod"/);
        const located = json.results.find((r: any) => r.kind === "aws:eks/cluster:Cluster");
        assert.equal(located.file, join(REPO_ROOT, cluster.source.file), "results point at the program file that declared the resource");
        assert.equal(located.line, cluster.source.line);
    });

    it("prints the local stack's summary per component and type", async () => {
        const { code, stdout, stderr } = await plan(["--stack", "local"]);
        assert.equal(code, 0, stderr);
        assert.match(stdout, /^Stack local: \d+ resources/);
        assert.match(stdout, /secure-platform:namespaces:AppNamespace "shop" \(\d+\)/);
        assert.match(stdout, /\d+ {2}kubernetes:networking\.k8s\.io\/v1:NetworkPolicy/);
    });

    it("names an invalid secret config value's key without printing the value", async () => {
        const path = stackFileWith("dev", (config) => {
            // A `secure:` value is ciphertext only the Pulumi CLI can open; offline it stands in as a secret.
            config["secure-platform:cluster"].accessEntries[0].principalArn = { secure: "v1:abc" };
        });
        const { code, stderr } = await plan(["--stack-file", path, "--format", "json"]);
        // The placeholder is not an ARN, so validation names the key without printing the secret.
        assert.equal(code, 2);
        assert.match(stderr, /secure-platform:cluster\.accessEntries\[0\]\.principalArn: .*\(value not shown: it is a secret\)/);
        assert.ok(!stderr.includes(SECRET_PLACEHOLDER), stderr);
    });

    it("shows a bad value beside a secret in the same block: only secrets are withheld", async () => {
        // dev's vault block holds the database password as a `secure:` value; replicas is not a secret.
        const path = stackFileWith("dev", (config) => {
            config["secure-platform:vault"].replicas = "three";
        });
        const { code, stderr } = await plan(["--stack-file", path]);
        assert.equal(code, 2);
        assert.match(stderr, /secure-platform:vault\.replicas: .*\(got "three"\)\n/);
        assert.match(stderr, /\nThe keys are documented in docs\/vault\.md#configuration-secure-platformvault\.\n$/);
        assert.ok(!stderr.includes("value not shown"), stderr);
    });

    it("exits 2 with the validation message on a bad config, and prints no resource", async () => {
        const path = stackFileWith("prod", (config) => {
            config["secure-platform:cluster"].endpoint.publicAccessCidrs = ["0.0.0.0/0"];
        });
        const { code, stdout, stderr } = await plan(["--stack-file", path]);
        assert.equal(code, 2);
        assert.equal(stdout, "");
        assert.match(stderr, /Invalid configuration for stack "prod"/);
        assert.match(
            stderr,
            /secure-platform:cluster\.endpoint\.publicAccessCidrs\[0\]: must not open the API endpoint to the whole internet/,
        );
    });

    it("rejects a key in a misspelt namespace instead of applying defaults", async () => {
        const path = stackFileWith("prod", (config) => {
            config["secure-platfrom:mesh"] = config["secure-platform:mesh"] ?? {};
        });
        const { code, stderr } = await plan(["--stack-file", path]);
        assert.equal(code, 2);
        assert.match(
            stderr,
            /secure-platfrom:mesh: "secure-platfrom" is not this project's namespace.*did you mean secure-platform:mesh\?/,
        );
    });

    it("exits 2 naming the stacks that exist when the stack is unknown", async () => {
        const { code, stderr } = await plan(["--stack", "qa"]);
        assert.equal(code, 2);
        assert.match(stderr, /stacks available: dev, local, prod, staging/);
    });

    describe("a candidate stack file is judged by the pack config it declares", () => {
        it("a candidate that moves its registry is judged against its own allowed registries", async () => {
            const path = stackFileWith("prod", () => {});
            const moved = readFileSync(path, "utf8").replaceAll("777788889999.dkr.ecr", "111122223333.dkr.ecr");
            writeFileSync(path, moved);
            const dir = tmp("plan-moved-");
            const { code, stdout, stderr } = await plan(["--stack-file", path, "--format", "json", "--output", "plan.json"], dir);
            assert.equal(code, 0, stdout + stderr);
            const { packConfig } = JSON.parse(readFileSync(join(dir, "plan.json"), "utf8"));
            assert.ok(
                packConfig["k8s:images:allowed-registries"].allowedRegistries.includes("111122223333.dkr.ecr.eu-west-1.amazonaws.com/"),
            );
            assert.match(stdout, new RegExp(`Pack config derived from ${path.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}`));
        });

        it("a new stack (Pulumi.qa.yaml) gets its derived pack config, not an empty one", async () => {
            const path = stackFileWith("dev", (config) => void (config["secure-platform:environment"] = "dev"), "Pulumi.qa.yaml");
            const dir = tmp("plan-qa-");
            const { code, stderr } = await plan(["--stack-file", path, "--format", "json", "--output", "qa.json"], dir);
            assert.equal(code, 0, stderr);
            const output = JSON.parse(readFileSync(join(dir, "qa.json"), "utf8"));
            assert.equal(output.stack, "qa");
            assert.deepEqual(output.packConfig["istio:namespace-default-deny"], { applicationNamespaces: ["shop", "payments"] });
        });

        it("a file not named Pulumi.<stack>.yaml is refused rather than rendered as a guessed stack", async () => {
            const path = join(tmp("plan-name-"), "candidate.yaml");
            copyFileSync(join(REPO_ROOT, "stacks", "Pulumi.dev.yaml"), path);
            const refused = await plan(["--stack-file", path]);
            assert.equal(refused.code, 2);
            assert.match(
                refused.stderr,
                /candidate\.yaml: cannot tell which stack this file is for; name it Pulumi\.<stack>\.yaml or give the stack \(--stack <name>\)/,
            );
            const named = await plan(["--stack-file", path, "--stack", "dev"]);
            assert.equal(named.code, 0, named.stderr);
            assert.match(named.stdout, /^Stack dev: /);
        });
    });

    it("a stack file that cannot be read is exit 2 with one line", async () => {
        const folder = join(tmp("plan-"), "Pulumi.dev.yaml");
        mkdirSync(folder);
        const { code, stderr } = await plan(["--stack-file", folder]);
        assert.equal(code, 2);
        assert.equal(stderr, `${folder}: cannot read: EISDIR: illegal operation on a directory, read\n`);
    });

    it("every crash is exit 2 with one line, never a stack trace", async () => {
        let stderr = "";
        const io: Io = {
            cwd: REPO_ROOT,
            out: async () => {
                throw new Error("write ENOSPC: no space left on device\n    at WriteWrap.onWriteComplete");
            },
            err: async (text) => void (stderr += text),
        };
        assert.equal(await runPlan(["--stack", "local"], io), 2);
        assert.equal(stderr, "plan failed: write ENOSPC: no space left on device\n");
    });

    // The one run in its own process: the documented command through npm, from another directory (INIT_CWD),
    // so that npm's banner and the path resolution are what a user gets.
    it("smoke: `npm --prefix <repo> run plan -- --stack prod --format json --output prod.json` writes clean JSON where the user is", () => {
        const dir = tmp("plan-npm-");
        // As from a user's shell: not inside the npm run that may be running these tests.
        const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== "INIT_CWD" && !key.startsWith("npm_")));
        const args = ["--prefix", REPO_ROOT, "run", "plan", "--", "--stack", "prod", "--format", "json", "--output", "prod.json"];
        const result = spawnSync("npm", args, { cwd: dir, encoding: "utf8", env });
        assert.equal(result.status, 0, result.stderr);
        assert.match(result.stdout, /> secure-platform@\d+\.\d+\.\d+ plan/, "npm's banner goes to stdout, not into the file");
        const written = readFileSync(join(dir, "prod.json"), "utf8");
        assert.equal(written[0], "{");
        assert.equal(JSON.parse(written).stack, "prod");
    });
});
