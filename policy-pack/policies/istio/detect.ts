import { parseKubernetesType } from "../../lib/kubernetes";
import type { Resource } from "../../lib/types";
import { obj, str } from "../../lib/values";

const ISTIO_CHARTS = new Set(["base", "istiod", "cni", "gateway", "istio-base", "istio-cni", "istio-ingressgateway"]);

function isIstioChart(r: Resource): boolean {
    if (!/^kubernetes:helm\.sh\/v\d:(Release|Chart)$/.test(r.type)) return false;
    const chart = str(r.props.chart) ?? "";
    const repo = str(obj(r.props.repositoryOpts).repo) ?? str(r.props.repositoryOpts) ?? "";
    return chart.includes("istio") || (repo.includes("istio") && ISTIO_CHARTS.has(chart.split("/").pop() ?? ""));
}

/** True when a stack runs Istio: Istio custom resources or an Istio Helm chart. */
export function stackHasIstio(resources: Resource[]): boolean {
    return resources.some((r) => (parseKubernetesType(r.type)?.group.endsWith("istio.io") ?? false) || isIstioChart(r));
}
