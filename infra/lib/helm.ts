import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

export interface PinnedChart {
    chart: string;
    /** An exact chart version; ranges are rejected by config validation. */
    version: string;
    repo: string;
}

export interface HelmReleaseArgs extends PinnedChart {
    namespace: pulumi.Input<string>;
    values: pulumi.Input<Record<string, unknown>>;
    /** Seconds Helm waits for the release to become ready before it fails and rolls back. */
    timeoutSeconds?: number;
    /**
     * Do not wait for readiness (and so do not roll back: Helm's atomic install always waits). For charts whose
     * pods become ready only after a later step, such as Vault's, which a bootstrap Job must initialise first.
     */
    skipAwait?: boolean;
    /** Leave the chart's crds/ folder to the program, which applies and upgrades it (Helm installs it once, never upgrades it). */
    skipCrds?: boolean;
}

/**
 * A Helm release (helm.sh/v3 Release) installed atomically: Helm waits for readiness and rolls back
 * on failure, the release is visible to `helm list`/`helm history`, and chart hooks run as Helm runs them.
 * The namespace is created beforehand by the component, with its Pod Security labels.
 */
export function helmRelease(name: string, args: HelmReleaseArgs, opts: pulumi.CustomResourceOptions): k8s.helm.v3.Release {
    return new k8s.helm.v3.Release(
        name,
        {
            name,
            chart: args.chart,
            version: args.version,
            repositoryOpts: { repo: args.repo },
            namespace: args.namespace,
            createNamespace: false,
            atomic: !args.skipAwait,
            ...(args.skipAwait ? { skipAwait: true } : {}),
            ...(args.skipCrds ? { skipCrds: true } : {}),
            cleanupOnFail: true,
            timeout: args.timeoutSeconds ?? 600,
            values: args.values,
        },
        opts,
    );
}
