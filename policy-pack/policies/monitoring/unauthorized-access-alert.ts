import { z } from "zod";
import { AUDIT_LOGGING } from "../../lib/controls";
import { stackPolicy } from "../../lib/define";
import { isKind } from "../../lib/kubernetes";
import { arr, at, isObj, obj, str } from "../../lib/values";
import { stackHasIstio } from "../istio/detect";

// The alert as SECURITY-ARCHITECTURE.md writes it; only the threshold may be lower (more sensitive).
const EXPR = /^rate\(istio_requests_total\{response_code="403"\}\[5m\]\)>(\d+(?:\.\d+)?)$/;
const DURATION = /^(\d+)([smh])$/;
const SECONDS = { s: 1, m: 60, h: 3600 } as const;

function seconds(duration: string | undefined): number | undefined {
    const match = DURATION.exec(duration ?? "");
    return match ? Number(match[1]) * SECONDS[match[2] as keyof typeof SECONDS] : undefined;
}

/** What is wrong with one UnauthorizedAccess rule; empty when it alerts as specified. */
function problems(rule: Record<string, unknown>, maxThreshold: number): string[] {
    const out: string[] = [];
    const match = EXPR.exec((str(rule.expr) ?? "").replace(/\s+/g, ""));
    if (!match) out.push(`expr ${JSON.stringify(rule.expr)} is not rate(istio_requests_total{response_code="403"}[5m]) > N`);
    else if (Number(match[1]) > maxThreshold) out.push(`threshold ${match[1]} is above ${maxThreshold} denials per second`);
    const wait = rule.for === undefined ? 0 : seconds(str(rule.for));
    if (wait === undefined || wait > 300) out.push(`for ${JSON.stringify(rule.for)} waits longer than 5m`);
    if (obj(rule.labels).severity !== "critical") out.push(`severity ${JSON.stringify(obj(rule.labels).severity)} is not critical`);
    return out;
}

/**
 * A stack that runs Istio and Prometheus Operator rules alerts on denied requests: the 403 rate of
 * the mesh is how an access violation (a compromised or misconfigured caller) shows itself.
 */
export const unauthorizedAccessAlert = stackPolicy({
    name: "monitoring:unauthorized-access-alert",
    description:
        'A stack with Istio and PrometheusRules has the UnauthorizedAccess alert: rate(istio_requests_total{response_code="403"}[5m]) > 10 for 5m, severity critical.',
    severity: "high",
    remediation:
        'Add to a PrometheusRule the alert UnauthorizedAccess with expr rate(istio_requests_total{response_code="403"}[5m]) > 10, for: 5m and labels.severity: critical.',
    controls: { ...AUDIT_LOGGING, "SOC 2": ["CC7.2", "CC7.3"], HIPAA: ["164.312(b)", "164.308(a)(1)(ii)(D)"] },
    config: z.object({
        maxThreshold: z.number().positive().default(10).describe("The highest 403 rate (per second) the alert may wait for."),
    }),
    check(resources, report, config) {
        const ruleResources = resources.filter((r) => isKind(r.type, "PrometheusRule", ["monitoring.coreos.com"]));
        if (ruleResources.length === 0 || !stackHasIstio(resources)) return;
        const found: { urn: string; problems: string[] }[] = [];
        for (const r of ruleResources) {
            for (const group of arr(at(r.props, "spec.groups"))) {
                for (const rule of arr(obj(group).rules)) {
                    if (isObj(rule) && rule.alert === "UnauthorizedAccess")
                        found.push({ urn: r.urn, problems: problems(rule, config.maxThreshold) });
                }
            }
        }
        if (found.length === 0) {
            report.violation("the stack runs Istio and PrometheusRules but no rule alerts UnauthorizedAccess on the mesh's 403 rate");
            return;
        }
        if (found.some((f) => f.problems.length === 0)) return;
        for (const f of found) report.violation(`UnauthorizedAccess does not alert as specified: ${f.problems.join("; ")}`, f.urn);
    },
});
