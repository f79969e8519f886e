import { TRANSMISSION_SECURITY } from "../../lib/controls";
import { LISTENER_TYPES } from "../../lib/aws-types";
import { resourcePolicy } from "../../lib/define";
import { arr, obj, str } from "../../lib/values";

export const lbHttpToHttps = resourcePolicy({
    name: "aws:lb-http-to-https",
    description: "Load balancer listeners on plain HTTP only redirect to HTTPS: every default action is a redirect with protocol HTTPS.",
    severity: "high",
    enforcementLevel: "advisory",
    remediation:
        'Give the HTTP listener one default action { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } } and serve the application on an HTTPS listener.',
    controls: { ...TRANSMISSION_SECURITY, "CIS EKS": ["5.4.5"] },
    appliesTo: (type) => LISTENER_TYPES.includes(type),
    check(resource, report) {
        const p = resource.props;
        // An ALB listener without a protocol is HTTP; a Gateway Load Balancer's has neither protocol nor port.
        const protocol = str(p.protocol) ?? (p.port !== undefined ? "HTTP" : undefined);
        if (protocol?.toUpperCase() !== "HTTP") return;
        const actions = arr(p.defaultActions);
        if (actions.length === 0) report.violation("the HTTP listener has no default action that redirects to HTTPS");
        actions.forEach((action, i) => {
            const a = obj(action);
            if (a.type !== "redirect" || str(obj(a.redirect).protocol)?.toUpperCase() !== "HTTPS")
                report.violation(`defaultActions[${i}] (${str(a.type) ?? "no type"}) serves plain HTTP instead of redirecting to HTTPS`);
        });
    },
});
