import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

export interface WorkloadRoleArgs {
    namespace: string;
    serviceAccount: string;
    /** The role's inline policy, an IAM policy document as JSON. */
    policy: pulumi.Input<string>;
}

/** Grants a Kubernetes service account an AWS role: EKS Pod Identity or IRSA, as the cluster is set up. */
export interface WorkloadIdentity {
    roleFor(
        name: string,
        args: WorkloadRoleArgs,
        opts: pulumi.CustomResourceOptions,
    ): {
        roleArn: pulumi.Output<string>;
        /** Annotations the service account needs (IRSA's role ARN); empty with Pod Identity. */
        serviceAccountAnnotations: Record<string, pulumi.Output<string>>;
        /**
         * What pods of that account must start after: the Pod Identity association (EKS injects credentials
         * only when a pod is created); empty with IRSA, whose annotation travels with the account.
         */
        credentialsReady: pulumi.Resource[];
    };
}

export interface AwsContext {
    region: string;
    accountId: pulumi.Output<string>;
    partition: pulumi.Output<string>;
}

/** What every later component needs from the cluster, whichever way it was provided. */
export interface PlatformCluster {
    name: pulumi.Output<string>;
    endpoint: pulumi.Output<string>;
    provider: k8s.Provider;
    /** A kubeconfig for operators, marked secret; absent for an existing cluster (use your own context). */
    kubeconfig?: pulumi.Output<string>;
    /** Resources that must exist before workloads can be scheduled (node groups, networking add-ons, storage). */
    ready: pulumi.Resource[];
    /**
     * The StorageClass every claim names when config names none: the one the cluster creates (in `ready`).
     * Absent for an existing cluster, whose claims take that cluster's default class.
     */
    storageClass?: string;
    /** Present on EKS only. */
    aws?: AwsContext & { workloadIdentity: WorkloadIdentity };
    /** The VPC the cluster runs in (created or adopted), on EKS only. */
    network?: { vpcId: pulumi.Output<string>; cidr: string; privateSubnetIds: pulumi.Output<string>[] };
}
