import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { MANAGED_BY, podSecurityLabels } from "./baseline";

export interface SystemNamespaceArgs {
    name: string;
    kubernetesVersion: string;
    /** restricted unless the namespace's workloads truly need more; anything else states why. */
    podSecurity: "restricted" | "baseline" | "privileged";
    /** Audit and warn at a stricter level than enforce, so that what only enforce admits stays visible. */
    auditAndWarn?: "restricted" | "baseline";
    /** Required when podSecurity is not restricted: why these workloads need it. Shown on the namespace. */
    reason?: string;
    labels?: Record<string, string>;
}

/**
 * A namespace for a platform component (istio-system, vault, monitoring, ...). Its Pod Security level and
 * the reason for anything below restricted sit on the namespace itself, where auditors and the policy pack read them.
 */
export function systemNamespace(
    resourceName: string,
    args: SystemNamespaceArgs,
    opts: pulumi.CustomResourceOptions,
): k8s.core.v1.Namespace {
    if (args.podSecurity !== "restricted" && !args.reason) {
        throw new Error(`namespace ${args.name}: Pod Security level ${args.podSecurity} needs a reason`);
    }
    return new k8s.core.v1.Namespace(
        resourceName,
        {
            metadata: {
                name: args.name,
                labels: {
                    ...args.labels,
                    ...MANAGED_BY,
                    ...podSecurityLabels(args.podSecurity, args.kubernetesVersion, args.auditAndWarn),
                },
                annotations: args.reason ? { "secure-platform/pod-security-reason": args.reason } : {},
            },
        },
        opts,
    );
}
