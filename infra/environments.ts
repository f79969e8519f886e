/** The environments a stack can be; each brings its own defaults and strictness. */
export const ENVIRONMENTS = ["local", "dev", "staging", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export interface EnvironmentDefaults {
    /** Retention of control-plane, flow and audit logs, in days. */
    logRetentionDays: number;
    /** Resources whose loss loses data or access (KMS keys, the cluster, log groups, buckets) are protected. */
    protect: boolean;
    /** Minimum nodes across all node groups, so that three-replica workloads spread. */
    minimumNodes: number;
}

export const ENVIRONMENT_DEFAULTS: Record<Environment, EnvironmentDefaults> = {
    local: { logRetentionDays: 7, protect: false, minimumNodes: 1 },
    dev: { logRetentionDays: 90, protect: false, minimumNodes: 1 },
    staging: { logRetentionDays: 365, protect: true, minimumNodes: 2 },
    prod: { logRetentionDays: 365, protect: true, minimumNodes: 3 },
};
