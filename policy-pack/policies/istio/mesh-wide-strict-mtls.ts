import { z } from "zod";
import { TRANSMISSION_SECURITY } from "../../lib/controls";
import { stackPolicy } from "../../lib/define";
import { isIstioKind } from "../../lib/kubernetes";
import { arr, isObj, obj } from "../../lib/values";
import { stackHasIstio } from "./detect";

export const meshWideStrictMtls = stackPolicy({
    name: "istio:mesh-wide-strict-mtls",
    description: "A stack that runs Istio has a mesh-wide PeerAuthentication (root namespace, no selector) with mtls.mode STRICT.",
    severity: "critical",
    remediation: "Add a PeerAuthentication named default in the Istio root namespace with spec.mtls.mode: STRICT and no selector.",
    controls: TRANSMISSION_SECURITY,
    config: z.object({ rootNamespace: z.string().default("istio-system").describe("Istio's root namespace (meshConfig.rootNamespace).") }),
    check(resources, report, config) {
        if (!stackHasIstio(resources)) return;
        const meshWide = resources.some((r) => {
            if (!isIstioKind(r.type, "PeerAuthentication")) return false;
            const spec = obj(r.props.spec);
            const selector = spec.selector;
            const hasSelector =
                isObj(selector) && (Object.keys(obj(selector.matchLabels)).length > 0 || arr(selector.matchExpressions).length > 0);
            return obj(r.props.metadata).namespace === config.rootNamespace && !hasSelector && obj(spec.mtls).mode === "STRICT";
        });
        if (!meshWide)
            report.violation(
                `the stack runs Istio but has no STRICT PeerAuthentication without selector in the root namespace "${config.rootNamespace}"`,
            );
    },
});
