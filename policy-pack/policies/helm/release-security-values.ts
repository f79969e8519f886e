import { WORKLOAD_ISOLATION } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";
import { at, isObj, obj, str } from "../../lib/values";

const HELM = /^kubernetes:helm\.sh\/v\d:(Release|Chart)$/;
// Keys that, set to true anywhere in a chart's values, turn off pod isolation.
const RISKY_TRUE = new Set(["privileged", "hostNetwork", "hostPID", "hostIPC", "allowPrivilegeEscalation"]);

function riskyPaths(value: unknown, path: string, out: string[], depth = 0): void {
    if (depth > 32) return;
    if (Array.isArray(value)) {
        value.forEach((v, i) => riskyPaths(v, `${path}[${i}]`, out, depth + 1));
        return;
    }
    if (!isObj(value)) return;
    for (const [k, v] of Object.entries(value)) {
        const p = path ? `${path}.${k}` : k;
        if (RISKY_TRUE.has(k) && v === true) out.push(`${p}: true`);
        else if (k === "runAsUser" && v === 0) out.push(`${p}: 0`);
        else riskyPaths(v, p, out, depth + 1);
    }
}

/**
 * A helm.sh/v3 Release hides its rendered objects from CrossGuard, so its values are judged
 * instead: pod-isolation switches anywhere, and the security settings of the charts this platform runs.
 */
export const releaseSecurityValues = resourcePolicy({
    name: "helm:release-security-values",
    description:
        "Helm values do not switch off pod isolation, and Vault's chart runs with TLS, outside dev mode, with a failing-closed injector.",
    severity: "high",
    remediation:
        "Remove privileged/host* switches from values; for Vault set global.tlsDisable: false, server.dev.enabled: false and injector.failurePolicy: Fail.",
    controls: { ...WORKLOAD_ISOLATION, "SOC 2": ["CC6.1", "CC6.7", "CC6.8"] },
    appliesTo: (type) => HELM.test(type),
    check(resource, report) {
        const values = obj(resource.props.values);
        const risky: string[] = [];
        riskyPaths(values, "", risky);
        if (risky.length) report.violation(`values switch off pod isolation: ${risky.join(", ")}`);
        const chart = (str(resource.props.chart) ?? "").split("/").pop();
        if (chart === "vault") {
            // The chart's default is tlsDisable: true, so TLS must be switched on explicitly.
            if (at(values, "global.tlsDisable") !== false)
                report.violation("Vault chart without global.tlsDisable: false serves plain HTTP");
            if (at(values, "server.dev.enabled") === true)
                report.violation("Vault chart runs in dev mode (in-memory, unsealed, root token)");
            if (at(values, "injector.failurePolicy") === "Ignore")
                report.violation("Vault injector failurePolicy Ignore starts pods without their secrets");
        }
    },
});
