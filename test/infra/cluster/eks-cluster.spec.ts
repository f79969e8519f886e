import { strict as assert } from "node:assert";
import type { RenderedResource, RenderedStack } from "../../../tools/render/render";
import { ofType, only, rendered, renderWith } from "../../helpers/stacks";
import { readStackFile } from "../../../tools/render/stack-file";
import { CONTROL_PLANE_LOG_TYPES } from "../../../infra/cluster/eks-cluster";
import { DEFAULT_CLASS_ANNOTATION, EKS_STORAGE_CLASS } from "../../../infra/cluster/storage-class";
import { MOCK_ACCOUNT_ID } from "../../../tools/render/mocks";
import { configProblems, rawStackConfig } from "../../helpers/config";

const EKS_STACKS = ["dev", "staging", "prod"];
type Inputs = Record<string, any>;

const inputs = (resource: RenderedResource): Inputs => resource.inputs as Inputs;
const byUrn = (stack: RenderedStack, urn: string) => stack.resources.find((r) => r.urn === urn);
const keyPolicyOf = (key: RenderedResource) => JSON.parse(inputs(key).policy as string);
const keyOf = (stack: RenderedStack, purpose: string) =>
    ofType(stack, "aws:kms/key:Key").find(
        (k) => k.name.endsWith(`-${purpose}`) && k.parent?.includes("secure-platform:cluster:EksCluster"),
    )!;
const releaseValues = (stack: RenderedStack, name: string): Inputs =>
    inputs(ofType(stack, "kubernetes:helm.sh/v3:Release").find((r) => r.name === name)!).values;
const AUTO_SCALING_ROLE_ARN = `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
/** The storage classes every claim of the platform names: Vault's data and audit, Prometheus, Alertmanager. */
function claimClasses(stack: RenderedStack): Record<string, unknown> {
    const vault = releaseValues(stack, "vault").server;
    const kps = releaseValues(stack, "kube-prometheus-stack");
    return {
        vaultData: vault.dataStorage.storageClass,
        vaultAudit: vault.auditStorage.storageClass,
        prometheus: kps.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.storageClassName,
        alertmanager: kps.alertmanager.alertmanagerSpec.storage.volumeClaimTemplate.spec.storageClassName,
    };
}

function addon(stack: RenderedStack, name: string): Inputs {
    const found = ofType(stack, "aws:eks/addon:Addon").filter((a) => inputs(a).addonName === name);
    assert.equal(found.length, 1, `add-on ${name}`);
    return inputs(found[0]!);
}

describe("infra/cluster: EKS", () => {
    let prod: RenderedStack;
    before(async () => {
        prod = await rendered("prod");
    });

    for (const stackName of EKS_STACKS) {
        describe(`${stackName} stack`, () => {
            let stack: RenderedStack;
            let cluster: Inputs;
            before(async () => {
                stack = await rendered(stackName);
                cluster = inputs(only(stack, "aws:eks/cluster:Cluster"));
            });

            it("sets the support policy explicitly: STANDARD, not EKS's default of extended support", () => {
                assert.deepEqual(cluster.upgradePolicy, { supportType: "STANDARD" });
            });

            it("leaves no node group's desired size to an autoscaler the stack does not declare", () => {
                const groups = ofType(stack, "aws:eks/nodeGroup:NodeGroup");
                assert.ok(groups.length > 0);
                for (const group of groups) assert.equal(group.ignoreChanges, undefined, group.name);
            });

            it("keeps the private API endpoint on", () => {
                assert.equal(cluster.vpcConfig.endpointPrivateAccess, true);
            });

            it("opens the public endpoint only with an allowlist, never to 0.0.0.0/0", () => {
                if (cluster.vpcConfig.endpointPublicAccess) {
                    assert.ok(Array.isArray(cluster.vpcConfig.publicAccessCidrs) && cluster.vpcConfig.publicAccessCidrs.length > 0);
                    assert.ok(!cluster.vpcConfig.publicAccessCidrs.some((c: string) => c.endsWith("/0")));
                } else {
                    assert.equal(cluster.vpcConfig.publicAccessCidrs, undefined);
                }
            });

            it("places the control plane's network interfaces in private subnets only", () => {
                const subnets = ofType(stack, "aws:ec2/subnet:Subnet");
                // Created here, or adopted from the network stack (then tagged for internal load balancers only).
                const adopted = JSON.parse(readStackFile(stackName).config["secure-platform:cluster"]!).vpc.existing;
                const privateCount = adopted
                    ? ofType(stack, "aws:ec2/tag:Tag").filter((t) => inputs(t).key === "kubernetes.io/role/internal-elb").length
                    : subnets.filter((s) => inputs(s).tags["kubernetes.io/role/internal-elb"] === "1").length;
                assert.ok(privateCount >= 2);
                assert.equal(cluster.vpcConfig.subnetIds.length, privateCount);
                for (const subnet of subnets) assert.equal(inputs(subnet).mapPublicIpOnLaunch ?? false, false);
            });

            it("envelope-encrypts secrets with a customer key that rotates", () => {
                assert.deepEqual(cluster.encryptionConfig.resources, ["secrets"]);
                const key = ofType(stack, "aws:kms/key:Key").find((k) => k.name.endsWith("-secrets"))!;
                assert.ok(key, "secrets key");
                assert.match(cluster.encryptionConfig.provider.keyArn, /^arn:aws:kms:eu-west-1:\d{12}:key\//);
                assert.equal(inputs(key).enableKeyRotation, true);
            });

            it("rotates every KMS key and keeps a 30-day deletion window", () => {
                const keys = ofType(stack, "aws:kms/key:Key").filter((k) => k.parent?.includes("secure-platform:cluster:EksCluster"));
                assert.equal(keys.length, 3);
                for (const key of keys) {
                    assert.equal(inputs(key).enableKeyRotation, true, key.name);
                    assert.ok(inputs(key).rotationPeriodInDays <= 365, key.name);
                    assert.equal(inputs(key).deletionWindowInDays, 30, key.name);
                    const statements = keyPolicyOf(key).Statement as Inputs[];
                    for (const statement of statements.filter((s) => s.Principal?.Service)) {
                        assert.ok(
                            statement.Condition,
                            `${key.name}: service principal ${statement.Principal.Service} is scoped by a condition`,
                        );
                    }
                }
            });

            it("sends every control-plane log type to an encrypted log group with retention", () => {
                assert.deepEqual([...cluster.enabledClusterLogTypes].sort(), [...CONTROL_PLANE_LOG_TYPES].sort());
                assert.deepEqual(CONTROL_PLANE_LOG_TYPES.sort(), ["api", "audit", "authenticator", "controllerManager", "scheduler"]);
                const group = ofType(stack, "aws:cloudwatch/logGroup:LogGroup").find(
                    (g) => inputs(g).name === `/aws/eks/${cluster.name}/cluster`,
                );
                assert.ok(group, "the log group EKS writes to exists before the cluster");
                assert.ok(only(stack, "aws:eks/cluster:Cluster").dependsOn.includes(group.urn));
                assert.ok(inputs(group).retentionInDays >= 90);
                const logsKey = ofType(stack, "aws:kms/key:Key").find((k) => k.name.endsWith("-logs"))!;
                assert.ok(String(inputs(group).kmsKeyId).startsWith("arn:aws:kms:"));
                const logsStatement = (keyPolicyOf(logsKey).Statement as Inputs[]).find((s) => s.Sid === "CloudWatchLogs")!;
                assert.equal(logsStatement.Principal.Service, "logs.eu-west-1.amazonaws.com");
            });

            it("authenticates through access entries only, with no implicit creator admin", () => {
                assert.deepEqual(cluster.accessConfig, { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false });
                const clusterConfig = JSON.parse(readStackFile(stackName).config["secure-platform:cluster"]!);
                const configured = clusterConfig.accessEntries as Inputs[];
                const entries = ofType(stack, "aws:eks/accessEntry:AccessEntry");
                const associations = ofType(stack, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation");
                // The preview role's entry has no association: its rights are the preview ClusterRole's (reachability.spec).
                assert.equal(entries.length, configured.length + (clusterConfig.previewRoleArn ? 1 : 0));
                assert.equal(associations.length, configured.length);
                for (const entry of configured) {
                    const association = associations.find((a) => inputs(a).principalArn === entry.principalArn)!;
                    assert.ok(association, entry.principalArn);
                    if (entry.namespaces)
                        assert.deepEqual(inputs(association).accessScope, { type: "namespace", namespaces: entry.namespaces });
                    else assert.deepEqual(inputs(association).accessScope, { type: "cluster" });
                }
            });

            it("requires IMDSv2 with one hop and encrypts node volumes with the volume key", () => {
                const templates = ofType(stack, "aws:ec2/launchTemplate:LaunchTemplate");
                const groups = ofType(stack, "aws:eks/nodeGroup:NodeGroup");
                assert.equal(templates.length, groups.length);
                for (const template of templates) {
                    const t = inputs(template);
                    assert.equal(t.metadataOptions.httpTokens, "required");
                    assert.equal(t.metadataOptions.httpPutResponseHopLimit, 1);
                    assert.equal(t.metadataOptions.httpEndpoint, "enabled");
                    assert.deepEqual(t.monitoring, { enabled: true }, "one-minute CloudWatch metrics for the nodes");
                    for (const device of t.blockDeviceMappings) {
                        assert.equal(device.ebs.encrypted, "true");
                        assert.match(device.ebs.kmsKeyId, /^arn:aws:kms:/);
                    }
                }
                for (const group of groups) {
                    const g = inputs(group);
                    assert.match(g.launchTemplate.id, /^lt-/);
                    const template = templates.find((t) => group.dependsOn.includes(t.urn) && t.name === group.name);
                    assert.ok(template, `${group.name} uses its own launch template`);
                    assert.deepEqual(g.subnetIds, cluster.vpcConfig.subnetIds, "nodes sit in the private subnets");
                    assert.equal(g.remoteAccess, undefined, "no SSH access");
                }
            });

            it("gives nodes minimal IAM: no CNI policy on the node role", () => {
                const nodeRole = ofType(stack, "aws:iam/role:Role").find((r) => r.name.endsWith("-node"))!;
                const attachments = ofType(stack, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                    .filter((a) => a.dependsOn.includes(nodeRole.urn))
                    .map((a) => String(inputs(a).policyArn).split("/").pop());
                assert.deepEqual(attachments.sort(), ["AmazonEC2ContainerRegistryPullOnly", "AmazonEKSWorkerNodePolicy"]);
            });

            it("turns on NetworkPolicy enforcement in the VPC CNI and installs the managed add-ons", () => {
                assert.deepEqual(JSON.parse(addon(stack, "vpc-cni").configurationValues), { enableNetworkPolicy: "true" });
                for (const name of ["vpc-cni", "coredns", "kube-proxy", "aws-ebs-csi-driver", "eks-pod-identity-agent"]) addon(stack, name);
                assert.equal(cluster.bootstrapSelfManagedAddons, false);
            });

            it("binds AWS permissions to add-on service accounts through Pod Identity", () => {
                const cni = addon(stack, "vpc-cni");
                assert.equal(cni.podIdentityAssociations[0].serviceAccount, "aws-node");
                assert.match(cni.podIdentityAssociations[0].roleArn, /^arn:aws:iam::\d{12}:role\//);
                const ebs = addon(stack, "aws-ebs-csi-driver");
                assert.equal(ebs.podIdentityAssociations[0].serviceAccount, "ebs-csi-controller-sa");
                const trust = JSON.parse(
                    inputs(ofType(stack, "aws:iam/role:Role").find((r) => r.name.endsWith("-vpc-cni"))!).assumeRolePolicy,
                );
                assert.deepEqual(trust.Statement[0].Principal, { Service: "pods.eks.amazonaws.com" });
            });

            it("creates the default StorageClass: gp3 on the EBS CSI driver, encrypted with the volumes key, after the add-on", () => {
                const storageClass = only(stack, "kubernetes:storage.k8s.io/v1:StorageClass");
                const sc = inputs(storageClass);
                assert.equal(sc.metadata.name, EKS_STORAGE_CLASS);
                assert.equal(sc.metadata.annotations[DEFAULT_CLASS_ANNOTATION], "true");
                assert.equal(sc.provisioner, "ebs.csi.aws.com");
                const nodeVolumeKey = inputs(ofType(stack, "aws:ec2/launchTemplate:LaunchTemplate")[0]!).blockDeviceMappings[0].ebs
                    .kmsKeyId;
                assert.deepEqual(sc.parameters, { type: "gp3", encrypted: "true", kmsKeyId: nodeVolumeKey });
                assert.ok(storageClass.dependsOn.includes(keyOf(stack, "volumes").urn));
                assert.equal(sc.volumeBindingMode, "WaitForFirstConsumer");
                assert.equal(sc.allowVolumeExpansion, true);
                assert.equal(sc.reclaimPolicy, stackName === "dev" ? "Delete" : "Retain");
                const ebsAddon = ofType(stack, "aws:eks/addon:Addon").find((a) => inputs(a).addonName === "aws-ebs-csi-driver")!;
                assert.ok(storageClass.dependsOn.includes(ebsAddon.urn), "the class is created after the EBS CSI add-on");
                const vaultNamespace = ofType(stack, "kubernetes:core/v1:Namespace").find((n) => inputs(n).metadata.name === "vault")!;
                assert.ok(
                    vaultNamespace.dependsOn.includes(storageClass.urn),
                    "Vault (and every component after cluster.ready) waits for the class",
                );
            });

            it("names that StorageClass in every claim: Vault data and audit, Prometheus, Alertmanager", () => {
                assert.deepEqual(claimClasses(stack), {
                    vaultData: EKS_STORAGE_CLASS,
                    vaultAudit: EKS_STORAGE_CLASS,
                    prometheus: EKS_STORAGE_CLASS,
                    alertmanager: EKS_STORAGE_CLASS,
                });
            });

            it("lets the EBS CSI driver's role use the volumes key as the EKS user guide's customer-key policy does", () => {
                const ebsRole = ofType(stack, "aws:iam/role:Role").find((r) => r.name.endsWith("-ebs-csi"))!;
                const policy = ofType(stack, "aws:iam/rolePolicy:RolePolicy").find((p) => p.dependsOn.includes(ebsRole.urn))!;
                const statements = JSON.parse(inputs(policy).policy).Statement as Inputs[];
                const keyArn = inputs(only(stack, "kubernetes:storage.k8s.io/v1:StorageClass")).parameters.kmsKeyId;
                const grants = statements.find((st) => st.Sid === "EbsVolumeGrants")!;
                assert.deepEqual(grants, {
                    Sid: "EbsVolumeGrants",
                    Effect: "Allow",
                    Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
                    Resource: keyArn,
                    Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
                });
                const use = statements.find((st) => st.Sid === "EbsVolumeEncryption")!;
                assert.deepEqual(use, {
                    Sid: "EbsVolumeEncryption",
                    Effect: "Allow",
                    Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
                    Resource: keyArn,
                });
                // The key policy leaves the key's use to IAM policies of the account, so this role policy takes effect.
                const account = (keyPolicyOf(keyOf(stack, "volumes")).Statement as Inputs[]).find((st) => st.Sid === "AccountIamPolicies")!;
                assert.deepEqual(account.Principal, { AWS: `arn:aws:iam::${MOCK_ACCOUNT_ID}:root` });
            });

            it("creates Auto Scaling's service-linked role before the volumes key, whose policy names the role's ARN", () => {
                const role = only(stack, "aws:iam/serviceLinkedRole:ServiceLinkedRole");
                assert.deepEqual(inputs(role), { awsServiceName: "autoscaling.amazonaws.com" });
                const volumes = keyOf(stack, "volumes");
                assert.ok(volumes.dependsOn.includes(role.urn), "the volumes key depends on the role");
                const statements = keyPolicyOf(volumes).Statement as Inputs[];
                const autoScaling = statements.filter((st) => st.Sid?.startsWith("AutoScaling"));
                assert.deepEqual(
                    autoScaling.map((st) => st.Sid),
                    ["AutoScalingVolumes", "AutoScalingGrants"],
                );
                for (const statement of autoScaling) assert.deepEqual(statement.Principal, { AWS: AUTO_SCALING_ROLE_ARN });
                assert.deepEqual(autoScaling[1]!.Condition, { Bool: { "kms:GrantIsForAWSResource": "true" } });
                for (const purpose of ["secrets", "logs"]) {
                    const key = keyOf(stack, purpose);
                    assert.ok(!key.dependsOn.includes(role.urn), `${purpose} key`);
                    assert.ok(!JSON.stringify(keyPolicyOf(key)).includes("AWSServiceRoleForAutoScaling"), `${purpose} key`);
                }
            });

            it("records VPC flow logs and empties the default security group of a VPC it creates", () => {
                const flowLog = inputs(only(stack, "aws:ec2/flowLog:FlowLog"));
                assert.equal(flowLog.trafficType, "ALL");
                // An adopted VPC's default security group is the network stack's.
                if (ofType(stack, "aws:ec2/vpc:Vpc").length === 0) {
                    return assert.deepEqual(ofType(stack, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"), []);
                }
                const sg = inputs(only(stack, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"));
                assert.equal(sg.ingress, undefined);
                assert.equal(sg.egress, undefined);
            });

            it("exposes a Kubernetes provider whose kubeconfig is secret", () => {
                const provider = only(stack, "pulumi:providers:kubernetes");
                assert.equal(inputs(provider).kubeconfig, "[secret]");
                assert.equal(stack.outputs.kubeconfig, "[secret]");
                const kubeconfig = stack.secretInputs.get(provider.urn)!.kubeconfig as string;
                assert.match(kubeconfig, /command: aws/);
                assert.match(kubeconfig, /get-token/);
                const cluster = only(stack, "aws:eks/cluster:Cluster");
                assert.ok(
                    provider.dependsOn.some((urn) => byUrn(stack, urn)?.type === "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"),
                    "the provider waits for the deployer's access",
                );
                assert.ok(cluster);
            });
        });
    }

    it("protects keys, the cluster and log groups in staging and prod, and nothing in dev", async () => {
        const protectedTypes = ["aws:kms/key:Key", "aws:eks/cluster:Cluster", "aws:cloudwatch/logGroup:LogGroup"];
        for (const stackName of ["staging", "prod"]) {
            const stack = await rendered(stackName);
            for (const type of protectedTypes) {
                for (const resource of ofType(stack, type)) assert.equal(resource.protect, true, `${stackName} ${type} ${resource.name}`);
            }
            assert.equal(inputs(only(stack, "aws:eks/cluster:Cluster")).deletionProtection, true);
        }
        const dev = await rendered("dev");
        assert.deepEqual(
            dev.resources.filter((r) => r.protect).map((r) => r.name),
            [],
        );
    });

    it("looks Auto Scaling's service-linked role up, and creates none, where config says the account has it", async () => {
        const cluster = { ...rawStackConfig("prod").cluster, autoScalingServiceLinkedRole: "existing" };
        const stack = await renderWith("prod", { "secure-platform:cluster": JSON.stringify(cluster) });
        assert.deepEqual(ofType(stack, "aws:iam/serviceLinkedRole:ServiceLinkedRole"), []);
        const statements = keyPolicyOf(keyOf(stack, "volumes")).Statement as Inputs[];
        const principals = statements.filter((st) => st.Sid?.startsWith("AutoScaling")).map((st) => st.Principal.AWS);
        assert.deepEqual(principals, [AUTO_SCALING_ROLE_ARN, AUTO_SCALING_ROLE_ARN]);
    });

    it("ignores desiredSize only on a group whose config gives it to an autoscaler, and keeps extended support when asked", async () => {
        const raw = rawStackConfig("prod").cluster;
        const nodeGroups = raw.nodeGroups.map((g: Inputs, i: number) => (i === 0 ? { ...g, desiredSizeOwner: "autoscaler" } : g));
        const cluster = { ...raw, nodeGroups, upgradePolicy: { supportType: "EXTENDED" } };
        const stack = await renderWith("prod", { "secure-platform:cluster": JSON.stringify(cluster) });
        const groups = ofType(stack, "aws:eks/nodeGroup:NodeGroup");
        assert.deepEqual(
            groups.map((g) => [inputs(g).nodeGroupName, g.ignoreChanges ?? []]),
            nodeGroups.map((g: Inputs, i: number) => [g.name, i === 0 ? ["scalingConfig.desiredSize"] : []]),
        );
        assert.deepEqual(inputs(only(stack, "aws:eks/cluster:Cluster")).upgradePolicy, { supportType: "EXTENDED" });
        const problems = configProblems("prod", rawStackConfig("prod", { cluster: { ...raw, upgradePolicy: { supportType: "NONE" } } }));
        assert.equal(problems.length, 1, problems.join("\n"));
        assert.match(problems[0]!, /^secure-platform:cluster\.upgradePolicy\.supportType: /);
    });

    it("rejects any other autoScalingServiceLinkedRole value, naming the key and both choices", () => {
        const cluster = { ...rawStackConfig("prod").cluster, autoScalingServiceLinkedRole: "adopt" };
        const problems = configProblems("prod", rawStackConfig("prod", { cluster }));
        assert.equal(problems.length, 1, problems.join("\n"));
        assert.match(
            problems[0]!,
            /^secure-platform:cluster\.autoScalingServiceLinkedRole: must be "create" .* or "existing" .*\(got "adopt"\)$/,
        );
    });

    it("claims name a class from config over the cluster's, and on an existing cluster take its default", async () => {
        const raw = rawStackConfig("prod");
        const stack = await renderWith("prod", {
            "secure-platform:vault": JSON.stringify({ ...raw.vault, storageClass: "io2-encrypted" }),
            "secure-platform:monitoring": JSON.stringify({
                ...raw.monitoring,
                prometheus: { ...raw.monitoring.prometheus, storageClass: "st1-encrypted" },
            }),
        });
        assert.deepEqual(claimClasses(stack), {
            vaultData: "io2-encrypted",
            vaultAudit: "io2-encrypted",
            prometheus: "st1-encrypted",
            alertmanager: "st1-encrypted",
        });
        const local = await rendered("local");
        assert.deepEqual(ofType(local, "kubernetes:storage.k8s.io/v1:StorageClass"), []);
        assert.deepEqual(claimClasses(local), { vaultData: null, vaultAudit: null, prometheus: undefined, alertmanager: undefined });
        const snapshots = ofType(local, "kubernetes:core/v1:PersistentVolumeClaim").map((c) => inputs(c).spec);
        assert.equal(snapshots.length, 1);
        assert.equal(snapshots[0]!.storageClassName, undefined);
    });

    it("spreads NAT gateways over the zones in prod, uses one in a dev VPC it creates, and none in an adopted one", async () => {
        assert.equal(ofType(prod, "aws:ec2/natGateway:NatGateway").length, 3);
        assert.equal(ofType(await rendered("dev"), "aws:ec2/natGateway:NatGateway").length, 0);
        const cluster = JSON.parse(readStackFile("dev").config["secure-platform:cluster"]!);
        delete cluster.vpc.existing;
        cluster.vpc.publicSubnetCidrs = ["10.10.128.0/22", "10.10.132.0/22"];
        const created = await renderWith("dev", { "secure-platform:cluster": JSON.stringify(cluster) });
        assert.equal(ofType(created, "aws:ec2/natGateway:NatGateway").length, 1);
        assert.equal(ofType(created, "aws:ec2/vpc:Vpc").length, 1);
    });

    it("uses IRSA through the cluster's OIDC provider when configured", async () => {
        const cluster = JSON.parse(readStackFile("dev").config["secure-platform:cluster"]!);
        cluster.workloadIdentity = "irsa";
        const stack = await renderWith("dev", { "secure-platform:cluster": JSON.stringify(cluster) });
        const oidc = inputs(only(stack, "aws:iam/openIdConnectProvider:OpenIdConnectProvider"));
        assert.match(oidc.url, /^https:\/\/oidc\.eks\.eu-west-1\.amazonaws\.com\/id\/[0-9A-F]{32}$/);
        assert.deepEqual(oidc.clientIdLists, ["sts.amazonaws.com"]);
        assert.equal(ofType(stack, "aws:eks/addon:Addon").filter((a) => inputs(a).addonName === "eks-pod-identity-agent").length, 0);
        const role = ofType(stack, "aws:iam/role:Role").find((r) => r.name.endsWith("-vpc-cni"))!;
        const trust = JSON.parse(inputs(role).assumeRolePolicy);
        const issuer = oidc.url.replace("https://", "");
        assert.equal(trust.Statement[0].Action, "sts:AssumeRoleWithWebIdentity");
        assert.deepEqual(trust.Statement[0].Condition.StringEquals, {
            [`${issuer}:sub`]: "system:serviceaccount:kube-system:aws-node",
            [`${issuer}:aud`]: "sts.amazonaws.com",
        });
        assert.match(addon(stack, "vpc-cni").serviceAccountRoleArn, /^arn:aws:iam::/);
    });
});
