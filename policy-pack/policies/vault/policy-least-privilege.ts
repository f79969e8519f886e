import { z } from "zod";
import { ACCESS_CONTROL } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";
import { str } from "../../lib/values";
import { parseVaultPolicy } from "./hcl";

const WRITE = new Set(["create", "update", "patch", "delete", "sudo"]);

/** The root path, or any path that globs across mounts. */
function isRoot(path: string): boolean {
    return path === "" || path === "*" || path === "+" || path.startsWith("+/") || path.startsWith("*");
}

/** A wildcard over sys/: `sys/*`, `sys/+/...`, `sys/policies/acl/*`. Exact sys/ paths (a snapshot) are allowed. */
function isSysWildcard(path: string): boolean {
    return (path === "sys" || path.startsWith("sys/")) && (path.includes("*") || path.split("/").includes("+"));
}

/** `secret/*`, `secret/data/*`, `+/data/*`: a grant over a whole mount. */
function isMountWide(path: string): boolean {
    if (!path.endsWith("*")) return false;
    const fixed = path
        .slice(0, -1)
        .split("/")
        .filter((s) => s !== "" && s !== "+");
    const meaningful = fixed.filter((s) => !["data", "metadata", "delete", "undelete", "destroy"].includes(s));
    return meaningful.length <= 1;
}

export const vaultPolicyLeastPrivilege = resourcePolicy({
    name: "vault:policy-least-privilege",
    description:
        "Vault policies (parsed as HCL) grant no sudo, no wildcard over sys/ or the root path, and no write over a whole mount, outside named admin policies.",
    severity: "critical",
    remediation:
        "Grant each service read on its own paths (secret/data/<service>/*) and exact sys/ paths only where needed; keep sudo and sys/ wildcards in the named admin policy.",
    controls: { ...ACCESS_CONTROL, "SOC 2": ["CC6.1", "CC6.3"] },
    config: z.object({
        adminPolicies: z.array(z.string()).default(["admin"]).describe("Policy names allowed to hold sudo and sys/ grants."),
    }),
    appliesTo: (type) => type === "vault:index/policy:Policy",
    async check(resource, report, config) {
        const name = str(resource.props.name) ?? resource.name;
        if (config.adminPolicies.includes(name)) return;
        const document = resource.props.policy;
        if (typeof document !== "string") return;
        let rules;
        try {
            rules = await parseVaultPolicy(document);
        } catch (e) {
            report.violation(`policy is not valid HCL: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
            return;
        }
        for (const rule of rules) {
            const granted = rule.capabilities.filter((c) => c !== "deny");
            if (granted.length === 0) continue;
            if (rule.capabilities.includes("sudo")) report.violation(`path "${rule.path}" grants sudo`);
            if (isRoot(rule.path)) report.violation(`path "${rule.path}" grants ${granted.join(", ")} on the root path`);
            else if (isSysWildcard(rule.path)) report.violation(`path "${rule.path}" grants ${granted.join(", ")} on a wildcard over sys/`);
            else if (isMountWide(rule.path) && granted.some((c) => WRITE.has(c))) {
                report.violation(`path "${rule.path}" grants ${granted.filter((c) => WRITE.has(c)).join(", ")} over a whole mount`);
            }
        }
    },
});
