// Every stack's Alertmanager configuration, as the program generates it, checked by the real amtool
// (Debian package `prometheus-alertmanager`, which `npm run setup` installs): it loads, and its routes send
// each severity to exactly the receivers the stack declares for it.
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { alertmanagerConfig, BLACKHOLE } from "../../../infra/monitoring/alertmanager";
import { SEVERITIES, type MonitoringConfig } from "../../../infra/monitoring/config";
import { platformConfigOf } from "../../../tools/render/platform-config";
import { readStackFile, SECRET_PLACEHOLDER } from "../../../tools/render/stack-file";
import { STACKS } from "../../helpers/stacks";

function amtool(args: string[]): { ok: boolean; output: string } {
    const result = spawnSync("amtool", args, { encoding: "utf8" });
    if (result.error) throw new Error("amtool is not installed: run `npm run setup` (Debian package prometheus-alertmanager)");
    return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

/** The stack's receivers with credentials of the shape `pulumi config set --secret` stores (offline they are placeholders). */
function withSampleCredentials(monitoring: MonitoringConfig): MonitoringConfig {
    const receivers = monitoring.alertmanager.receivers.map((r) => ({
        ...r,
        ...(r.url === SECRET_PLACEHOLDER
            ? { url: r.type === "slack" ? "https://hooks.slack.com/services/T000/B000/sample" : "https://siem.example.com/alertmanager" }
            : {}),
        ...(r.routingKey === SECRET_PLACEHOLDER ? { routingKey: "0123456789abcdef0123456789abcdef" } : {}),
    }));
    return { ...monitoring, alertmanager: { ...monitoring.alertmanager, receivers } };
}

describe("monitoring: Alertmanager configuration checked by amtool", () => {
    for (const stack of STACKS) {
        it(`${stack}: loads, and routes each severity to the receivers declared for it`, () => {
            const monitoring = withSampleCredentials(platformConfigOf(readStackFile(stack)).monitoring);
            const file = join(mkdtempSync(join(tmpdir(), "amtool-")), "alertmanager.yaml");
            writeFileSync(file, stringify(alertmanagerConfig(monitoring)), { mode: 0o600 });
            const check = amtool(["check-config", file]);
            assert.ok(check.ok, check.output);
            for (const severity of SEVERITIES) {
                const expected = monitoring.alertmanager.receivers.filter((r) => r.severities.includes(severity)).map((r) => r.name);
                const routed = amtool(["config", "routes", "test", `--config.file=${file}`, `severity=${severity}`, "alertname=Probe"]);
                assert.ok(routed.ok, routed.output);
                const receivers = routed.output.split("\n").find((line) => line && !line.startsWith("Warning"))!;
                assert.deepEqual(receivers.split(","), expected.length ? expected : [BLACKHOLE], `${stack}: severity=${severity}`);
            }
            const watchdog = amtool(["config", "routes", "test", `--config.file=${file}`, "alertname=Watchdog", "severity=none"]);
            assert.equal(
                watchdog.output.split("\n").find((line) => line && !line.startsWith("Warning")),
                BLACKHOLE,
            );
        });
    }
});
