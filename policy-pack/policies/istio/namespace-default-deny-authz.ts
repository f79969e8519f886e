import { z } from "zod";
import { ACCESS_CONTROL } from "../../lib/controls";
import { stackPolicy } from "../../lib/define";
import { isIstioKind, isKind, namespaceOf, SYSTEM_NAMESPACES } from "../../lib/kubernetes";
import { arr, isObj, obj, str } from "../../lib/values";
import { stackHasIstio } from "./detect";

const PSS_LABEL = "pod-security.kubernetes.io/enforce";

/** An allow-nothing policy: action ALLOW (or unset), no rules, selecting every workload. */
function isAllowNothing(props: Record<string, unknown>): boolean {
    const spec = obj(props.spec);
    const action = spec.action ?? "ALLOW";
    const selector = spec.selector;
    const selectsAll = !isObj(selector) || Object.keys(obj(selector.matchLabels)).length === 0;
    return action === "ALLOW" && arr(spec.rules).length === 0 && selectsAll && spec.targetRef === undefined && spec.targetRefs === undefined;
}

export const namespaceDefaultDenyAuthz = stackPolicy({
    name: "istio:namespace-default-deny",
    description: "In a stack that runs Istio, every application namespace has an allow-nothing AuthorizationPolicy.",
    severity: "high",
    remediation: "Add an AuthorizationPolicy with an empty spec ({}) to the namespace, then ALLOW policies per caller.",
    controls: ACCESS_CONTROL,
    config: z.object({ systemNamespaces: z.array(z.string()).default(SYSTEM_NAMESPACES) }),
    check(resources, report, config) {
        if (!stackHasIstio(resources)) return;
        const covered = new Set(
            resources.filter((r) => isIstioKind(r.type, "AuthorizationPolicy") && isAllowNothing(r.props)).map((r) => namespaceOf(r.type, r.props)),
        );
        for (const ns of resources.filter((r) => isKind(r.type, "Namespace", ["core"]))) {
            const name = namespaceOf(ns.type, ns.props);
            if (!name || config.systemNamespaces.includes(name)) continue;
            if (str(obj(obj(ns.props.metadata).labels)[PSS_LABEL]) === undefined) continue;
            if (!covered.has(name)) report.violation(`namespace "${name}" has no allow-nothing AuthorizationPolicy`, ns.urn);
        }
    },
});
