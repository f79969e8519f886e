import { z } from "zod";
import { ACCESS_CONTROL } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";
import { num, strings, str } from "../../lib/values";

export const kubernetesAuthRole = resourcePolicy({
    name: "vault:kubernetes-auth-role",
    description: "Vault Kubernetes auth roles bind named service accounts in named namespaces, with bounded token TTLs and an audience.",
    severity: "high",
    remediation:
        "Set boundServiceAccountNames and boundServiceAccountNamespaces to exact names, tokenTtl/tokenMaxTtl within the limits, and audience.",
    controls: { ...ACCESS_CONTROL, HIPAA: ["164.312(a)(1)", "164.312(d)"] },
    config: z.object({
        maxTokenTtlSeconds: z.number().int().positive().default(3600),
        maxTokenMaxTtlSeconds: z.number().int().positive().default(86400),
    }),
    appliesTo: (type) => type === "vault:kubernetes/authBackendRole:AuthBackendRole",
    check(resource, report, config) {
        const p = resource.props;
        const names = strings(p.boundServiceAccountNames);
        const namespaces = strings(p.boundServiceAccountNamespaces);
        if (names.length === 0 || names.includes("*"))
            report.violation("boundServiceAccountNames must list named service accounts, not * or nothing");
        if (str(p.boundServiceAccountNamespaceSelector) === undefined && (namespaces.length === 0 || namespaces.includes("*"))) {
            report.violation("boundServiceAccountNamespaces must list named namespaces, not * or nothing");
        }
        const ttl = num(p.tokenTtl);
        const maxTtl = num(p.tokenMaxTtl);
        if (ttl === undefined || ttl <= 0 || ttl > config.maxTokenTtlSeconds)
            report.violation(`tokenTtl must be set and at most ${config.maxTokenTtlSeconds}s`);
        if (maxTtl === undefined || maxTtl <= 0 || maxTtl > config.maxTokenMaxTtlSeconds)
            report.violation(`tokenMaxTtl must be set and at most ${config.maxTokenMaxTtlSeconds}s`);
        if (!str(p.audience)) report.violation("audience must be set so tokens minted for other audiences are refused");
    },
});
