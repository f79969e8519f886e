import { z } from "zod";
import { ACCESS_CONTROL } from "../../lib/controls";
import { stackPolicy } from "../../lib/define";
import { isApplicationNamespace, isIstioKind, namespaceOf, SYSTEM_NAMESPACES } from "../../lib/kubernetes";
import { arr, isObj, obj } from "../../lib/values";
import { stackHasIstio } from "./detect";

/** An allow-nothing policy: action ALLOW (or unset), no rules, selecting every workload. */
function isAllowNothing(props: Record<string, unknown>): boolean {
    const spec = obj(props.spec);
    const action = spec.action ?? "ALLOW";
    const selector = spec.selector;
    const selectsAll = !isObj(selector) || Object.keys(obj(selector.matchLabels)).length === 0;
    return (
        action === "ALLOW" && arr(spec.rules).length === 0 && selectsAll && spec.targetRef === undefined && spec.targetRefs === undefined
    );
}

export const namespaceDefaultDenyAuthz = stackPolicy({
    name: "istio:namespace-default-deny",
    description: "In a stack that runs Istio, every application namespace has an allow-nothing AuthorizationPolicy.",
    severity: "high",
    remediation: "Add an AuthorizationPolicy with an empty spec ({}) to the namespace, then ALLOW policies per caller.",
    controls: ACCESS_CONTROL,
    config: z.object({
        systemNamespaces: z.array(z.string()).default(SYSTEM_NAMESPACES).describe("Namespaces that are not application namespaces."),
        applicationNamespaces: z
            .array(z.string())
            .default([])
            .describe(
                "When set, exactly these namespaces are the application namespaces; otherwise every labelled namespace outside systemNamespaces.",
            ),
    }),
    check(resources, report, config) {
        if (!stackHasIstio(resources)) return;
        const covered = new Set(
            resources
                .filter((r) => isIstioKind(r.type, "AuthorizationPolicy") && isAllowNothing(r.props))
                .map((r) => namespaceOf(r.type, r.props)),
        );
        for (const ns of resources.filter((r) => isApplicationNamespace(r.type, r.props, config))) {
            const name = namespaceOf(ns.type, ns.props)!;
            if (!covered.has(name)) report.violation(`namespace "${name}" has no allow-nothing AuthorizationPolicy`, ns.urn);
        }
    },
});
