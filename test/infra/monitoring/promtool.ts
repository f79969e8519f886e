// Runs the real promtool (Debian package `prometheus`) over rendered rule groups. Missing promtool is a
// test failure with the install command, never a skip.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import type { RuleGroup } from "../../../infra/monitoring/rules";

let checked = false;

/** Throws, saying how to install it, when `command` (promtool) cannot run. */
export function requirePromtool(command = "promtool"): void {
    if (checked && command === "promtool") return;
    const found = spawnSync(command, ["--version"], { encoding: "utf8" });
    if (found.error || found.status !== 0) {
        throw new Error(
            `${command} is not installed; install it with \`apt-get install -y --no-install-recommends prometheus\` (.ci/run does this)`,
        );
    }
    if (command === "promtool") checked = true;
}

const dir = () => mkdtempSync(join(tmpdir(), "promtool-"));

function run(args: string[]): { ok: boolean; output: string } {
    requirePromtool();
    const result = spawnSync("promtool", args, { encoding: "utf8" });
    return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

/** Writes a rule file ({groups}) and returns its path. */
export function writeRuleFile(groups: RuleGroup[], where = dir()): string {
    const path = join(where, "rules.yaml");
    writeFileSync(path, stringify({ groups }));
    return path;
}

export function checkRules(groups: RuleGroup[]): { ok: boolean; output: string } {
    return run(["check", "rules", writeRuleFile(groups)]);
}

export interface PromtoolTest {
    name?: string;
    interval: string;
    input_series: { series: string; values: string }[];
    alert_rule_test?: {
        eval_time: string;
        alertname: string;
        exp_alerts: { exp_labels: Record<string, string>; exp_annotations?: Record<string, string> }[];
    }[];
    promql_expr_test?: { expr: string; eval_time: string; exp_samples: { labels: string; value: number }[] }[];
}

/** One promtool process for all the tests of one rule file. */
export function testRules(groups: RuleGroup[], tests: PromtoolTest[], evaluationInterval = "1m"): { ok: boolean; output: string } {
    const where = dir();
    const rules = writeRuleFile(groups, where);
    const testFile = join(where, "tests.yaml");
    writeFileSync(testFile, stringify({ rule_files: [rules], evaluation_interval: evaluationInterval, tests }));
    return run(["test", "rules", testFile]);
}

export function promtoolVersion(): string {
    requirePromtool();
    return execFileSync("promtool", ["--version"], { encoding: "utf8" }).split("\n")[0] ?? "";
}
