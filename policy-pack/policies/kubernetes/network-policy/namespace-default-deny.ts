import { z } from "zod";
import { ACCESS_CONTROL } from "../../../lib/controls";
import { stackPolicy } from "../../../lib/define";
import { isApplicationNamespace, isKind, namespaceOf, SYSTEM_NAMESPACES } from "../../../lib/kubernetes";
import type { Resource } from "../../../lib/types";
import { arr, isObj, obj } from "../../../lib/values";

/** Directions (Ingress/Egress) a NetworkPolicy denies for every pod of its namespace. */
export function deniedDirections(props: Record<string, unknown>): string[] {
    const spec = obj(props.spec);
    const selector = spec.podSelector;
    const selectsAll =
        isObj(selector) && Object.keys(obj(selector.matchLabels)).length === 0 && arr(selector.matchExpressions).length === 0;
    if (!selectsAll) return [];
    const types = arr(spec.policyTypes).map(String);
    const directions: string[] = [];
    // With no policyTypes, Kubernetes treats the policy as Ingress (plus Egress if egress rules exist).
    if ((types.includes("Ingress") || types.length === 0) && arr(spec.ingress).length === 0) directions.push("Ingress");
    if (types.includes("Egress") && arr(spec.egress).length === 0) directions.push("Egress");
    return directions;
}

/**
 * Only stacks that create application namespaces (labelled with a Pod Security level) are judged,
 * so the pack can run org-wide on stacks without Kubernetes.
 */
export const namespaceDefaultDeny = stackPolicy({
    name: "k8s:network-policy:namespace-default-deny",
    description: "Every application namespace (labelled pod-security.kubernetes.io/enforce) has a default-deny NetworkPolicy.",
    severity: "high",
    remediation:
        "Add a NetworkPolicy with podSelector: {} and policyTypes [Ingress, Egress] and no rules to the namespace, then allow what the service graph needs.",
    controls: { ...ACCESS_CONTROL, "CIS EKS": ["4.3.2", "5.4.4"], "ISO 27001:2022": ["A.8.22"] },
    config: z.object({
        systemNamespaces: z.array(z.string()).default(SYSTEM_NAMESPACES).describe("Namespaces that are not application namespaces."),
        applicationNamespaces: z
            .array(z.string())
            .default([])
            .describe(
                "When set, exactly these namespaces are the application namespaces (a stack that declares them); otherwise every labelled namespace outside systemNamespaces.",
            ),
        requireEgressDeny: z.boolean().default(true),
    }),
    check(resources, report, config) {
        const apps = resources.filter((r) => isApplicationNamespace(r.type, r.props, config));
        if (apps.length === 0) return;
        const denied = new Map<string, Set<string>>();
        for (const np of resources.filter((r: Resource) => isKind(r.type, "NetworkPolicy", ["networking.k8s.io"]))) {
            const ns = namespaceOf(np.type, np.props);
            if (!ns) continue;
            const set = denied.get(ns) ?? new Set<string>();
            deniedDirections(np.props).forEach((d) => set.add(d));
            denied.set(ns, set);
        }
        for (const ns of apps) {
            const name = namespaceOf(ns.type, ns.props)!;
            const have = denied.get(name) ?? new Set<string>();
            const need = ["Ingress", ...(config.requireEgressDeny ? ["Egress"] : [])].filter((d) => !have.has(d));
            if (need.length) report.violation(`namespace "${name}" has no default-deny NetworkPolicy for ${need.join(" and ")}`, ns.urn);
        }
    },
});
