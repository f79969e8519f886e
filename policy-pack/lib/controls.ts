import type { ComplianceControls } from "./types";

/** Flattens controls to "Framework id" labels for reports and SARIF tags. */
export function controlLabels(controls: ComplianceControls): string[] {
    const labels: string[] = [];
    for (const [framework, ids] of Object.entries(controls)) {
        for (const id of ids ?? []) labels.push(`${framework} ${id}`);
    }
    return labels;
}

// Controls shared by many policies, so the mapping is stated once.
export const WORKLOAD_ISOLATION: ComplianceControls = {
    "SOC 2": ["CC6.1", "CC6.8"],
    "ISO 27001:2022": ["A.8.2", "A.8.9"],
    HIPAA: ["164.312(a)(1)"],
    GDPR: ["Art. 32(1)(b)"],
};

export const ACCESS_CONTROL: ComplianceControls = {
    "SOC 2": ["CC6.1", "CC6.3"],
    "ISO 27001:2022": ["A.5.15", "A.8.2"],
    HIPAA: ["164.312(a)(1)"],
    GDPR: ["Art. 32(1)(b)"],
};

export const TRANSMISSION_SECURITY: ComplianceControls = {
    "SOC 2": ["CC6.7"],
    "ISO 27001:2022": ["A.8.20", "A.8.24"],
    HIPAA: ["164.312(e)(1)"],
    GDPR: ["Art. 32(1)(a)"],
};

export const ENCRYPTION_AT_REST: ComplianceControls = {
    "SOC 2": ["CC6.1"],
    "ISO 27001:2022": ["A.8.24"],
    HIPAA: ["164.312(a)(2)(iv)"],
    GDPR: ["Art. 32(1)(a)"],
};

export const AUDIT_LOGGING: ComplianceControls = {
    "SOC 2": ["CC7.2"],
    "ISO 27001:2022": ["A.8.15", "A.8.16"],
    HIPAA: ["164.312(b)"],
    GDPR: ["Art. 32(1)(d)"],
};

export const CHANGE_INTEGRITY: ComplianceControls = {
    "SOC 2": ["CC8.1"],
    "ISO 27001:2022": ["A.8.32", "A.8.19"],
    HIPAA: ["164.312(c)(1)"],
    GDPR: ["Art. 32(1)(b)"],
};

export const BACKUP_RECOVERY: ComplianceControls = {
    "SOC 2": ["A1.2"],
    "ISO 27001:2022": ["A.8.13"],
    GDPR: ["Art. 32(1)(c)"],
};

/** Redundancy across failure domains (Multi-AZ), so one zone's outage loses no data and little time. */
export const RESILIENCE: ComplianceControls = {
    "SOC 2": ["A1.2"],
    "ISO 27001:2022": ["A.8.14"],
    GDPR: ["Art. 32(1)(b)", "Art. 32(1)(c)"],
};

/** A data store or endpoint reachable from outside the network boundary. */
export const NETWORK_EXPOSURE: ComplianceControls = {
    "SOC 2": ["CC6.1", "CC6.6"],
    "ISO 27001:2022": ["A.8.20", "A.8.22"],
    HIPAA: ["164.312(a)(1)"],
    GDPR: ["Art. 32(1)(b)"],
};

/** Controls of a Pod Security Standards policy, plus the PSS control itself. */
export function pssControls(level: "baseline" | "restricted", control: string, cisEks: string[] = ["4.2"]): ComplianceControls {
    return { ...WORKLOAD_ISOLATION, "CIS EKS": cisEks, PSS: [`${level}/${control}`] };
}
