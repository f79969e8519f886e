import { z } from "zod";
import { awsRegion, cidr, dnsLabel, iamPrincipalArn, iamRoleArn, kubernetesVersion, retentionDays } from "../lib/schema";
import type { EnvironmentDefaults } from "../environments";

/** Kubernetes access granted to an IAM principal through an EKS access entry. */
export const EKS_ACCESS_POLICIES = {
    "cluster-admin": "AmazonEKSClusterAdminPolicy",
    admin: "AmazonEKSAdminPolicy",
    edit: "AmazonEKSEditPolicy",
    view: "AmazonEKSViewPolicy",
} as const;

export type EksAccessLevel = keyof typeof EKS_ACCESS_POLICIES;

/** The service-linked role EC2 Auto Scaling acts as (managed node groups launch through it). */
export const AUTO_SCALING_ROLE_NAME = "AWSServiceRoleForAutoScaling";
export const AUTO_SCALING_ROLE_MODES = ["create", "existing"] as const;

const accessEntry = z.strictObject({
    principalArn: iamPrincipalArn,
    access: z.enum(Object.keys(EKS_ACCESS_POLICIES) as [EksAccessLevel, ...EksAccessLevel[]]),
    /** Limits admin, edit or view to these namespaces; cluster-admin is always cluster-wide. */
    namespaces: z.array(dnsLabel).min(1).optional(),
});

const nodeGroup = z.strictObject({
    name: dnsLabel,
    instanceTypes: z.array(z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, "must be an EC2 instance type such as m6i.large")).min(1),
    capacityType: z.enum(["ON_DEMAND", "SPOT"]).default("ON_DEMAND"),
    amiType: z
        .enum(["AL2023_x86_64_STANDARD", "AL2023_ARM_64_STANDARD", "BOTTLEROCKET_x86_64", "BOTTLEROCKET_ARM_64"])
        .default("AL2023_x86_64_STANDARD"),
    minSize: z.number().int().min(0).max(450),
    desiredSize: z.number().int().min(0).max(450),
    maxSize: z.number().int().min(1).max(450),
    diskSizeGiB: z.number().int().min(20).max(16384).default(50),
    labels: z.record(z.string(), z.string()).default({}),
    /**
     * Who sets the group's desired size: "pulumi" (the config's desiredSize, enforced at every up) or
     * "autoscaler" (a cluster autoscaler the team runs, which EKS's managed node groups are tagged for; Pulumi
     * then keeps min and max and leaves desiredSize to it). Ignoring desiredSize without an autoscaler would
     * hide every manual resize from Pulumi.
     */
    desiredSizeOwner: z.enum(["pulumi", "autoscaler"]).default("pulumi"),
});

const addonVersions = z.strictObject({
    vpcCni: z.string().optional(),
    coreDns: z.string().optional(),
    kubeProxy: z.string().optional(),
    ebsCsiDriver: z.string().optional(),
    podIdentityAgent: z.string().optional(),
});

export function eksClusterSchema(defaults: EnvironmentDefaults) {
    return z.strictObject({
        mode: z.literal("eks"),
        name: dnsLabel.max(40, "must be at most 40 characters so that derived IAM and log group names stay within AWS limits"),
        region: awsRegion,
        kubernetesVersion,
        vpc: z.strictObject({
            cidr,
            /** The private subnets' ranges: created here, or (with `existing`) those of the adopted subnets, in order. */
            privateSubnetCidrs: z.array(cidr).min(2, "needs at least two private subnets, in different availability zones").max(6),
            /** NAT gateways and internet-facing load balancers; none with `existing` (the network stack owns them). */
            publicSubnetCidrs: z.array(cidr).max(6).default([]),
            flowLogs: z.boolean().default(true),
            /**
             * Adopt the VPC and private subnets a network stack (landing zone) created first, where the deploy
             * runners and the VPN live, instead of creating them: the only way the first `pulumi up` can reach a
             * private endpoint is from a network that exists before the cluster.
             */
            existing: z
                .strictObject({
                    vpcId: z.string().regex(/^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/, "must be a VPC id such as vpc-0123456789abcdef0"),
                    privateSubnetIds: z
                        .array(
                            z.string().regex(/^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/, "must be a subnet id such as subnet-0123456789abcdef0"),
                        )
                        .min(2, "needs at least two private subnets, in different availability zones")
                        .max(6),
                })
                .optional(),
        }),
        /**
         * The ranges that reach the API on its private endpoint (443): the deploy runners' subnets and the VPN's
         * client range. EKS's cluster security group admits only itself; these are added to it, nothing else is.
         */
        apiAccessCidrs: z.array(cidr).default([]),
        /**
         * The IAM role the pull-request workflow assumes for `pulumi preview`: an access entry binds it to the
         * preview ClusterRole, whose rights are what a server-side dry run of this program needs.
         */
        previewRoleArn: iamRoleArn.optional(),
        serviceCidr: cidr.default("172.20.0.0/16"),
        endpoint: z
            .strictObject({
                /** Off by default: the API is reached from inside the VPC (VPN, bastion, CI runners in the VPC). */
                publicAccess: z.boolean().default(false),
                publicAccessCidrs: z.array(cidr).default([]),
            })
            .default({ publicAccess: false, publicAccessCidrs: [] }),
        logRetentionDays: retentionDays.default(defaults.logRetentionDays),
        kmsDeletionWindowDays: z.number().int().min(7).max(30).default(30),
        /**
         * EKS's support policy once the Kubernetes version leaves standard support: STANDARD upgrades the control
         * plane automatically at the end of standard support; EXTENDED keeps the version, billed at the extended
         * support rate. Set explicitly, because EKS's own default is EXTENDED.
         */
        upgradePolicy: z
            .strictObject({ supportType: z.enum(["STANDARD", "EXTENDED"]).default("STANDARD") })
            .default({ supportType: "STANDARD" }),
        workloadIdentity: z.enum(["pod-identity", "irsa"]).default("pod-identity"),
        /**
         * AWSServiceRoleForAutoScaling, which the volumes key's policy names: "create" where the account has
         * never had an Auto Scaling group (KMS refuses a policy naming a role that does not exist yet),
         * "existing" where it has the role (IAM refuses to create it twice); the stack then looks it up.
         */
        autoScalingServiceLinkedRole: z
            .enum(AUTO_SCALING_ROLE_MODES, {
                error: `must be "create" (the account has no ${AUTO_SCALING_ROLE_NAME} yet: the stack creates it) or "existing" (the account has it: the stack looks it up); see README.md, "Run it for real"`,
            })
            .default("create"),
        nodeGroups: z.array(nodeGroup).min(1),
        accessEntries: z
            .array(accessEntry)
            .min(1, "needs at least one entry with access cluster-admin: the principal that runs `pulumi up`"),
        addonVersions: addonVersions.default({}),
    });
}

export const existingClusterSchema = z.strictObject({
    mode: z.literal("existing"),
    name: dnsLabel,
    /** The kubeconfig context to deploy into (kind-secure-platform, k3d-dev, minikube). */
    context: z.string().min(1),
    /** Path to the kubeconfig file; the default is $KUBECONFIG or ~/.kube/config. */
    kubeconfigPath: z.string().min(1).optional(),
    kubernetesVersion,
});

export function clusterSchema(defaults: EnvironmentDefaults) {
    return z.discriminatedUnion("mode", [eksClusterSchema(defaults), existingClusterSchema]);
}

export type EksClusterConfig = z.infer<ReturnType<typeof eksClusterSchema>>;
export type ExistingClusterConfig = z.infer<typeof existingClusterSchema>;
export type ClusterConfig = EksClusterConfig | ExistingClusterConfig;

/**
 * Where the API server's webhook calls come from and where pods reach it: on EKS the control plane's ENIs
 * in the VPC; undefined for an existing cluster, whose node network the config does not name.
 */
/** The Kubernetes group the preview role's access entry puts it in, which the preview ClusterRole is bound to. */
export const PREVIEW_GROUP = "secure-platform:preview";

export function apiServerCidrs(cluster: ClusterConfig): string[] | undefined {
    return cluster.mode === "eks" ? [cluster.vpc.cidr] : undefined;
}
