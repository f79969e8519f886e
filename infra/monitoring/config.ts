import { z } from "zod";
import { ENVIRONMENT_DEFAULTS, type Environment } from "../environments";
import { quantityValue } from "../lib/quantity";
import { TRIVY_OPERATOR_APP_VERSIONS } from "./crds";
import { chartVersion, dnsLabel, quantity, retentionDays } from "../lib/schema";
import { VAULT_SERVER_FACTS, type VaultServerFacts } from "../vault/values";

/** Chart repositories; versions are pinned in config so that an upgrade is a reviewed change. */
export const CHART_REPOS = {
    kubePrometheusStack: "https://prometheus-community.github.io/helm-charts",
    falco: "https://falcosecurity.github.io/charts",
    trivyOperator: "https://aquasecurity.github.io/helm-charts/",
} as const;

export const DEFAULT_CHART_VERSIONS = {
    // renovate: datasource=helm registryUrl=https://prometheus-community.github.io/helm-charts depName=kube-prometheus-stack
    kubePrometheusStack: "79.10.0",
    // renovate: datasource=helm registryUrl=https://falcosecurity.github.io/charts depName=falco
    falco: "9.1.0",
    // renovate: datasource=helm registryUrl=https://aquasecurity.github.io/helm-charts depName=trivy-operator
    trivyOperator: "0.30.0",
} as const;

export const SEVERITIES = ["critical", "warning", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Shown instead of a receiver's value in configuration errors: URLs and keys are credentials. */
export const HIDDEN = "[secret, not shown]";

const receiverShape = z.strictObject({
    name: dnsLabel,
    type: z.enum(["slack", "pagerduty", "webhook"]),
    /** Severities this receiver is notified of. */
    severities: z.array(z.enum(SEVERITIES)).min(1).default(["critical"]),
    /** Slack incoming-webhook URL or generic webhook URL: a credential, set with `pulumi config set --secret --path`. */
    url: z.string().min(1).optional(),
    /** PagerDuty Events API v2 routing key: a credential. */
    routingKey: z.string().min(1).optional(),
    /** Slack channel, for display only (the webhook decides the channel). */
    channel: z.string().min(1).optional(),
});

export type ReceiverConfig = z.infer<typeof receiverShape>;

/**
 * A receiver holds credentials, so its validation errors name the key and the problem but never echo the
 * value (zod would otherwise report the whole receiver object as the input it got).
 */
const receiver = z.unknown().transform((value, ctx): ReceiverConfig => {
    const parsed = receiverShape.safeParse(value);
    if (!parsed.success) {
        for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message, input: HIDDEN });
        return z.NEVER;
    }
    const r = parsed.data;
    const needs = r.type === "pagerduty" ? "routingKey" : "url";
    if (!r[needs])
        ctx.addIssue({ code: "custom", path: [needs], message: `a ${r.type} receiver needs ${needs} (set it as a secret)`, input: HIDDEN });
    const extra = r.type === "pagerduty" ? "url" : "routingKey";
    if (r[extra]) ctx.addIssue({ code: "custom", path: [extra], message: `is not used by a ${r.type} receiver; remove it`, input: HIDDEN });
    return r;
});

const resources = z.strictObject({
    cpuRequest: quantity,
    memoryRequest: quantity,
    cpuLimit: quantity,
    memoryLimit: quantity,
});
export type Resources = z.infer<typeof resources>;

const PER_ENVIRONMENT: Record<Environment, { replicas: number; retention: string; storage: string }> = {
    local: { replicas: 1, retention: "2d", storage: "10Gi" },
    dev: { replicas: 1, retention: "7d", storage: "20Gi" },
    staging: { replicas: 2, retention: "15d", storage: "50Gi" },
    prod: { replicas: 2, retention: "30d", storage: "100Gi" },
};

const duration = z.string().regex(/^([0-9]+(ms|s|m|h|d|w|y))+$/, "must be a Prometheus duration such as 30s, 5m, 15d");

/** Alert thresholds; the defaults are the values of SECURITY-ARCHITECTURE.md and of the security team. */
const thresholds = z.strictObject({
    /** 403 responses per second per series, over 5 minutes (SECURITY-ARCHITECTURE.md: 10). */
    unauthorizedAccessPerSecond: z.number().positive().default(10),
    unauthorizedAccessFor: duration.default("5m"),
    /** Requests per second without mutual TLS seen by a destination before alerting; 0 means any. */
    nonMtlsRequestsPerSecond: z.number().min(0).default(0),
    nonMtlsFor: duration.default("5m"),
    /** Denials anomaly: current rate above mean + sigma * stddev of the same hour a week ago... */
    denialAnomalySigma: z.number().positive().default(3),
    /** ...and at least this many times that mean... */
    denialAnomalyFactor: z.number().min(1).default(2),
    /** ...and at least this rate (per second), so that noise on tiny rates stays quiet. */
    denialAnomalyMinimumPerSecond: z.number().positive().default(1),
    denialAnomalyFor: duration.default("10m"),
    vaultSealedFor: duration.default("1m"),
    /** Days ahead at which an expiring mesh root, mesh intermediate or Vault certificate alerts. */
    meshRootCertificateDays: z.number().int().min(1).default(60),
    meshIntermediateCertificateDays: z.number().int().min(1).default(14),
    vaultCertificateDays: z.number().int().min(1).default(14),
    /** Falco priorities that page (falcosidekick's priority_raw label). */
    falcoPriorities: z
        .array(z.enum(["emergency", "alert", "critical", "error", "warning"]))
        .min(1)
        .default(["emergency", "alert", "critical"]),
    /** Critical vulnerabilities tolerated per running image before alerting. */
    criticalVulnerabilities: z.number().int().min(0).default(0),
    criticalVulnerabilitiesFor: duration.default("15m"),
});

/**
 * A key monitoring once re-declared although another component owns the fact: a stack that still sets it
 * learns where the fact lives now instead of having its value silently ignored.
 */
const ownedElsewhere = (where: string) => z.undefined({ error: `is no longer a monitoring key: ${where}; remove it` }).optional();
const VAULT_OWNS = `the Vault component owns its namespace (${VAULT_SERVER_FACTS.namespace}), its CA ConfigMap (${VAULT_SERVER_FACTS.caConfigMap.name}, key ${VAULT_SERVER_FACTS.caConfigMap.key}) and its pods' labels, and monitoring follows them`;

/** What monitoring scrapes, selects and alerts on but does not own, passed in from the owning components. */
export interface MonitoredComponents {
    /** The mesh's root namespace, where istiod runs (mesh.rootNamespace). */
    istioNamespace: string;
    vault: VaultServerFacts;
}

export function monitoringSchema(environment: Environment) {
    const env = PER_ENVIRONMENT[environment];
    const logDays = ENVIRONMENT_DEFAULTS[environment].logRetentionDays;
    const chart = (key: keyof typeof DEFAULT_CHART_VERSIONS) =>
        z.strictObject({ version: chartVersion.default(DEFAULT_CHART_VERSIONS[key]) }).default({ version: DEFAULT_CHART_VERSIONS[key] });
    return z.strictObject({
        enabled: z.boolean().default(true),
        namespace: dnsLabel.default("monitoring"),
        falcoNamespace: dnsLabel.default("falco"),
        trivyNamespace: dnsLabel.default("trivy-system"),
        istioNamespace: ownedElsewhere(
            "the mesh owns istiod's namespace: set secure-platform:mesh.rootNamespace, which monitoring follows",
        ),
        charts: z
            .strictObject({
                kubePrometheusStack: chart("kubePrometheusStack"),
                falco: chart("falco"),
                trivyOperator: chart("trivyOperator"),
            })
            .default({
                kubePrometheusStack: { version: DEFAULT_CHART_VERSIONS.kubePrometheusStack },
                falco: { version: DEFAULT_CHART_VERSIONS.falco },
                trivyOperator: { version: DEFAULT_CHART_VERSIONS.trivyOperator },
            }),
        /** Links in alerts: `<runbookBaseUrl>/docs/runbooks/<playbook>.md`, e.g. the repository's blob URL on main. */
        runbookBaseUrl: z
            .url({ protocol: /^https$/, error: "must be an https URL such as https://github.com/acme/secure-platform/blob/main" })
            .transform((url) => url.replace(/\/+$/, ""))
            .default("https://github.com/acme/secure-platform/blob/main"),
        prometheus: z
            .strictObject({
                replicas: z.number().int().min(1).max(5).default(env.replicas),
                retention: duration.default(env.retention),
                storageSize: quantity
                    .refine(
                        (q) => quantityValue(q) >= 2 * 2 ** 30,
                        "must be at least 2Gi: Prometheus keeps 10% of the volume free and needs room to compact",
                    )
                    .default(env.storage),
                /** Prometheus's and Alertmanager's claims. Empty: on EKS the class the cluster creates (encrypted gp3), elsewhere the cluster's default. */
                storageClass: z.string().min(1).optional(),
                scrapeInterval: duration.default("30s"),
                resources: resources.default({ cpuRequest: "500m", memoryRequest: "2Gi", cpuLimit: "2", memoryLimit: "4Gi" }),
            })
            .default({
                replicas: env.replicas,
                retention: env.retention,
                storageSize: env.storage,
                scrapeInterval: "30s",
                resources: { cpuRequest: "500m", memoryRequest: "2Gi", cpuLimit: "2", memoryLimit: "4Gi" },
            }),
        alertmanager: z
            .strictObject({
                replicas: z
                    .number()
                    .int()
                    .min(1)
                    .max(5)
                    .default(env.replicas === 1 ? 1 : 3),
                storageSize: quantity.default("2Gi"),
                receivers: z.array(receiver).default([]),
                groupWait: duration.default("30s"),
                groupInterval: duration.default("5m"),
                repeatInterval: duration.default("4h"),
            })
            .default({
                replicas: env.replicas === 1 ? 1 : 3,
                storageSize: "2Gi",
                receivers: [],
                groupWait: "30s",
                groupInterval: "5m",
                repeatInterval: "4h",
            }),
        thresholds: thresholds.default(thresholds.parse({})),
        vault: z
            .strictObject({
                /** Scrape Vault's telemetry (the Vault component enables it, see docs/monitoring.md). */
                enabled: z.boolean().default(true),
                namespace: ownedElsewhere(VAULT_OWNS),
                caConfigMapName: ownedElsewhere(VAULT_OWNS),
                caKey: ownedElsewhere(VAULT_OWNS),
            })
            .default({ enabled: true }),
        /** Retention of the audit and access logs this area does not create but relies on (see docs/monitoring.md). */
        logRetention: z
            .strictObject({
                vaultAuditDays: retentionDays.default(logDays),
                istioAccessLogDays: retentionDays.default(logDays),
            })
            .default({ vaultAuditDays: logDays, istioAccessLogDays: logDays }),
    });
}

export type MonitoringConfig = z.infer<ReturnType<typeof monitoringSchema>>;

/** Rules that need the environment: production-like stacks must page someone for critical alerts. */
export function monitoringRules(
    monitoring: MonitoringConfig,
    environment: Environment,
    issue: (path: (string | number)[], message: string, input?: unknown) => void,
): void {
    if (!monitoring.enabled) {
        if (environment === "staging" || environment === "prod")
            issue(["monitoring", "enabled"], `security monitoring cannot be switched off in ${environment}`, false);
        return;
    }
    const names = new Set<string>();
    monitoring.alertmanager.receivers.forEach((r, i) => {
        if (names.has(r.name)) issue(["monitoring", "alertmanager", "receivers", i, "name"], "is used by another receiver", r.name);
        names.add(r.name);
    });
    const critical = monitoring.alertmanager.receivers.some((r) => r.severities.includes("critical"));
    if (!critical && (environment === "staging" || environment === "prod")) {
        issue(
            ["monitoring", "alertmanager", "receivers"],
            `${environment} needs a receiver for severity critical (pagerduty, slack or webhook), or critical security alerts reach nobody`,
            monitoring.alertmanager.receivers.length,
        );
    }
    const trivy = monitoring.charts.trivyOperator.version;
    if (TRIVY_OPERATOR_APP_VERSIONS[trivy] === undefined)
        issue(
            ["monitoring", "charts", "trivyOperator", "version"],
            `the source tag of this chart version's CRDs is unknown; add its appVersion to TRIVY_OPERATOR_APP_VERSIONS in infra/monitoring/crds.ts (known: ${Object.keys(TRIVY_OPERATOR_APP_VERSIONS).join(", ")})`,
            trivy,
        );
    const ns = [monitoring.namespace, monitoring.falcoNamespace, monitoring.trivyNamespace];
    if (new Set(ns).size !== ns.length)
        issue(
            ["monitoring", "namespace"],
            "monitoring, falcoNamespace and trivyNamespace must differ (each has its own Pod Security level)",
            ns,
        );
}
