// Security alert rules as pure data built from config: what the PrometheusRule objects carry, what
// promtool checks and tests, and what the stack renders.
import type { VaultServerFacts } from "../vault/values";
import type { MonitoredComponents, MonitoringConfig, Severity } from "./config";

/** The incident playbooks in docs/runbooks/, one per scenario of SECURITY-ARCHITECTURE.md plus two operational ones. */
export const PLAYBOOKS = {
    securityBreach: "security-breach",
    dataLeak: "data-leak",
    serviceCompromise: "service-compromise",
    accessViolation: "access-violation",
    certificateExpiry: "certificate-expiry",
    vaultAvailability: "vault-availability",
} as const;
export type Playbook = (typeof PLAYBOOKS)[keyof typeof PLAYBOOKS];

/**
 * Seconds since the Vault certificate renewer last succeeded, when that is longer than it may be before fewer
 * than `daysLeft` days could remain; a renewer that never succeeded counts from its creation.
 */
function vaultRenewalStale(vault: VaultServerFacts, seconds: number): string {
    const selector = `{namespace="${vault.namespace}", cronjob="${vault.tlsRenewal.cronJob}"}`;
    return (
        `(time() - max by (namespace, cronjob) (kube_cronjob_status_last_successful_time${selector}) > ${seconds})` +
        ` or ((time() - max by (namespace, cronjob) (kube_cronjob_created${selector}) > ${seconds})` +
        ` unless on (namespace, cronjob) kube_cronjob_status_last_successful_time${selector})`
    );
}

/** The daily renewer may miss one run (a node drain, a retry); two missed runs are a failure worth a look. */
const VAULT_RENEWAL_MISSED_DAYS = 2;

export function runbookUrl(baseUrl: string, playbook: Playbook): string {
    return `${baseUrl}/docs/runbooks/${playbook}.md`;
}

export interface AlertRule {
    alert: string;
    expr: string;
    for?: string;
    labels: { severity: Severity } & Record<string, string>;
    annotations: { summary: string; description: string; runbook_url: string } & Record<string, string>;
}

export interface RecordingRule {
    record: string;
    expr: string;
}

export interface RuleGroup {
    name: string;
    interval?: string;
    rules: (AlertRule | RecordingRule)[];
}

export interface PrometheusRuleManifest {
    apiVersion: "monitoring.coreos.com/v1";
    kind: "PrometheusRule";
    metadata: { name: string; namespace: string; labels: Record<string, string> };
    spec: { groups: RuleGroup[] };
}

/** Labels that identify a denied destination: the workload that refused, as the destination proxy reports it. */
const DESTINATION = "destination_workload_namespace, destination_workload";

/** Denials per destination workload, the series the anomaly rule compares with its own past. */
export const DENIAL_RATE = "security:istio_denials:rate5m";
export const DENIAL_BASELINE = "security:istio_denials:rate5m:baseline_1w";
export const DENIAL_STDDEV = "security:istio_denials:rate5m:stddev_1w";

const days = (n: number) => `${n} * 86400`;

/**
 * Events counted by a counter, per `by` labels, in the last 5 minutes. A counter seen for the first time
 * has no increase yet (its first sample already holds the first event), so new series count as well.
 */
function eventsIn5m(series: string, by: string): string {
    return `sum by (${by}) (increase(${series}[5m])) > 0 or sum by (${by}) (${series} unless ${series} offset 5m) > 0`;
}

/** Every security rule group, from config. Group names are stable: tests and dashboards refer to them. */
export function securityRuleGroups(config: MonitoringConfig, monitored: MonitoredComponents): RuleGroup[] {
    const t = config.thresholds;
    // istiod's metrics carry the namespace of the Service they were scraped from: the mesh's root namespace.
    const istiod = `namespace="${monitored.istioNamespace}"`;
    const runbook = (playbook: Playbook) => runbookUrl(config.runbookBaseUrl, playbook);

    return [
        {
            // Exactly as SECURITY-ARCHITECTURE.md writes it; summary and runbook_url are added, nothing changed.
            name: "SecurityAlerts",
            rules: [
                {
                    alert: "UnauthorizedAccess",
                    expr: `rate(istio_requests_total{response_code="403"}[5m]) > ${t.unauthorizedAccessPerSecond}`,
                    for: t.unauthorizedAccessFor,
                    labels: { severity: "critical" },
                    annotations: {
                        summary:
                            "Unauthorized access attempts to {{ $labels.destination_workload_namespace }}/{{ $labels.destination_workload }}",
                        description: "High rate of unauthorized access attempts",
                        runbook_url: runbook(PLAYBOOKS.accessViolation),
                    },
                },
            ],
        },
        {
            name: "mesh-security",
            rules: [
                {
                    alert: "NonMutualTlsTraffic",
                    // The destination's proxy knows whether the connection it accepted was mutual TLS.
                    expr: `sum by (${DESTINATION}, source_workload_namespace, source_workload, connection_security_policy) (rate(istio_requests_total{reporter="destination", connection_security_policy!="mutual_tls"}[5m])) > ${t.nonMtlsRequestsPerSecond}`,
                    for: t.nonMtlsFor,
                    labels: { severity: "critical" },
                    annotations: {
                        summary:
                            "Traffic without mutual TLS reaches {{ $labels.destination_workload_namespace }}/{{ $labels.destination_workload }}",
                        description:
                            "{{ $labels.source_workload_namespace }}/{{ $labels.source_workload }} reaches {{ $labels.destination_workload_namespace }}/{{ $labels.destination_workload }} with connection_security_policy={{ $labels.connection_security_policy }}: STRICT mTLS is not in force there (PERMISSIVE policy, a workload outside the mesh, or a bypass).",
                        runbook_url: runbook(PLAYBOOKS.securityBreach),
                    },
                },
                {
                    alert: "MeshRootCertificateExpiring",
                    expr: `(citadel_server_root_cert_expiry_timestamp{${istiod}} - time()) < ${days(t.meshRootCertificateDays)}`,
                    for: "1h",
                    labels: { severity: "warning" },
                    annotations: {
                        summary: "The mesh root CA certificate expires in less than {{ $value | humanizeDuration }}",
                        description: `istiod's root certificate expires within ${t.meshRootCertificateDays} days; once it expires no workload certificate validates and all mTLS traffic fails.`,
                        runbook_url: runbook(PLAYBOOKS.certificateExpiry),
                    },
                },
                {
                    alert: "MeshIntermediateCertificateExpiring",
                    expr: `(citadel_server_cert_chain_expiry_timestamp{${istiod}} - time()) < ${days(t.meshIntermediateCertificateDays)}`,
                    for: "1h",
                    labels: { severity: "critical" },
                    annotations: {
                        summary: "The mesh signing certificate expires in less than {{ $value | humanizeDuration }}",
                        description: `istiod's CA certificate chain expires within ${t.meshIntermediateCertificateDays} days; istiod cannot sign workload certificates after that.`,
                        runbook_url: runbook(PLAYBOOKS.certificateExpiry),
                    },
                },
            ],
        },
        {
            name: "access-anomalies",
            rules: [
                {
                    record: DENIAL_RATE,
                    expr: `sum by (${DESTINATION}) (rate(istio_requests_total{reporter="destination", response_code="403"}[5m]))`,
                },
                { record: DENIAL_BASELINE, expr: `avg_over_time(${DENIAL_RATE}[1h] offset 1w)` },
                { record: DENIAL_STDDEV, expr: `stddev_over_time(${DENIAL_RATE}[1h] offset 1w)` },
                {
                    alert: "DenialRateAnomaly",
                    // Far above the same hour a week ago (mean + sigma * stddev, and factor * mean), or denials where
                    // there were none, and never for tiny rates.
                    expr: [
                        `(`,
                        `  ${DENIAL_RATE} > on (${DESTINATION}) (${DENIAL_BASELINE} + ${t.denialAnomalySigma} * ${DENIAL_STDDEV})`,
                        `  and on (${DESTINATION}) ${DENIAL_RATE} > on (${DESTINATION}) (${t.denialAnomalyFactor} * ${DENIAL_BASELINE})`,
                        `  or ${DENIAL_RATE} unless on (${DESTINATION}) ${DENIAL_BASELINE}`,
                        `)`,
                        `and ${DENIAL_RATE} > ${t.denialAnomalyMinimumPerSecond}`,
                    ].join("\n"),
                    for: t.denialAnomalyFor,
                    labels: { severity: "warning" },
                    annotations: {
                        summary:
                            "Denials at {{ $labels.destination_workload_namespace }}/{{ $labels.destination_workload }} far above their usual level",
                        description: `{{ $value | humanize }} denials/s, more than ${t.denialAnomalyFactor}x the same hour last week plus ${t.denialAnomalySigma} standard deviations (or denials where there were none): a scan, a broken deployment or a revoked identity still in use.`,
                        runbook_url: runbook(PLAYBOOKS.accessViolation),
                    },
                },
            ],
        },
        {
            name: "vault-security",
            rules: [
                {
                    alert: "VaultSealed",
                    expr: "vault_core_unsealed == 0",
                    for: t.vaultSealedFor,
                    labels: { severity: "critical" },
                    annotations: {
                        summary: "Vault {{ $labels.instance }} is sealed",
                        description:
                            "A sealed Vault serves no secret: workloads cannot start or renew credentials. Sealing is also the emergency brake of a breach; find out who or what sealed it.",
                        runbook_url: runbook(PLAYBOOKS.vaultAvailability),
                    },
                },
                {
                    alert: "VaultAuditLogFailure",
                    expr: `${eventsIn5m("vault_audit_log_request_failure", "instance")} or ${eventsIn5m("vault_audit_log_response_failure", "instance")}`,
                    labels: { severity: "critical" },
                    annotations: {
                        summary: "Vault {{ $labels.instance }} fails to write its audit log",
                        description:
                            "Requests are not being recorded by an audit device; when every device fails Vault refuses all requests. Actions taken now are not accounted for.",
                        runbook_url: runbook(PLAYBOOKS.vaultAvailability),
                    },
                },
                ...(config.vault.enabled
                    ? [
                          {
                              alert: "VaultTelemetryMissing",
                              // Without Vault's metrics the two alerts above cannot fire: a broken scrape is itself an alert.
                              expr: "absent(vault_core_unsealed)",
                              for: "15m",
                              labels: { severity: "warning" as const },
                              annotations: {
                                  summary: "Prometheus receives no metrics from Vault",
                                  description:
                                      "No Vault server has reported vault_core_unsealed for 15 minutes: the scrape fails (network policy, TLS, metrics access) or Vault is down, and VaultSealed and VaultAuditLogFailure cannot fire.",
                                  runbook_url: runbook(PLAYBOOKS.vaultAvailability),
                              },
                          },
                      ]
                    : []),
                {
                    alert: "VaultCertificateRenewalFailing",
                    // Days before the certificate is at risk: the renewer has a month of margin, and this says so early.
                    expr: vaultRenewalStale(monitored.vault, VAULT_RENEWAL_MISSED_DAYS * 86400),
                    for: "1h",
                    labels: { severity: "warning" },
                    annotations: {
                        summary:
                            "Vault's certificate renewal ({{ $labels.namespace }}/{{ $labels.cronjob }}) has not succeeded for {{ $value | humanizeDuration }}",
                        description: `The daily CronJob that renews Vault's listener certificate has not succeeded for ${VAULT_RENEWAL_MISSED_DAYS} days. The certificate is not at risk yet (it is renewed ${monitored.vault.tlsRenewal.renewBeforeDays} days ahead); find why the Job fails before VaultCertificateExpiring fires.`,
                        runbook_url: runbook(PLAYBOOKS.certificateExpiry),
                    },
                },
                {
                    alert: "VaultCertificateExpiring",
                    // Vault's TLS job renews the listener's certificate renewBeforeDays before its end and succeeds daily
                    // even when nothing is due (infra/vault/tls.ts). kube-state-metrics reports its last success: once
                    // that is renewBeforeDays - vaultCertificateDays old, fewer than vaultCertificateDays may be left.
                    expr: vaultRenewalStale(
                        monitored.vault,
                        Math.max(1, monitored.vault.tlsRenewal.renewBeforeDays - t.vaultCertificateDays) * 86400,
                    ),
                    for: "1h",
                    labels: { severity: "critical" },
                    annotations: {
                        summary:
                            "Vault's certificate renewal ({{ $labels.namespace }}/{{ $labels.cronjob }}) has not succeeded for {{ $value | humanizeDuration }}",
                        description: `The CronJob that renews Vault's listener certificate has not succeeded for ${monitored.vault.tlsRenewal.renewBeforeDays - t.vaultCertificateDays} days: the certificate may expire within ${t.vaultCertificateDays} days, after which clients refuse Vault's TLS listener.`,
                        runbook_url: runbook(PLAYBOOKS.certificateExpiry),
                    },
                },
            ],
        },
        {
            name: "runtime-security",
            rules: [
                {
                    alert: "FalcoCriticalEvent",
                    expr: eventsIn5m(
                        `falcosecurity_falcosidekick_falco_events_total{priority_raw=~"${t.falcoPriorities.join("|")}"}`,
                        "rule, priority_raw, hostname, k8s_ns_name, k8s_pod_name",
                    ),
                    labels: { severity: "critical" },
                    annotations: {
                        summary:
                            "Falco: {{ $labels.rule }} on {{ $labels.hostname }} ({{ $labels.k8s_ns_name }}/{{ $labels.k8s_pod_name }})",
                        description:
                            'Falco reported a {{ $labels.priority_raw }} event: "{{ $labels.rule }}" in pod {{ $labels.k8s_ns_name }}/{{ $labels.k8s_pod_name }} on node {{ $labels.hostname }}. Treat the pod as compromised until shown otherwise.',
                        runbook_url: runbook(PLAYBOOKS.serviceCompromise),
                    },
                },
                {
                    alert: "CriticalImageVulnerability",
                    expr: `sum by (namespace, resource_kind, resource_name, image_repository, image_tag) (trivy_image_vulnerabilities{severity="Critical"}) > ${t.criticalVulnerabilities}`,
                    for: t.criticalVulnerabilitiesFor,
                    labels: { severity: "warning" },
                    annotations: {
                        summary: "{{ $value }} critical vulnerabilities in {{ $labels.image_repository }}:{{ $labels.image_tag }}",
                        description:
                            "Trivy found {{ $value }} critical vulnerabilities in the image of {{ $labels.resource_kind }} {{ $labels.namespace }}/{{ $labels.resource_name }}. Patch and redeploy; if it is exploitable from the network, follow the service compromise playbook.",
                        runbook_url: runbook(PLAYBOOKS.serviceCompromise),
                    },
                },
            ],
        },
    ];
}

export function isAlert(rule: AlertRule | RecordingRule): rule is AlertRule {
    return "alert" in rule;
}

/** All alert names, as the stack outputs list them. */
export function alertNames(groups: RuleGroup[]): string[] {
    return groups.flatMap((g) => g.rules.filter(isAlert).map((r) => r.alert));
}

/** One PrometheusRule per group, so that a broken group never hides the others from the operator. */
export function prometheusRules(
    config: MonitoringConfig,
    monitored: MonitoredComponents,
    selectorLabels: Record<string, string>,
): PrometheusRuleManifest[] {
    return securityRuleGroups(config, monitored).map((group) => ({
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: {
            name: `security-${group.name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`,
            namespace: config.namespace,
            labels: { ...selectorLabels, "app.kubernetes.io/part-of": "security-monitoring" },
        },
        spec: { groups: [group] },
    }));
}
