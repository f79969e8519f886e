import { strict as assert } from "node:assert";
import { alertmanagerConfig, BLACKHOLE } from "../../../infra/monitoring/alertmanager";
import { monitoringSchema } from "../../../infra/monitoring/config";

type Route = { receiver: string; matchers: string[]; continue?: boolean };

describe("monitoring: Alertmanager routing", () => {
    const config = monitoringSchema("prod").parse({
        alertmanager: {
            receivers: [
                { name: "oncall", type: "pagerduty", severities: ["critical"], routingKey: "pd-key" },
                {
                    name: "chat",
                    type: "slack",
                    severities: ["critical", "warning"],
                    url: "https://hooks.slack.com/services/x",
                    channel: "#security",
                },
                { name: "siem", type: "webhook", severities: ["info"], url: "https://siem.example.com/alertmanager" },
            ],
        },
    });
    const am = alertmanagerConfig(config) as {
        route: { receiver: string; routes: Route[] };
        receivers: Record<string, unknown>[];
        inhibit_rules: unknown[];
    };

    /** The receivers an alert with these labels reaches, walking the route tree as Alertmanager does. */
    function receiversFor(labels: Record<string, string>): string[] {
        const matches = (matcher: string) => {
            const [, name, value] = /^(\w+) = "(.*)"$/.exec(matcher)!;
            return labels[name!] === value;
        };
        const hit: string[] = [];
        for (const route of am.route.routes) {
            if (route.matchers.every(matches)) {
                hit.push(route.receiver);
                if (!route.continue) return hit;
            }
        }
        return hit.length ? hit : [am.route.receiver];
    }

    it("routes by severity to every receiver of that severity", () => {
        assert.deepEqual(receiversFor({ alertname: "UnauthorizedAccess", severity: "critical" }), ["oncall", "chat"]);
        assert.deepEqual(receiversFor({ alertname: "DenialRateAnomaly", severity: "warning" }), ["chat"]);
        assert.deepEqual(receiversFor({ alertname: "Something", severity: "info" }), ["siem"]);
        assert.deepEqual(receiversFor({ alertname: "Watchdog", severity: "none" }), [BLACKHOLE]);
        assert.deepEqual(receiversFor({ alertname: "Unlabelled" }), [BLACKHOLE]);
    });

    it("puts each receiver's credential in its own config and nowhere else", () => {
        const byName = Object.fromEntries(am.receivers.map((r) => [r.name, r]));
        assert.deepEqual(Object.keys(byName).sort(), [BLACKHOLE, "chat", "oncall", "siem"].sort());
        assert.equal((byName.oncall!.pagerduty_configs as { routing_key: string }[])[0]!.routing_key, "pd-key");
        assert.equal(
            (byName.chat!.slack_configs as { api_url: string; channel: string }[])[0]!.api_url,
            "https://hooks.slack.com/services/x",
        );
        assert.equal((byName.siem!.webhook_configs as { url: string }[])[0]!.url, "https://siem.example.com/alertmanager");
        assert.equal(JSON.stringify(am.route).includes("pd-key"), false);
    });

    it("critical alerts inhibit warnings of the same alert and namespace", () => {
        assert.deepEqual(am.inhibit_rules, [
            {
                source_matchers: ['severity = "critical"'],
                target_matchers: ['severity =~ "warning|info"'],
                equal: ["alertname", "namespace"],
            },
        ]);
    });

    it("with no receivers everything stays in Alertmanager", () => {
        const quiet = alertmanagerConfig(monitoringSchema("local").parse({})) as {
            route: { routes: Route[] };
            receivers: { name: string }[];
        };
        assert.deepEqual(quiet.receivers, [{ name: BLACKHOLE }]);
        assert.deepEqual(
            quiet.route.routes.map((r) => r.receiver),
            [BLACKHOLE],
        );
    });
});
