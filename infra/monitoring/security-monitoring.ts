import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { helmRelease } from "../lib/helm";
import { systemNamespace } from "../namespaces/system-namespace";
import { alertmanagerConfig } from "./alertmanager";
import { CHART_REPOS, type MonitoredComponents, type MonitoringConfig } from "./config";
import { chartCrds } from "./crds";
import {
    falcoNamespacePolicies,
    MONITORING_NAMESPACE_LABELS,
    monitoringNamespacePolicies,
    sidecarScrapePolicy,
    trivyNamespacePolicies,
    vaultScrapePolicy,
    type NetworkPolicyManifest,
} from "./network";
import { alertNames, prometheusRules, securityRuleGroups } from "./rules";
import { scrapeTargets } from "./scraping";
import {
    ALERTMANAGER_CONFIG_SECRET,
    falcoValues,
    kubePrometheusStackValues,
    RELEASES,
    SELECTOR_LABELS,
    trivyOperatorValues,
} from "./values";

export interface SecurityMonitoringArgs {
    config: MonitoringConfig;
    /** The mesh's and Vault's facts this component scrapes and alerts on, from the components that own them. */
    monitored: MonitoredComponents;
    environment: string;
    clusterName: string;
    kubernetesVersion: string;
    /** Protect what losing loses data: the CRDs, whose deletion deletes every Prometheus, rule and report. */
    protect: boolean;
    /** Application namespaces (default-deny) whose sidecars Prometheus scrapes. */
    appNamespaces: { name: string; resource: pulumi.Resource }[];
    provider: k8s.Provider;
    dependsOn: pulumi.Resource[];
    /** Components whose namespaces and CRDs this one writes into (the mesh, Vault), when the stack has them. */
    after?: pulumi.Resource[];
    /** Where the API server calls the operator's webhook from (the VPC on EKS); private address space when unset. */
    apiServerCidrs?: string[];
}

/** Pod Security reason shown on the Falco namespace; the privileges themselves are listed in docs/monitoring.md. */
export const FALCO_POD_SECURITY_REASON =
    "Falco observes every node's system calls with the modern eBPF probe: capabilities BPF, PERFMON, SYS_RESOURCE and SYS_PTRACE (instead of privileged), AppArmor unconfined, root, and read-only hostPath mounts of /proc, /etc, /usr, /boot, /lib/modules, /sys/kernel and the container runtime socket";

/**
 * Security monitoring: kube-prometheus-stack (Prometheus, Alertmanager, the operator), the security
 * PrometheusRules, scraping of Istio and Vault, Falco with falcosidekick, and Trivy Operator.
 */
export class SecurityMonitoring extends pulumi.ComponentResource {
    readonly namespace: pulumi.Output<string>;
    readonly alerts: string[];

    constructor(name: string, args: SecurityMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("secure-platform:monitoring:SecurityMonitoring", name, {}, { ...opts, providers: [args.provider] });
        const { config, monitored } = args;
        const base = { parent: this, dependsOn: args.dependsOn };
        const noInjection = { "istio-injection": "disabled" };

        const namespaces = {
            // Its label lets the mesh's namespaces admit Prometheus without knowing this namespace's name.
            monitoring: systemNamespace(
                `${name}-namespace`,
                {
                    name: config.namespace,
                    kubernetesVersion: args.kubernetesVersion,
                    podSecurity: "restricted",
                    labels: { ...noInjection, ...MONITORING_NAMESPACE_LABELS },
                },
                base,
            ),
            falco: systemNamespace(
                `${name}-falco-namespace`,
                {
                    name: config.falcoNamespace,
                    kubernetesVersion: args.kubernetesVersion,
                    podSecurity: "privileged",
                    reason: FALCO_POD_SECURITY_REASON,
                    labels: noInjection,
                },
                base,
            ),
            trivy: systemNamespace(
                `${name}-trivy-namespace`,
                { name: config.trivyNamespace, kubernetesVersion: args.kubernetesVersion, podSecurity: "restricted", labels: noInjection },
                base,
            ),
        };

        const networkPolicies = (prefix: string, manifests: NetworkPolicyManifest[], dependsOn: pulumi.Resource[]) =>
            manifests.map(
                (manifest) =>
                    new k8s.networking.v1.NetworkPolicy(`${prefix}-${manifest.metadata.name}`, manifest, { parent: this, dependsOn }),
            );
        const isolation = [
            ...networkPolicies(`${name}-monitoring`, monitoringNamespacePolicies(config, args.apiServerCidrs), [namespaces.monitoring]),
            ...networkPolicies(`${name}-falco`, falcoNamespacePolicies(config), [namespaces.falco]),
            ...networkPolicies(`${name}-trivy`, trivyNamespacePolicies(config), [namespaces.trivy]),
        ];
        for (const ns of args.appNamespaces) {
            networkPolicies(`${name}-${ns.name}`, [sidecarScrapePolicy(config, ns.name)], [ns.resource]);
        }

        // Receiver URLs and keys exist only inside this secret value; Helm values never see them.
        const alertmanagerSecret = new k8s.core.v1.Secret(
            `${name}-alertmanager-config`,
            {
                metadata: { name: ALERTMANAGER_CONFIG_SECRET, namespace: config.namespace },
                type: "Opaque",
                stringData: { "alertmanager.yaml": pulumi.secret(stringify(alertmanagerConfig(config))) },
            },
            { parent: this, dependsOn: [namespaces.monitoring] },
        );

        // The CRDs of the pinned chart versions, applied and upgraded by the program before the Releases (see crds.ts).
        const crds = (chart: "kubePrometheusStack" | "trivyOperator", version: string) =>
            chartCrds(`${name}-${RELEASES[chart]}-crds`, { chart, version, protect: args.protect }, base);
        const prometheusCrds = crds("kubePrometheusStack", config.charts.kubePrometheusStack.version);
        const trivyCrds = crds("trivyOperator", config.charts.trivyOperator.version);

        const stack = helmRelease(
            RELEASES.kubePrometheusStack,
            {
                chart: "kube-prometheus-stack",
                version: config.charts.kubePrometheusStack.version,
                repo: CHART_REPOS.kubePrometheusStack,
                namespace: config.namespace,
                values: kubePrometheusStackValues(config, { clusterName: args.clusterName, environment: args.environment }),
                timeoutSeconds: 900,
                skipCrds: true,
            },
            { parent: this, dependsOn: [namespaces.monitoring, alertmanagerSecret, prometheusCrds, ...isolation] },
        );

        // Both charts create ServiceMonitors, whose CRD comes with kube-prometheus-stack.
        helmRelease(
            RELEASES.falco,
            {
                chart: "falco",
                version: config.charts.falco.version,
                repo: CHART_REPOS.falco,
                namespace: config.falcoNamespace,
                values: falcoValues(config),
            },
            { parent: this, dependsOn: [namespaces.falco, stack, ...isolation] },
        );

        helmRelease(
            RELEASES.trivyOperator,
            {
                chart: "trivy-operator",
                version: config.charts.trivyOperator.version,
                repo: CHART_REPOS.trivyOperator,
                namespace: config.trivyNamespace,
                values: trivyOperatorValues(),
                skipCrds: true,
            },
            { parent: this, dependsOn: [namespaces.trivy, stack, trivyCrds, ...isolation] },
        );

        // The CRDs come with kube-prometheus-stack; Vault's namespace with the Vault component (`after`).
        for (const rule of prometheusRules(config, monitored, SELECTOR_LABELS)) {
            new k8s.apiextensions.CustomResource(`${name}-${rule.metadata.name}`, rule, { parent: this, dependsOn: [stack] });
        }
        const afterOthers = { parent: this, dependsOn: [stack, ...(args.after ?? [])] };
        for (const target of scrapeTargets(config, monitored)) {
            new k8s.apiextensions.CustomResource(`${name}-${target.kind.toLowerCase()}-${target.metadata.name}`, target, afterOthers);
        }
        if (config.vault.enabled) {
            networkPolicies(`${name}-vault`, [vaultScrapePolicy(config, monitored.vault)], [...args.dependsOn, ...(args.after ?? [])]);
        }

        this.namespace = namespaces.monitoring.metadata.name;
        this.alerts = alertNames(securityRuleGroups(config, monitored));
        this.registerOutputs({ namespace: this.namespace, alerts: this.alerts });
    }
}
