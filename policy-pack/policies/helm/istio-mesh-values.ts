import { WORKLOAD_ISOLATION } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";
import { at, obj, str } from "../../lib/values";

const HELM = /^kubernetes:helm\.sh\/v\d:(Release|Chart)$/;

function isIstiod(props: Record<string, unknown>): boolean {
    const chart = (str(props.chart) ?? "").split("/").pop();
    const repo = str(obj(props.repositoryOpts).repo) ?? "";
    return chart === "istiod" && (repo === "" || repo.includes("istio"));
}

/**
 * istiod's chart defaults are the permissive ones: without CNI every injected pod gets an istio-init
 * container with NET_ADMIN and NET_RAW, and outbound traffic defaults to ALLOW_ANY (any host, no
 * egress control). Both must be set explicitly.
 */
export const istioMeshValues = resourcePolicy({
    name: "helm:istio-mesh-values",
    description: "The istiod chart runs with the Istio CNI (pilot.cni.enabled: true) and REGISTRY_ONLY outbound traffic.",
    severity: "high",
    remediation:
        "In the istiod release values set pilot.cni.enabled: true (and install the cni chart) and meshConfig.outboundTrafficPolicy.mode: REGISTRY_ONLY; declare external hosts as ServiceEntries.",
    controls: {
        ...WORKLOAD_ISOLATION,
        "SOC 2": ["CC6.1", "CC6.6", "CC6.8"],
        "ISO 27001:2022": ["A.8.2", "A.8.9", "A.8.22"],
        "CIS EKS": ["4.2.8"],
    },
    appliesTo: (type) => HELM.test(type),
    check(resource, report) {
        if (!isIstiod(resource.props)) return;
        const values = obj(resource.props.values);
        if (at(values, "pilot.cni.enabled") !== true)
            report.violation("istiod without pilot.cni.enabled: true injects istio-init with NET_ADMIN and NET_RAW into every pod");
        const mode = at(values, "meshConfig.outboundTrafficPolicy.mode");
        if (mode !== "REGISTRY_ONLY")
            report.violation(
                `meshConfig.outboundTrafficPolicy.mode is ${mode === undefined ? "unset (ALLOW_ANY)" : JSON.stringify(mode)}: pods reach any external host`,
            );
    },
});
