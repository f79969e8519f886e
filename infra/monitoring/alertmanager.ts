// The Alertmanager configuration: routing by severity to the receivers of the stack config. The result
// holds receiver URLs and keys; the component stores it only as a Pulumi secret in a Kubernetes Secret.
import { SEVERITIES, type MonitoringConfig, type ReceiverConfig } from "./config";

export const BLACKHOLE = "blackhole";

function receiverConfig(r: ReceiverConfig): Record<string, unknown> {
    switch (r.type) {
        case "slack":
            return {
                name: r.name,
                slack_configs: [
                    {
                        api_url: r.url,
                        ...(r.channel ? { channel: r.channel } : {}),
                        send_resolved: true,
                        title: "[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} ({{ .CommonLabels.severity }})",
                        text: "{{ range .Alerts }}{{ .Annotations.summary }}\n{{ .Annotations.description }}\nPlaybook: {{ .Annotations.runbook_url }}\n{{ end }}",
                    },
                ],
            };
        case "pagerduty":
            return {
                name: r.name,
                pagerduty_configs: [
                    {
                        routing_key: r.routingKey,
                        severity: "{{ .CommonLabels.severity }}",
                        description: "{{ .CommonLabels.alertname }}: {{ .CommonAnnotations.summary }}",
                        links: [{ href: "{{ .CommonAnnotations.runbook_url }}", text: "Playbook" }],
                        send_resolved: true,
                    },
                ],
            };
        case "webhook":
            return { name: r.name, webhook_configs: [{ url: r.url, send_resolved: true }] };
    }
}

/** alertmanager.yaml as an object: one route per (severity, receiver), all continuing so that every receiver of a severity gets it. */
export function alertmanagerConfig(config: MonitoringConfig): Record<string, unknown> {
    const a = config.alertmanager;
    const routes: Record<string, unknown>[] = [
        // kube-prometheus-stack's always-firing heartbeat; it only matters to an external dead man's switch.
        { receiver: BLACKHOLE, matchers: ['alertname = "Watchdog"'] },
    ];
    for (const severity of SEVERITIES) {
        for (const r of a.receivers.filter((receiver) => receiver.severities.includes(severity))) {
            routes.push({ receiver: r.name, matchers: [`severity = "${severity}"`], continue: true });
        }
    }
    return {
        global: { resolve_timeout: "5m" },
        route: {
            receiver: BLACKHOLE,
            group_by: ["alertname", "namespace", "destination_workload_namespace", "destination_workload"],
            group_wait: a.groupWait,
            group_interval: a.groupInterval,
            repeat_interval: a.repeatInterval,
            routes,
        },
        // A critical alert silences the warnings of the same alert and namespace while it fires.
        inhibit_rules: [
            {
                source_matchers: ['severity = "critical"'],
                target_matchers: ['severity =~ "warning|info"'],
                equal: ["alertname", "namespace"],
            },
        ],
        receivers: [{ name: BLACKHOLE }, ...a.receivers.map(receiverConfig)],
    };
}
