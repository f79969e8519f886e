import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AUTO_SCALING_ROLE_NAME, EKS_ACCESS_POLICIES, PREVIEW_GROUP, type EksClusterConfig } from "./config";
import { ebsKeyUsage, irsaTrust, keyPolicy, podIdentityTrust, serviceTrust } from "./iam-documents";
import { eksKubeconfig } from "./kubeconfig";
import { ClusterNetwork } from "./network";
import { previewClusterRole, previewClusterRoleBinding } from "./preview-access";
import type { PlatformCluster, WorkloadIdentity, WorkloadRoleArgs } from "./platform-cluster";
import { EKS_STORAGE_CLASS, ebsStorageClass } from "./storage-class";

export interface EksClusterArgs {
    config: EksClusterConfig;
    /** staging and prod: keys, the cluster and log groups cannot be deleted by a stray `pulumi destroy`. */
    protect: boolean;
    /** One NAT gateway per zone (staging, prod) or one in all (dev). */
    natGatewayPerZone: boolean;
}

/** Every control-plane log type EKS offers. */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

/**
 * An EKS cluster hardened as the platform requires: private API endpoint, secrets envelope-encrypted with
 * a rotating customer key, every control-plane log kept encrypted, access entries instead of aws-auth,
 * nodes with IMDSv2 and encrypted volumes, and the VPC CNI enforcing NetworkPolicy.
 */
export class EksCluster extends pulumi.ComponentResource implements PlatformCluster {
    readonly name: pulumi.Output<string>;
    readonly endpoint: pulumi.Output<string>;
    readonly provider: k8s.Provider;
    readonly kubeconfig: pulumi.Output<string>;
    readonly ready: pulumi.Resource[];
    readonly aws: PlatformCluster["aws"];
    readonly oidcIssuer: pulumi.Output<string>;
    readonly storageClass = EKS_STORAGE_CLASS;
    readonly network: PlatformCluster["network"];

    constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("secure-platform:cluster:EksCluster", name, {}, opts);
        const { config, protect } = args;
        const parent = { parent: this };
        const kept = { parent: this, protect };
        const tags = { "secure-platform/cluster": config.name };
        const identity = aws.getCallerIdentityOutput({}, parent);
        const partition = aws.getPartitionOutput({}, parent).partition;
        const accountId = identity.accountId;

        const key = (
            purpose: string,
            description: string,
            services: { logs?: boolean; autoScalingRole?: { arn: pulumi.Output<string>; resource?: pulumi.Resource } },
        ) =>
            new aws.kms.Key(
                `${name}-${purpose}`,
                {
                    description: `${config.name}: ${description}`,
                    enableKeyRotation: true,
                    rotationPeriodInDays: 365,
                    deletionWindowInDays: config.kmsDeletionWindowDays,
                    policy: pulumi.all([partition, accountId, services.autoScalingRole?.arn]).apply(([p, account, autoScalingRoleArn]) =>
                        JSON.stringify(
                            keyPolicy({
                                partition: p,
                                accountId: account,
                                region: config.region,
                                allowCloudWatchLogs: services.logs,
                                autoScalingRoleArn,
                            }),
                        ),
                    ),
                    tags,
                },
                { ...kept, dependsOn: services.autoScalingRole?.resource ? [services.autoScalingRole.resource] : [] },
            );
        const secretsKey = key("secrets", "envelope encryption of Kubernetes secrets", {});
        const logsKey = key("logs", "control-plane and flow logs", { logs: true });
        const volumesKey = key("volumes", "node and persistent volumes", { autoScalingRole: this.autoScalingRole(name, config) });
        for (const [purpose, k] of [
            ["secrets", secretsKey],
            ["logs", logsKey],
            ["volumes", volumesKey],
        ] as const) {
            new aws.kms.Alias(`${name}-${purpose}`, { name: `alias/${config.name}-${purpose}`, targetKeyId: k.keyId }, parent);
        }

        const network = new ClusterNetwork(
            name,
            {
                clusterName: config.name,
                cidr: config.vpc.cidr,
                privateSubnetCidrs: config.vpc.privateSubnetCidrs,
                publicSubnetCidrs: config.vpc.publicSubnetCidrs,
                natGatewayPerZone: args.natGatewayPerZone,
                flowLogs: config.vpc.flowLogs,
                ...(config.vpc.existing ? { existing: config.vpc.existing } : {}),
                logRetentionDays: config.logRetentionDays,
                logKeyArn: logsKey.arn,
                protect,
            },
            parent,
        );

        // EKS writes to this exact name; creating it first is how retention and encryption get set.
        const controlPlaneLogs = new aws.cloudwatch.LogGroup(
            `${name}-control-plane`,
            {
                name: `/aws/eks/${config.name}/cluster`,
                retentionInDays: config.logRetentionDays,
                kmsKeyId: logsKey.arn,
                tags,
            },
            kept,
        );

        const clusterRole = new aws.iam.Role(
            `${name}-cluster`,
            {
                assumeRolePolicy: JSON.stringify(serviceTrust("eks.amazonaws.com", ["sts:AssumeRole", "sts:TagSession"])),
                tags,
            },
            parent,
        );
        const clusterPolicy = new aws.iam.RolePolicyAttachment(
            `${name}-cluster`,
            {
                role: clusterRole.name,
                policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/AmazonEKSClusterPolicy`,
            },
            parent,
        );

        const cluster = new aws.eks.Cluster(
            name,
            {
                name: config.name,
                version: config.kubernetesVersion,
                roleArn: clusterRole.arn,
                vpcConfig: {
                    subnetIds: network.privateSubnetIds,
                    endpointPrivateAccess: true,
                    endpointPublicAccess: config.endpoint.publicAccess,
                    // EKS reads an empty list as 0.0.0.0/0; the endpoint is off unless an allowlist is given.
                    publicAccessCidrs: config.endpoint.publicAccess ? config.endpoint.publicAccessCidrs : undefined,
                },
                kubernetesNetworkConfig: { serviceIpv4Cidr: config.serviceCidr, ipFamily: "ipv4" },
                encryptionConfig: { provider: { keyArn: secretsKey.arn }, resources: ["secrets"] },
                enabledClusterLogTypes: CONTROL_PLANE_LOG_TYPES,
                accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
                // Only the managed add-ons below run; nothing self-managed to drift from them.
                bootstrapSelfManagedAddons: false,
                upgradePolicy: { supportType: config.upgradePolicy.supportType },
                deletionProtection: protect,
                tags,
            },
            { ...kept, dependsOn: [controlPlaneLogs, clusterPolicy, ...network.ready] },
        );

        this.name = cluster.name;
        this.endpoint = cluster.endpoint;
        this.network = { vpcId: network.vpcId, cidr: network.cidr, privateSubnetIds: network.privateSubnetIds };

        // The cluster security group EKS creates admits only itself (control plane and nodes): the runners and
        // the VPN reach the private endpoint through these rules, and nothing else does.
        const clusterSecurityGroupId = cluster.vpcConfig.apply((vpc) => vpc.clusterSecurityGroupId ?? "");
        const apiAccess = config.apiAccessCidrs.map(
            (cidrIpv4, i) =>
                new aws.vpc.SecurityGroupIngressRule(
                    `${name}-api-access-${i}`,
                    {
                        securityGroupId: clusterSecurityGroupId,
                        description: `Kubernetes API (private endpoint) from ${cidrIpv4}`,
                        ipProtocol: "tcp",
                        fromPort: 443,
                        toPort: 443,
                        cidrIpv4,
                        tags,
                    },
                    parent,
                ),
        );
        this.oidcIssuer = cluster.identities.apply((ids) => ids[0]?.oidcs?.[0]?.issuer ?? "");

        const accessAssociations = config.accessEntries.map((entry, i) => {
            const accessEntry = new aws.eks.AccessEntry(
                `${name}-access-${i}`,
                {
                    clusterName: cluster.name,
                    principalArn: entry.principalArn,
                    type: "STANDARD",
                    tags,
                },
                parent,
            );
            return new aws.eks.AccessPolicyAssociation(
                `${name}-access-${i}`,
                {
                    clusterName: cluster.name,
                    principalArn: accessEntry.principalArn,
                    policyArn: pulumi.interpolate`arn:${partition}:eks::aws:cluster-access-policy/${EKS_ACCESS_POLICIES[entry.access]}`,
                    accessScope: entry.namespaces ? { type: "namespace", namespaces: entry.namespaces } : { type: "cluster" },
                },
                parent,
            );
        });

        // The preview role: an access entry in the preview group and no EKS access policy; its rights are the
        // preview ClusterRole's below (the Kubernetes side of a dry run).
        const previewEntry = config.previewRoleArn
            ? new aws.eks.AccessEntry(
                  `${name}-preview`,
                  {
                      clusterName: cluster.name,
                      principalArn: config.previewRoleArn,
                      type: "STANDARD",
                      kubernetesGroups: [PREVIEW_GROUP],
                      tags,
                  },
                  parent,
              )
            : undefined;

        const workloadIdentity = this.createWorkloadIdentity(name, config, cluster, partition, tags);

        const addon = (addonName: string, version: string | undefined, extra: Partial<aws.eks.AddonArgs>, dependsOn: pulumi.Resource[]) =>
            new aws.eks.Addon(
                `${name}-${addonName}`,
                {
                    clusterName: cluster.name,
                    addonName,
                    addonVersion: version,
                    resolveConflictsOnCreate: "OVERWRITE",
                    resolveConflictsOnUpdate: "OVERWRITE",
                    tags,
                    ...extra,
                },
                { parent: this, dependsOn },
            );

        const podIdentityAgent =
            config.workloadIdentity === "pod-identity"
                ? [addon("eks-pod-identity-agent", config.addonVersions.podIdentityAgent, {}, [])]
                : [];
        const cniRole = workloadIdentity.addonRole(
            `${name}-vpc-cni`,
            {
                namespace: "kube-system",
                serviceAccount: "aws-node",
                managedPolicies: ["AmazonEKS_CNI_Policy"],
            },
            parent,
        );
        const vpcCni = addon(
            "vpc-cni",
            config.addonVersions.vpcCni,
            {
                configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }),
                ...cniRole.addonIdentity,
            },
            podIdentityAgent,
        );
        const kubeProxy = addon("kube-proxy", config.addonVersions.kubeProxy, {}, []);

        const nodeRole = new aws.iam.Role(
            `${name}-node`,
            {
                assumeRolePolicy: JSON.stringify(serviceTrust("ec2.amazonaws.com")),
                tags,
            },
            parent,
        );
        // The CNI's permissions sit on its own service account (above), not on every node.
        const nodePolicies = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly"].map(
            (policy) =>
                new aws.iam.RolePolicyAttachment(
                    `${name}-node-${policy}`,
                    {
                        role: nodeRole.name,
                        policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/${policy}`,
                    },
                    parent,
                ),
        );

        const nodeGroups = config.nodeGroups.map((group) => {
            const bottlerocket = group.amiType.startsWith("BOTTLEROCKET");
            const template = new aws.ec2.LaunchTemplate(
                `${name}-${group.name}`,
                {
                    description: `${config.name} node group ${group.name}`,
                    metadataOptions: {
                        httpEndpoint: "enabled",
                        httpTokens: "required",
                        // One hop: pods (one hop further) cannot reach the node's instance credentials.
                        httpPutResponseHopLimit: 1,
                        instanceMetadataTags: "disabled",
                    },
                    // One-minute node metrics: node-exporter is off (infra/monitoring/values.ts), so CloudWatch is the nodes' only metrics.
                    monitoring: { enabled: true },
                    blockDeviceMappings: [
                        {
                            deviceName: bottlerocket ? "/dev/xvdb" : "/dev/xvda",
                            ebs: {
                                volumeSize: group.diskSizeGiB,
                                volumeType: "gp3",
                                encrypted: "true",
                                kmsKeyId: volumesKey.arn,
                                deleteOnTermination: "true",
                            },
                        },
                    ],
                    tagSpecifications: [{ resourceType: "instance", tags: { ...tags, Name: `${config.name}-${group.name}` } }],
                    tags,
                },
                parent,
            );
            return new aws.eks.NodeGroup(
                `${name}-${group.name}`,
                {
                    clusterName: cluster.name,
                    nodeGroupName: group.name,
                    nodeRoleArn: nodeRole.arn,
                    subnetIds: network.privateSubnetIds,
                    instanceTypes: group.instanceTypes,
                    capacityType: group.capacityType,
                    amiType: group.amiType,
                    scalingConfig: { minSize: group.minSize, desiredSize: group.desiredSize, maxSize: group.maxSize },
                    updateConfig: { maxUnavailable: 1 },
                    launchTemplate: { id: template.id, version: pulumi.interpolate`${template.latestVersion}` },
                    labels: group.labels,
                    tags,
                },
                {
                    parent: this,
                    dependsOn: [...nodePolicies, vpcCni, kubeProxy, ...podIdentityAgent],
                    // Only an autoscaler that owns the desired size may change it behind Pulumi's back.
                    ...(group.desiredSizeOwner === "autoscaler" ? { ignoreChanges: ["scalingConfig.desiredSize"] } : {}),
                },
            );
        });

        const coreDns = addon("coredns", config.addonVersions.coreDns, {}, nodeGroups);
        const ebsRole = workloadIdentity.addonRole(
            `${name}-ebs-csi`,
            {
                namespace: "kube-system",
                serviceAccount: "ebs-csi-controller-sa",
                managedPolicies: ["AmazonEBSCSIDriverPolicy"],
                policy: volumesKey.arn.apply((arn) => JSON.stringify(ebsKeyUsage(arn))),
            },
            parent,
        );
        const ebsCsi = addon("aws-ebs-csi-driver", config.addonVersions.ebsCsiDriver, { ...ebsRole.addonIdentity }, nodeGroups);

        this.kubeconfig = pulumi.secret(
            pulumi
                .all([cluster.name, cluster.endpoint, cluster.certificateAuthority])
                .apply(([clusterName, endpoint, ca]) =>
                    eksKubeconfig({ clusterName, region: config.region, endpoint, certificateAuthorityData: ca.data ?? "" }),
                ),
        );
        this.provider = new k8s.Provider(
            `${name}-k8s`,
            {
                kubeconfig: this.kubeconfig,
                enableServerSideApply: true,
            },
            // Every Kubernetes resource waits until the deployer has its access and the runners their route in.
            { parent: this, dependsOn: [...accessAssociations, ...apiAccess] },
        );
        if (previewEntry) {
            const role = new k8s.rbac.v1.ClusterRole(`${name}-preview`, previewClusterRole(), { parent: this, provider: this.provider });
            new k8s.rbac.v1.ClusterRoleBinding(`${name}-preview`, previewClusterRoleBinding(), {
                parent: this,
                provider: this.provider,
                dependsOn: [role, previewEntry],
            });
        }

        // EKS 1.30 and later create no default StorageClass: without this one every claim stays Pending.
        const storageClass = new k8s.storage.v1.StorageClass(
            `${name}-${EKS_STORAGE_CLASS}`,
            ebsStorageClass({
                kmsKeyArn: volumesKey.arn,
                reclaimPolicy: protect ? "Retain" : "Delete",
            }),
            { parent: this, provider: this.provider, dependsOn: [ebsCsi] },
        );

        this.ready = [...nodeGroups, vpcCni, coreDns, ebsCsi, storageClass];
        this.aws = {
            region: config.region,
            accountId,
            partition,
            workloadIdentity: { roleFor: workloadIdentity.workloadRole },
        };
        this.registerOutputs({ name: this.name, endpoint: this.endpoint, oidcIssuer: this.oidcIssuer, kubeconfig: this.kubeconfig });
    }

    /**
     * Auto Scaling's service-linked role, before the volumes key whose policy names it. Created, it is kept
     * on destroy (retainOnDelete): it is the account's, every Auto Scaling group of the account uses it, and
     * IAM refuses to delete it while one exists. "existing" looks it up: the preview fails if it is absent.
     */
    private autoScalingRole(name: string, config: EksClusterConfig): { arn: pulumi.Output<string>; resource?: pulumi.Resource } {
        if (config.autoScalingServiceLinkedRole === "existing") {
            return { arn: aws.iam.getRoleOutput({ name: AUTO_SCALING_ROLE_NAME }, { parent: this }).arn };
        }
        const role = new aws.iam.ServiceLinkedRole(
            `${name}-autoscaling`,
            { awsServiceName: "autoscaling.amazonaws.com" },
            { parent: this, retainOnDelete: true },
        );
        return { arn: role.arn, resource: role };
    }

    /** Pod Identity associations, or IRSA through the cluster's OIDC provider, as config chooses. */
    private createWorkloadIdentity(
        name: string,
        config: EksClusterConfig,
        cluster: aws.eks.Cluster,
        partition: pulumi.Output<string>,
        tags: Record<string, string>,
    ) {
        const oidcProvider =
            config.workloadIdentity === "irsa"
                ? new aws.iam.OpenIdConnectProvider(
                      `${name}-oidc`,
                      {
                          url: this.oidcIssuer,
                          clientIdLists: ["sts.amazonaws.com"],
                          tags,
                      },
                      { parent: this },
                  )
                : undefined;

        const addonRole = (
            roleName: string,
            args: Omit<WorkloadRoleArgs, "policy"> & { policy?: pulumi.Input<string>; managedPolicies?: string[] },
            opts: pulumi.CustomResourceOptions,
        ) => {
            const trust = oidcProvider
                ? pulumi
                      .all([oidcProvider.arn, this.oidcIssuer])
                      .apply(([arn, issuer]) => JSON.stringify(irsaTrust(arn, issuer, args.namespace, args.serviceAccount)))
                : JSON.stringify(podIdentityTrust());
            const role = new aws.iam.Role(roleName, { assumeRolePolicy: trust, tags }, opts);
            for (const policy of args.managedPolicies ?? []) {
                new aws.iam.RolePolicyAttachment(
                    `${roleName}-${policy}`,
                    { role: role.name, policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/${policy}` },
                    opts,
                );
            }
            if (args.policy) new aws.iam.RolePolicy(roleName, { role: role.id, policy: args.policy }, opts);
            // Add-ons take the binding as an add-on input; other workloads get an association or an annotation.
            const addonIdentity: Partial<aws.eks.AddonArgs> = oidcProvider
                ? { serviceAccountRoleArn: role.arn }
                : { podIdentityAssociations: [{ roleArn: role.arn, serviceAccount: args.serviceAccount }] };
            return { role, roleArn: role.arn, addonIdentity };
        };

        const workloadRole: WorkloadIdentity["roleFor"] = (roleName, args, opts) => {
            const { role, roleArn } = addonRole(roleName, args, opts);
            const credentialsReady: pulumi.Resource[] = [];
            if (!oidcProvider) {
                const association = new aws.eks.PodIdentityAssociation(
                    roleName,
                    {
                        clusterName: cluster.name,
                        namespace: args.namespace,
                        serviceAccount: args.serviceAccount,
                        roleArn: role.arn,
                        tags,
                    },
                    opts,
                );
                credentialsReady.push(association);
            }
            // With IRSA the service account carries the role; with Pod Identity the association above does.
            const serviceAccountAnnotations: Record<string, pulumi.Output<string>> = oidcProvider
                ? { "eks.amazonaws.com/role-arn": roleArn }
                : {};
            return { roleArn, serviceAccountAnnotations, credentialsReady };
        };
        return { addonRole, workloadRole };
    }
}
