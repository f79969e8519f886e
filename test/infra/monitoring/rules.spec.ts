import { strict as assert } from "node:assert";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { monitoringSchema } from "../../../infra/monitoring/config";
import { alertNames, isAlert, prometheusRules, securityRuleGroups, type AlertRule, type RuleGroup } from "../../../infra/monitoring/rules";
import { VAULT_SERVER_FACTS } from "../../../infra/vault/values";
import { REPO_ROOT } from "../../../tools/render/stack-file";
import { validateManifest } from "../../helpers/schemas";
import { checkRules, requirePromtool, testRules, type PromtoolTest } from "./promtool";

const BASE = "https://github.com/acme/secure-platform/blob/main";

/** The "Alert Configuration" block of SECURITY-ARCHITECTURE.md, verbatim. */
const SECURITY_ARCHITECTURE_ALERTS = `groups:
- name: SecurityAlerts
  rules:
  - alert: UnauthorizedAccess
    expr: rate(istio_requests_total{response_code="403"}[5m]) > 10
    for: 5m
    labels:
      severity: critical
    annotations:
      description: High rate of unauthorized access attempts
`;
const config = monitoringSchema("prod").parse({ runbookBaseUrl: BASE });
const monitored = { istioNamespace: "istio-system", vault: VAULT_SERVER_FACTS };
const groups = securityRuleGroups(config, monitored);
const group = (name: string): RuleGroup => {
    const found = groups.find((g) => g.name === name);
    if (!found) throw new Error(`no rule group ${name}`);
    return found;
};
const alert = (name: string): AlertRule => {
    const found = groups
        .flatMap((g) => g.rules)
        .filter(isAlert)
        .find((r) => r.alert === name);
    if (!found) throw new Error(`no alert ${name}`);
    return found;
};
/** The annotations promtool must see on a firing alert, with the rule's templates expanded by hand. */
const annotations = (name: string, summary: string, description?: string) => {
    const rule = alert(name);
    return { summary, description: description ?? rule.annotations.description, runbook_url: rule.annotations.runbook_url };
};
const assertPromtool = (result: { ok: boolean; output: string }) => assert.ok(result.ok, `promtool failed:\n${result.output}`);

describe("monitoring: security alert rules", () => {
    before(() => requirePromtool());

    it("UnauthorizedAccess is exactly the alert of SECURITY-ARCHITECTURE.md", () => {
        const rule = alert("UnauthorizedAccess");
        assert.equal(rule.expr, 'rate(istio_requests_total{response_code="403"}[5m]) > 10');
        assert.equal(rule.for, "5m");
        assert.deepEqual(rule.labels, { severity: "critical" });
        assert.equal(rule.annotations.description, "High rate of unauthorized access attempts");
        assert.equal(group("SecurityAlerts").rules.length, 1);
        // The document's YAML block, parsed, matches the rendered group field by field.
        const documented = (parse(SECURITY_ARCHITECTURE_ALERTS) as { groups: { name: string; rules: AlertRule[] }[] }).groups[0]!;
        const d = documented.rules[0]!;
        assert.equal(documented.name, "SecurityAlerts");
        assert.deepEqual(
            { alert: d.alert, expr: d.expr, for: d.for, labels: d.labels, description: d.annotations.description },
            { alert: rule.alert, expr: rule.expr, for: rule.for, labels: rule.labels, description: rule.annotations.description },
        );
    });

    it("every alert has severity, summary, description and a runbook_url to a playbook in the repo", () => {
        const alerts = groups.flatMap((g) => g.rules).filter(isAlert);
        assert.ok(alerts.length >= 10, `expected the full set of alerts, got ${alertNames(groups).join(", ")}`);
        for (const a of alerts) {
            assert.match(a.labels.severity, /^(critical|warning|info)$/, a.alert);
            assert.ok(a.annotations.summary.length > 10, `${a.alert} summary`);
            assert.ok(a.annotations.description.length > 10, `${a.alert} description`);
            assert.ok(a.annotations.runbook_url.startsWith(`${BASE}/docs/runbooks/`), `${a.alert}: ${a.annotations.runbook_url}`);
            const file = join(REPO_ROOT, a.annotations.runbook_url.slice(BASE.length + 1));
            assert.ok(existsSync(file), `${a.alert}: ${file} does not exist`);
        }
    });

    it("the Vault telemetry alert exists only where Vault is scraped", () => {
        const without = securityRuleGroups(monitoringSchema("local").parse({ vault: { enabled: false } }), monitored);
        assert.equal(alertNames(without).includes("VaultTelemetryMissing"), false);
        assert.equal(alertNames(groups).includes("VaultTelemetryMissing"), true);
    });

    it("thresholds come from config", () => {
        const custom = securityRuleGroups(
            monitoringSchema("dev").parse({
                thresholds: { unauthorizedAccessPerSecond: 25, falcoPriorities: ["critical"], criticalVulnerabilities: 3 },
            }),
            monitored,
        );
        const all = custom.flatMap((g) => g.rules).filter(isAlert);
        assert.equal(all.find((r) => r.alert === "UnauthorizedAccess")!.expr, 'rate(istio_requests_total{response_code="403"}[5m]) > 25');
        assert.match(all.find((r) => r.alert === "FalcoCriticalEvent")!.expr, /priority_raw=~"critical"/);
        assert.match(all.find((r) => r.alert === "CriticalImageVulnerability")!.expr, /> 3$/);
    });

    it("every PrometheusRule validates against the prometheus-operator schema", async () => {
        const manifests = prometheusRules(config, monitored, { release: "kube-prometheus-stack" });
        assert.equal(manifests.length, groups.length);
        for (const manifest of manifests) assert.equal(await validateManifest(manifest as unknown as Record<string, unknown>), "validated");
    });

    it("a missing promtool fails with the install command, it is never skipped", () => {
        assert.throws(() => requirePromtool("promtool-not-installed-here"), /apt-get install -y --no-install-recommends prometheus/);
    });

    it("a broken expression fails promtool check rules (the check can fail)", () => {
        const result = checkRules([
            {
                name: "broken",
                rules: [
                    {
                        alert: "Broken",
                        expr: "rate(x[5m] > 1",
                        labels: { severity: "info" },
                        annotations: { summary: "s", description: "d", runbook_url: "u" },
                    },
                ],
            },
        ]);
        assert.equal(result.ok, false);
    });

    for (const g of groups) {
        it(`group ${g.name} passes promtool check rules`, () => assertPromtool(checkRules([g])));
    }
});

// Series and expectations per rule group; each group runs in one promtool process.
const denial = () =>
    `istio_requests_total{response_code="403", reporter="destination", destination_workload_namespace="shop", destination_workload="cart", source_workload_namespace="shop", source_workload="web"}`;
const deniedLabels = {
    response_code: "403",
    reporter: "destination",
    destination_workload_namespace: "shop",
    destination_workload: "cart",
    source_workload_namespace: "shop",
    source_workload: "web",
};

/** Runs of promtool keyed by name; a run judges the rule group of that name, or `group` when set. */
const CASES: Record<string, { tests: PromtoolTest[]; evaluationInterval?: string; group?: string }> = {
    SecurityAlerts: {
        tests: [
            {
                name: "11 denials/s: fires once the 5-minute rate has been above 10/s for 6 minutes, pending before 5",
                interval: "1m",
                input_series: [{ series: denial(), values: "0+660x20" }],
                alert_rule_test: [
                    // The 5m rate first exceeds 10/s at 5m (a full window of 11/s); 4 minutes later it is still pending.
                    { eval_time: "9m", alertname: "UnauthorizedAccess", exp_alerts: [] },
                    {
                        eval_time: "11m",
                        alertname: "UnauthorizedAccess",
                        exp_alerts: [
                            {
                                exp_labels: { ...deniedLabels, severity: "critical" },
                                exp_annotations: annotations("UnauthorizedAccess", "Unauthorized access attempts to shop/cart"),
                            },
                        ],
                    },
                ],
            },
            {
                name: "9 denials/s never fires",
                interval: "1m",
                input_series: [{ series: denial(), values: "0+540x40" }],
                alert_rule_test: [10, 20, 40].map((m) => ({ eval_time: `${m}m`, alertname: "UnauthorizedAccess", exp_alerts: [] })),
            },
            {
                name: "11 denials/s for 4 minutes (rate above 10/s for 4 minutes, then traffic stops) does not fire",
                interval: "1m",
                input_series: [{ series: denial(), values: "0+660x9 5940x20" }],
                alert_rule_test: [9, 10, 15, 25].map((m) => ({ eval_time: `${m}m`, alertname: "UnauthorizedAccess", exp_alerts: [] })),
            },
            {
                name: "a burst of 11 denials/s lasting 4 minutes does not fire",
                interval: "1m",
                input_series: [{ series: denial(), values: "0+660x4 2640x20" }],
                alert_rule_test: [4, 6, 10, 20].map((m) => ({ eval_time: `${m}m`, alertname: "UnauthorizedAccess", exp_alerts: [] })),
            },
        ],
    },
    "mesh-security": {
        tests: [
            {
                name: "plaintext seen by the destination fires; mutual TLS and source-side reports stay silent",
                interval: "1m",
                input_series: [
                    {
                        series: 'istio_requests_total{reporter="destination", connection_security_policy="none", response_code="200", destination_workload_namespace="shop", destination_workload="cart", source_workload_namespace="legacy", source_workload="batch"}',
                        values: "0+60x20",
                    },
                    {
                        series: 'istio_requests_total{reporter="destination", connection_security_policy="mutual_tls", response_code="200", destination_workload_namespace="shop", destination_workload="cart", source_workload_namespace="shop", source_workload="web"}',
                        values: "0+600x20",
                    },
                    {
                        series: 'istio_requests_total{reporter="source", connection_security_policy="unknown", response_code="200", destination_workload_namespace="shop", destination_workload="cart", source_workload_namespace="shop", source_workload="web"}',
                        values: "0+600x20",
                    },
                ],
                alert_rule_test: [
                    { eval_time: "4m", alertname: "NonMutualTlsTraffic", exp_alerts: [] },
                    {
                        eval_time: "10m",
                        alertname: "NonMutualTlsTraffic",
                        exp_alerts: [
                            {
                                exp_labels: {
                                    destination_workload_namespace: "shop",
                                    destination_workload: "cart",
                                    source_workload_namespace: "legacy",
                                    source_workload: "batch",
                                    connection_security_policy: "none",
                                    severity: "critical",
                                },
                                exp_annotations: annotations(
                                    "NonMutualTlsTraffic",
                                    "Traffic without mutual TLS reaches shop/cart",
                                    "legacy/batch reaches shop/cart with connection_security_policy=none: STRICT mTLS is not in force there (PERMISSIVE policy, a workload outside the mesh, or a bypass).",
                                ),
                            },
                        ],
                    },
                ],
            },
            {
                name: "mesh certificates of the root namespace's istiod alert ahead of expiry, not before",
                interval: "1m",
                // time() is 7200 at 2h: values are 2h plus the days left. A control plane outside the mesh's root namespace is not the mesh's.
                input_series: [
                    {
                        series: 'citadel_server_root_cert_expiry_timestamp{namespace="istio-system", instance="istiod-a"}',
                        values: `${7200 + 30 * 86400}x180`,
                    },
                    {
                        series: 'citadel_server_root_cert_expiry_timestamp{namespace="istio-system", instance="istiod-b"}',
                        values: `${7200 + 90 * 86400}x180`,
                    },
                    {
                        series: 'citadel_server_root_cert_expiry_timestamp{namespace="other", instance="istiod-c"}',
                        values: `${7200 + 1 * 86400}x180`,
                    },
                    {
                        series: 'citadel_server_cert_chain_expiry_timestamp{namespace="istio-system", instance="istiod-a"}',
                        values: `${7200 + 7 * 86400}x180`,
                    },
                    {
                        series: 'citadel_server_cert_chain_expiry_timestamp{namespace="istio-system", instance="istiod-b"}',
                        values: `${7200 + 30 * 86400}x180`,
                    },
                    {
                        series: 'citadel_server_cert_chain_expiry_timestamp{namespace="other", instance="istiod-c"}',
                        values: `${7200 + 1 * 86400}x180`,
                    },
                ],
                alert_rule_test: [
                    {
                        eval_time: "2h",
                        alertname: "MeshRootCertificateExpiring",
                        exp_alerts: [
                            {
                                exp_labels: { namespace: "istio-system", instance: "istiod-a", severity: "warning" },
                                exp_annotations: annotations(
                                    "MeshRootCertificateExpiring",
                                    "The mesh root CA certificate expires in less than 30d 0h 0m 0s",
                                ),
                            },
                        ],
                    },
                    {
                        eval_time: "2h",
                        alertname: "MeshIntermediateCertificateExpiring",
                        exp_alerts: [
                            {
                                exp_labels: { namespace: "istio-system", instance: "istiod-a", severity: "critical" },
                                exp_annotations: annotations(
                                    "MeshIntermediateCertificateExpiring",
                                    "The mesh signing certificate expires in less than 7d 0h 0m 0s",
                                ),
                            },
                        ],
                    },
                ],
            },
        ],
    },
    "access-anomalies": {
        // A week of history at one sample per minute; rules evaluated every 5 minutes to keep promtool quick.
        evaluationInterval: "5m",
        tests: [
            {
                name: "denials far above the same hour last week, or new ones, fire; steady or tiny rates stay silent",
                interval: "1m",
                input_series: (() => {
                    const week = 10500; // minutes of history, a little over a week
                    const series = (workload: string) =>
                        `istio_requests_total{reporter="destination", response_code="403", destination_workload_namespace="shop", destination_workload="${workload}", source_workload_namespace="shop", source_workload="web"}`;
                    return [
                        // 0.5/s all week, then 5/s: far above its own baseline.
                        { series: series("cart"), values: `0+30x${week} ${30 * week + 300}+300x40` },
                        // 5/s all along: high but usual.
                        { series: series("checkout"), values: `0+300x${week + 40}` },
                        // No denials until now, then 5/s.
                        { series: series("payments-api"), values: `_x${week} 0+300x40` },
                        // No denials until now, then 0.5/s: new but tiny.
                        { series: series("catalog"), values: `_x${week} 0+30x40` },
                    ];
                })(),
                alert_rule_test: [
                    { eval_time: "10480m", alertname: "DenialRateAnomaly", exp_alerts: [] },
                    {
                        eval_time: "10530m",
                        alertname: "DenialRateAnomaly",
                        exp_alerts: ["cart", "payments-api"].map((workload) => ({
                            exp_labels: { destination_workload_namespace: "shop", destination_workload: workload, severity: "warning" },
                            exp_annotations: annotations(
                                "DenialRateAnomaly",
                                `Denials at shop/${workload} far above their usual level`,
                                "5 denials/s, more than 2x the same hour last week plus 3 standard deviations (or denials where there were none): a scan, a broken deployment or a revoked identity still in use.",
                            ),
                        })),
                    },
                ],
            },
        ],
    },
    "vault-security": {
        tests: [
            {
                name: "a sealed Vault pod fires after a minute; unsealed pods stay silent",
                interval: "1m",
                input_series: [
                    { series: 'vault_core_unsealed{instance="vault-0"}', values: "1 1 0 0 0 0 0 0" },
                    { series: 'vault_core_unsealed{instance="vault-1"}', values: "1x7" },
                ],
                alert_rule_test: [
                    { eval_time: "2m", alertname: "VaultSealed", exp_alerts: [] },
                    {
                        eval_time: "5m",
                        alertname: "VaultSealed",
                        exp_alerts: [
                            {
                                exp_labels: { instance: "vault-0", severity: "critical" },
                                exp_annotations: annotations("VaultSealed", "Vault vault-0 is sealed"),
                            },
                        ],
                    },
                ],
            },
            {
                name: "audit failures fire, including the first failure of a new counter; no failures stay silent",
                interval: "1m",
                input_series: [
                    { series: 'vault_audit_log_request_failure{instance="vault-0"}', values: "0 0 0 1 2 3 3x20" },
                    { series: 'vault_audit_log_response_failure{instance="vault-1"}', values: "_ _ _ 1x20" },
                    { series: 'vault_audit_log_request_failure{instance="vault-2"}', values: "0x25" },
                ],
                alert_rule_test: [
                    { eval_time: "2m", alertname: "VaultAuditLogFailure", exp_alerts: [] },
                    {
                        eval_time: "5m",
                        alertname: "VaultAuditLogFailure",
                        exp_alerts: ["vault-0", "vault-1"].map((instance) => ({
                            exp_labels: { instance, severity: "critical" },
                            exp_annotations: annotations("VaultAuditLogFailure", `Vault ${instance} fails to write its audit log`),
                        })),
                    },
                    { eval_time: "20m", alertname: "VaultAuditLogFailure", exp_alerts: [] },
                ],
            },
            {
                name: "no Vault metrics for 15 minutes fires; reporting Vault servers keep it silent",
                interval: "1m",
                input_series: [
                    { series: 'up{job="kube-state-metrics"}', values: "1x40" },
                    { series: 'vault_core_unsealed{instance="vault-0"}', values: "_x20 1x20" },
                ],
                alert_rule_test: [
                    { eval_time: "10m", alertname: "VaultTelemetryMissing", exp_alerts: [] },
                    {
                        eval_time: "18m",
                        alertname: "VaultTelemetryMissing",
                        exp_alerts: [
                            {
                                exp_labels: { severity: "warning" },
                                exp_annotations: annotations("VaultTelemetryMissing", "Prometheus receives no metrics from Vault"),
                            },
                        ],
                    },
                    { eval_time: "30m", alertname: "VaultTelemetryMissing", exp_alerts: [] },
                ],
            },
        ],
    },
    "vault-security: certificate renewal": {
        // Weeks of history: rules evaluated every 10 minutes (their `for` is an hour) to keep promtool quick.
        group: "vault-security",
        evaluationInterval: "10m",
        tests: [
            {
                // 30 days renewBefore - 14 days vaultCertificateDays: a renewer without success for 16 days fires.
                name: "a Vault certificate renewer without success for 16 days fires; a renewer that succeeds hourly stays silent",
                interval: "1m",
                input_series: [
                    { series: 'kube_cronjob_status_last_successful_time{namespace="vault", cronjob="vault-tls-renew"}', values: "0x24000" },
                    { series: 'kube_cronjob_created{namespace="vault", cronjob="vault-tls-renew"}', values: "0x24000" },
                    { series: 'kube_cronjob_status_last_successful_time{namespace="shop", cronjob="vault-tls-renew"}', values: "0x24000" },
                    { series: 'kube_cronjob_status_last_successful_time{namespace="vault", cronjob="vault-snapshot"}', values: "0x24000" },
                ],
                alert_rule_test: [
                    { eval_time: "380h", alertname: "VaultCertificateExpiring", exp_alerts: [] },
                    {
                        eval_time: "390h",
                        alertname: "VaultCertificateExpiring",
                        exp_alerts: [
                            {
                                exp_labels: { namespace: "vault", cronjob: "vault-tls-renew", severity: "critical" },
                                exp_annotations: annotations(
                                    "VaultCertificateExpiring",
                                    "Vault's certificate renewal (vault/vault-tls-renew) has not succeeded for 16d 6h 0m 0s",
                                ),
                            },
                        ],
                    },
                ],
            },
            {
                name: "a Vault certificate renewer without success for 2 days warns, long before the certificate is at risk",
                interval: "1m",
                input_series: [
                    { series: 'kube_cronjob_status_last_successful_time{namespace="vault", cronjob="vault-tls-renew"}', values: "0x4000" },
                    { series: 'kube_cronjob_created{namespace="vault", cronjob="vault-tls-renew"}', values: "0x4000" },
                ],
                alert_rule_test: [
                    { eval_time: "48h", alertname: "VaultCertificateRenewalFailing", exp_alerts: [] },
                    {
                        eval_time: "49h30m",
                        alertname: "VaultCertificateRenewalFailing",
                        exp_alerts: [
                            {
                                exp_labels: { namespace: "vault", cronjob: "vault-tls-renew", severity: "warning" },
                                exp_annotations: annotations(
                                    "VaultCertificateRenewalFailing",
                                    "Vault's certificate renewal (vault/vault-tls-renew) has not succeeded for 2d 1h 30m 0s",
                                ),
                            },
                        ],
                    },
                    { eval_time: "49h30m", alertname: "VaultCertificateExpiring", exp_alerts: [] },
                ],
            },
            {
                name: "a Vault certificate renewer that never succeeded fires 16 days after its creation",
                interval: "1m",
                input_series: [{ series: 'kube_cronjob_created{namespace="vault", cronjob="vault-tls-renew"}', values: "0x24000" }],
                alert_rule_test: [
                    { eval_time: "380h", alertname: "VaultCertificateExpiring", exp_alerts: [] },
                    {
                        eval_time: "390h",
                        alertname: "VaultCertificateExpiring",
                        exp_alerts: [
                            {
                                exp_labels: { namespace: "vault", cronjob: "vault-tls-renew", severity: "critical" },
                                exp_annotations: annotations(
                                    "VaultCertificateExpiring",
                                    "Vault's certificate renewal (vault/vault-tls-renew) has not succeeded for 16d 6h 0m 0s",
                                ),
                            },
                        ],
                    },
                ],
            },
            {
                name: "a Vault certificate renewer that succeeds every day stays silent",
                interval: "1m",
                input_series: [
                    { series: 'kube_cronjob_created{namespace="vault", cronjob="vault-tls-renew"}', values: "0x24000" },
                    // Last success moves forward by a day every 1440 samples.
                    {
                        series: 'kube_cronjob_status_last_successful_time{namespace="vault", cronjob="vault-tls-renew"}',
                        values: Array.from({ length: 24001 }, (_, m) => Math.floor(m / 1440) * 86400).join(" "),
                    },
                ],
                alert_rule_test: [{ eval_time: "390h", alertname: "VaultCertificateExpiring", exp_alerts: [] }],
            },
        ],
    },
    "runtime-security": {
        tests: [
            {
                name: "critical Falco events fire, new or repeated; warnings and old events stay silent",
                interval: "1m",
                input_series: [
                    {
                        series: 'falcosecurity_falcosidekick_falco_events_total{priority_raw="critical", rule="Terminal shell in container", hostname="node-1", k8s_ns_name="shop", k8s_pod_name="cart-7d9"}',
                        values: "_ _ 1x20",
                    },
                    {
                        series: 'falcosecurity_falcosidekick_falco_events_total{priority_raw="critical", rule="Read sensitive file untrusted", hostname="node-2", k8s_ns_name="payments", k8s_pod_name="api-5f4"}',
                        values: "1x7 2x15",
                    },
                    {
                        series: 'falcosecurity_falcosidekick_falco_events_total{priority_raw="warning", rule="Change thread namespace", hostname="node-1", k8s_ns_name="shop", k8s_pod_name="cart-7d9"}',
                        values: "_ _ 1 2 3 4 5 6 7 8 9 10x12",
                    },
                ],
                alert_rule_test: [
                    {
                        eval_time: "6m",
                        alertname: "FalcoCriticalEvent",
                        exp_alerts: [
                            {
                                exp_labels: {
                                    priority_raw: "critical",
                                    rule: "Terminal shell in container",
                                    hostname: "node-1",
                                    k8s_ns_name: "shop",
                                    k8s_pod_name: "cart-7d9",
                                    severity: "critical",
                                },
                                exp_annotations: annotations(
                                    "FalcoCriticalEvent",
                                    "Falco: Terminal shell in container on node-1 (shop/cart-7d9)",
                                    'Falco reported a critical event: "Terminal shell in container" in pod shop/cart-7d9 on node node-1. Treat the pod as compromised until shown otherwise.',
                                ),
                            },
                        ],
                    },
                    {
                        eval_time: "9m",
                        alertname: "FalcoCriticalEvent",
                        exp_alerts: [
                            {
                                exp_labels: {
                                    priority_raw: "critical",
                                    rule: "Read sensitive file untrusted",
                                    hostname: "node-2",
                                    k8s_ns_name: "payments",
                                    k8s_pod_name: "api-5f4",
                                    severity: "critical",
                                },
                                exp_annotations: annotations(
                                    "FalcoCriticalEvent",
                                    "Falco: Read sensitive file untrusted on node-2 (payments/api-5f4)",
                                    'Falco reported a critical event: "Read sensitive file untrusted" in pod payments/api-5f4 on node node-2. Treat the pod as compromised until shown otherwise.',
                                ),
                            },
                        ],
                    },
                    { eval_time: "20m", alertname: "FalcoCriticalEvent", exp_alerts: [] },
                ],
            },
            {
                name: "critical vulnerabilities in a running image fire after 15 minutes; high ones and clean images stay silent",
                interval: "1m",
                input_series: [
                    {
                        series: 'trivy_image_vulnerabilities{severity="Critical", namespace="shop", resource_kind="ReplicaSet", resource_name="cart-7d9", image_registry="registry.example.com", image_repository="shop/cart", image_tag="1.4.2"}',
                        values: "2x30",
                    },
                    {
                        series: 'trivy_image_vulnerabilities{severity="High", namespace="shop", resource_kind="ReplicaSet", resource_name="web-1a2", image_registry="registry.example.com", image_repository="shop/web", image_tag="2.0.0"}',
                        values: "10x30",
                    },
                    {
                        series: 'trivy_image_vulnerabilities{severity="Critical", namespace="shop", resource_kind="ReplicaSet", resource_name="web-1a2", image_registry="registry.example.com", image_repository="shop/web", image_tag="2.0.0"}',
                        values: "0x30",
                    },
                ],
                alert_rule_test: [
                    { eval_time: "10m", alertname: "CriticalImageVulnerability", exp_alerts: [] },
                    {
                        eval_time: "20m",
                        alertname: "CriticalImageVulnerability",
                        exp_alerts: [
                            {
                                exp_labels: {
                                    namespace: "shop",
                                    resource_kind: "ReplicaSet",
                                    resource_name: "cart-7d9",
                                    image_repository: "shop/cart",
                                    image_tag: "1.4.2",
                                    severity: "warning",
                                },
                                exp_annotations: annotations(
                                    "CriticalImageVulnerability",
                                    "2 critical vulnerabilities in shop/cart:1.4.2",
                                    "Trivy found 2 critical vulnerabilities in the image of ReplicaSet shop/cart-7d9. Patch and redeploy; if it is exploitable from the network, follow the service compromise playbook.",
                                ),
                            },
                        ],
                    },
                ],
            },
        ],
    },
};

describe("monitoring: promtool test rules", () => {
    before(() => requirePromtool());

    it("every alert has promtool cases", () => {
        const covered = new Set(
            Object.values(CASES).flatMap((c) => c.tests.flatMap((t) => (t.alert_rule_test ?? []).map((a) => a.alertname))),
        );
        const missing = alertNames(groups).filter((name) => !covered.has(name));
        assert.deepEqual(missing, [], `alerts without promtool tests: ${missing.join(", ")}`);
    });

    for (const [name, { tests, evaluationInterval, group: groupName }] of Object.entries(CASES)) {
        it(`group ${name}: alerts fire and stay silent as expected`, () =>
            assertPromtool(testRules([group(groupName ?? name)], tests, evaluationInterval)));
    }
});
