import { z } from "zod";
import { dnsLabel, quantity } from "../lib/schema";

/** Namespaces the platform never manages as application namespaces. */
export const SYSTEM_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"] as const;

const containerDefaults = z.strictObject({
    cpuRequest: quantity.default("100m"),
    memoryRequest: quantity.default("128Mi"),
    cpuLimit: quantity.default("500m"),
    memoryLimit: quantity.default("512Mi"),
});

const quota = z.strictObject({
    requestsCpu: quantity.default("4"),
    requestsMemory: quantity.default("8Gi"),
    limitsCpu: quantity.default("8"),
    limitsMemory: quantity.default("16Gi"),
    pods: z.number().int().min(1).max(10000).default(50),
    services: z.number().int().min(0).max(1000).default(20),
    persistentVolumeClaims: z.number().int().min(0).max(1000).default(10),
});

export const namespaceSchema = z.strictObject({
    name: dnsLabel.refine((name) => !(SYSTEM_NAMESPACES as readonly string[]).includes(name), {
        message: `must not be a system namespace (${SYSTEM_NAMESPACES.join(", ")})`,
    }),
    /** Pod Security Standard enforced; anything weaker than restricted must say why. */
    podSecurity: z.enum(["restricted", "baseline"]).default("restricted"),
    podSecurityReason: z.string().min(10).optional(),
    containerDefaults: containerDefaults.default(containerDefaults.parse({})),
    quota: quota.default(quota.parse({})),
    labels: z.record(z.string(), z.string()).default({}),
});

export type NamespaceConfig = z.infer<typeof namespaceSchema>;
