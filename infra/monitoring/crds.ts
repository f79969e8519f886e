// The CRDs of kube-prometheus-stack and trivy-operator, applied by the program instead of Helm. Helm installs a
// chart's crds/ folder once and never upgrades it, and the charts' own CRD-upgrade jobs run images the admission
// policies refuse; so both Releases set skipCrds and these files, at the tag of the chart version in config, are
// Pulumi resources (server-side apply): a chart bump changes their URLs and upgrades the CRDs before the Release.
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/** The charts whose crds/ folders the program manages. */
export type CrdChart = "kubePrometheusStack" | "trivyOperator";

/**
 * trivy-operator's chart is released from the operator's repository, tagged with the operator's version (the chart's
 * appVersion), not the chart's: the tag of each chart version the program may install. A chart bump adds its line.
 */
export const TRIVY_OPERATOR_APP_VERSIONS: Readonly<Record<string, string>> = {
    "0.30.0": "0.28.0",
};

// The files of each chart's crds/ folder (kube-prometheus-stack's is in its `crds` subchart).
const KUBE_PROMETHEUS_STACK_CRDS = [
    "alertmanagerconfigs",
    "alertmanagers",
    "podmonitors",
    "probes",
    "prometheusagents",
    "prometheuses",
    "prometheusrules",
    "scrapeconfigs",
    "servicemonitors",
    "thanosrulers",
];
const TRIVY_OPERATOR_CRDS = [
    "clustercompliancereports",
    "clusterconfigauditreports",
    "clusterinfraassessmentreports",
    "clusterrbacassessmentreports",
    "clustersbomreports",
    "clustervulnerabilityreports",
    "configauditreports",
    "exposedsecretreports",
    "infraassessmentreports",
    "rbacassessmentreports",
    "sbomreports",
    "vulnerabilityreports",
];

/** The URLs of a chart version's CRD files, at the source tag of that exact version. */
export function chartCrdFiles(chart: CrdChart, version: string): string[] {
    if (chart === "kubePrometheusStack") {
        const base = `https://raw.githubusercontent.com/prometheus-community/helm-charts/kube-prometheus-stack-${version}/charts/kube-prometheus-stack/charts/crds/crds`;
        return KUBE_PROMETHEUS_STACK_CRDS.map((crd) => `${base}/crd-${crd}.yaml`);
    }
    const appVersion = TRIVY_OPERATOR_APP_VERSIONS[version];
    if (appVersion === undefined)
        throw new Error(
            `monitoring.charts.trivyOperator.version ${version}: its CRDs' source tag is unknown; add the chart's appVersion to TRIVY_OPERATOR_APP_VERSIONS in infra/monitoring/crds.ts (known: ${Object.keys(TRIVY_OPERATOR_APP_VERSIONS).join(", ")})`,
        );
    const base = `https://raw.githubusercontent.com/aquasecurity/trivy-operator/v${appVersion}/deploy/helm/crds`;
    return TRIVY_OPERATOR_CRDS.map((crd) => `${base}/aquasecurity.github.io_${crd}.yaml`);
}

/**
 * The chart version's CRDs as the program's own resources. Protected where the stack is (deleting a CRD deletes every
 * custom resource of it: the Prometheus, Alertmanager and rules, the reports).
 */
export function chartCrds(
    name: string,
    args: { chart: CrdChart; version: string; protect: boolean },
    opts: pulumi.ComponentResourceOptions,
): k8s.yaml.v2.ConfigGroup {
    return new k8s.yaml.v2.ConfigGroup(name, { files: chartCrdFiles(args.chart, args.version) }, { ...opts, protect: args.protect });
}
