import { TRANSMISSION_SECURITY } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";
import { isIstioKind } from "../../lib/kubernetes";
import { arr, obj } from "../../lib/values";

function weakTls(policy: unknown, where: string): string[] {
    const out: string[] = [];
    const tls = obj(obj(policy).tls);
    if (tls.mode === "DISABLE") out.push(`${where}.tls.mode is DISABLE`);
    if (tls.insecureSkipVerify === true) out.push(`${where}.tls.insecureSkipVerify is true`);
    arr(obj(policy).portLevelSettings).forEach((p, i) => {
        const portTls = obj(obj(p).tls);
        if (portTls.mode === "DISABLE") out.push(`${where}.portLevelSettings[${i}].tls.mode is DISABLE`);
        if (portTls.insecureSkipVerify === true) out.push(`${where}.portLevelSettings[${i}].tls.insecureSkipVerify is true`);
    });
    return out;
}

export const destinationRuleTls = resourcePolicy({
    name: "istio:destination-rule-tls",
    description: "DestinationRules do not downgrade TLS: no tls.mode DISABLE, no insecureSkipVerify (subsets and ports included).",
    severity: "high",
    remediation: "Use ISTIO_MUTUAL inside the mesh (or leave tls unset), SIMPLE/MUTUAL with verification outside it.",
    controls: TRANSMISSION_SECURITY,
    appliesTo: (type) => isIstioKind(type, "DestinationRule"),
    check(resource, report) {
        const spec = obj(resource.props.spec);
        const found = weakTls(spec.trafficPolicy, "trafficPolicy");
        arr(spec.subsets).forEach((s, i) => found.push(...weakTls(obj(s).trafficPolicy, `subsets[${i}].trafficPolicy`)));
        found.forEach((m) => report.violation(m));
    },
});
