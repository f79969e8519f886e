import { TRANSMISSION_SECURITY } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";
import { isIstioKind } from "../../lib/kubernetes";
import { obj } from "../../lib/values";

const WEAK = new Set(["PERMISSIVE", "DISABLE"]);

export const peerAuthenticationStrict = resourcePolicy({
    name: "istio:peer-authentication-strict",
    description: "PeerAuthentication never relaxes mutual TLS: no PERMISSIVE or DISABLE mode, port-level included.",
    severity: "critical",
    remediation: "Set mtls.mode to STRICT (or leave it UNSET to inherit) and remove PERMISSIVE/DISABLE portLevelMtls entries.",
    controls: TRANSMISSION_SECURITY,
    appliesTo: (type) => isIstioKind(type, "PeerAuthentication"),
    check(resource, report) {
        const spec = obj(resource.props.spec);
        const mode = obj(spec.mtls).mode;
        if (typeof mode === "string" && WEAK.has(mode)) report.violation(`mtls.mode is ${mode}`);
        for (const [port, setting] of Object.entries(obj(spec.portLevelMtls))) {
            const portMode = obj(setting).mode;
            if (typeof portMode === "string" && WEAK.has(portMode)) report.violation(`portLevelMtls[${port}].mode is ${portMode}`);
        }
    },
});
