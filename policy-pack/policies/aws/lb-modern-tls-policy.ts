import { z } from "zod";
import { TRANSMISSION_SECURITY } from "../../lib/controls";
import { LISTENER_TYPES } from "../../lib/aws-types";
import { resourcePolicy } from "../../lib/define";
import { str } from "../../lib/values";

// ELB policy names state their minimum protocol: TLS13-1-2, TLS13-1-3, TLS-1-2 and FS-1-2 accept TLS 1.2 or later
// only, while the provider's default (ELBSecurityPolicy-2016-08) and the -1-0 and -1-1 policies accept TLS 1.0 or 1.1.
const TLS12_OR_LATER = /^ELBSecurityPolicy-(TLS13-1-[23]|TLS-1-2|FS-1-2)-/;
const PROVIDER_DEFAULT = "ELBSecurityPolicy-2016-08";

export const lbModernTlsPolicy = resourcePolicy({
    name: "aws:lb-modern-tls-policy",
    description:
        "HTTPS and TLS listeners use a security policy that accepts TLS 1.2 or later only (the provider's default accepts TLS 1.0).",
    severity: "high",
    enforcementLevel: "advisory",
    remediation: 'Set sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" (or another TLS 1.2+ policy, or one listed in allowedSslPolicies).',
    controls: { ...TRANSMISSION_SECURITY, "CIS EKS": ["5.4.5"] },
    config: z.object({
        allowedSslPolicies: z
            .array(z.string().min(1))
            .default([])
            .describe(
                "Further security policies accepted besides the TLS 1.2+ ELBSecurityPolicy ones (for example a FIPS policy the organisation reviewed).",
            ),
    }),
    appliesTo: (type) => LISTENER_TYPES.includes(type),
    check(resource, report, config) {
        const protocol = str(resource.props.protocol)?.toUpperCase();
        if (protocol !== "HTTPS" && protocol !== "TLS") return;
        const policy = str(resource.props.sslPolicy);
        if (policy === undefined) {
            if (resource.props.sslPolicy === undefined)
                report.violation(`sslPolicy is not set, so the listener uses ${PROVIDER_DEFAULT} (TLS 1.0 and later)`);
            return;
        }
        if (!TLS12_OR_LATER.test(policy) && !config.allowedSslPolicies.includes(policy))
            report.violation(`sslPolicy ${policy} accepts protocols older than TLS 1.2`);
    },
});
