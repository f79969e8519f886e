// Single insecure changes to a rendered stack, one pure function each. Every change is one a careless
// edit (or a hostile one) could make; the policy pack must report each as a mandatory violation.
import type { RenderedResource } from "../../tools/render/render";

export type Area = "mesh" | "kubernetes" | "vault" | "aws" | "helm" | "admission" | "monitoring" | "references";

export interface Mutation {
    id: string;
    area: Area;
    /** The policy (`<area>:<rule>`) or reference check (`references:<what>`) that must kill it. */
    killer: string;
    description: string;
    /** Returns a mutated deep copy; the input is never modified. */
    apply(resources: readonly RenderedResource[]): RenderedResource[];
}

type Json = Record<string, any>;

function mutation(id: string, area: Area, killer: string, description: string, edit: (resources: RenderedResource[]) => void): Mutation {
    return {
        id,
        area,
        killer,
        description,
        apply(resources) {
            const copy = structuredClone(resources) as RenderedResource[];
            edit(copy);
            return copy;
        },
    };
}

/** The one resource of `type` named `name`; a mutation whose target is gone fails loudly instead of passing. */
function one(resources: RenderedResource[], type: string, name: string): RenderedResource & { inputs: Json } {
    const found = resources.filter((r) => r.type === type && r.name === name);
    if (found.length !== 1) throw new Error(`mutation target ${type} ${name}: found ${found.length}`);
    return found[0] as RenderedResource & { inputs: Json };
}

function remove(resources: RenderedResource[], type: string, name: string): void {
    resources.splice(resources.indexOf(one(resources, type, name)), 1);
}

function add(resources: RenderedResource[], type: string, name: string, inputs: Json): void {
    resources.push({
        type,
        name,
        urn: `urn:pulumi:prod::secure-platform::${type}::${name}`,
        custom: true,
        inputs,
        id: name,
        outputs: structuredClone(inputs),
        protect: false,
        dependsOn: [],
    });
}

const T = {
    peerAuth: "kubernetes:security.istio.io/v1:PeerAuthentication",
    authz: "kubernetes:security.istio.io/v1:AuthorizationPolicy",
    destinationRule: "kubernetes:networking.istio.io/v1:DestinationRule",
    job: "kubernetes:batch/v1:Job",
    cronJob: "kubernetes:batch/v1:CronJob",
    deployment: "kubernetes:apps/v1:Deployment",
    service: "kubernetes:core/v1:Service",
    serviceAccount: "kubernetes:core/v1:ServiceAccount",
    role: "kubernetes:rbac.authorization.k8s.io/v1:Role",
    clusterRoleBinding: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
    networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    release: "kubernetes:helm.sh/v3:Release",
    vap: "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy",
    vapBinding: "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding",
    prometheusRule: "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
    vaultPolicy: "vault:index/policy:Policy",
    vaultRole: "vault:kubernetes/authBackendRole:AuthBackendRole",
    transitKey: "vault:transit/secretBackendKey:SecretBackendKey",
    staticRole: "vault:database/secretBackendStaticRole:SecretBackendStaticRole",
    vaultAudit: "vault:index/audit:Audit",
    eks: "aws:eks/cluster:Cluster",
    kmsKey: "aws:kms/key:Key",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    s3PublicAccess: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    s3Encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    s3Versioning: "aws:s3/bucketVersioning:BucketVersioning",
    s3Policy: "aws:s3/bucketPolicy:BucketPolicy",
    securityGroup: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    iamRole: "aws:iam/role:Role",
    podIdentity: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
    storageClass: "kubernetes:storage.k8s.io/v1:StorageClass",
    secret: "aws:secretsmanager/secret:Secret",
} as const;

// The prod stack's own targets.
const MESH_PEER_AUTH = "mesh-peer-authentication";
const TLS_JOB = "vault-tls";
const SNAPSHOT_CRONJOB = "vault-backups-snapshot";

/** An output of one of the stack's resources (a key's ARN, a role's ARN), as the provider returned it. */
function outputOf(resources: RenderedResource[], type: string, name: string, output: string): string {
    return String((one(resources, type, name).outputs as Json)[output]);
}

/** The EKS cluster's keys are named after the cluster: `platform-prod-<purpose>`. */
const clusterKeyArn = (resources: RenderedResource[], purpose: "secrets" | "logs" | "volumes") =>
    outputOf(resources, T.kmsKey, `platform-prod-${purpose}`, "arn");

function envVar(resources: RenderedResource[], cronJob: string, name: string): Json {
    const containers = one(resources, T.cronJob, cronJob).inputs.spec.jobTemplate.spec.template.spec.containers as Json[];
    const found = containers.flatMap((c) => c.env as Json[]).find((e) => e.name === name);
    if (!found) throw new Error(`mutation target: ${cronJob} has no ${name}`);
    return found;
}

function tlsJobPod(resources: RenderedResource[]): Json {
    return one(resources, T.job, TLS_JOB).inputs.spec.template.spec;
}

function tlsJobContainer(resources: RenderedResource[]): Json {
    return tlsJobPod(resources).containers[0];
}

function policyDocument(resource: Json): Json {
    return JSON.parse(resource.inputs.policy as string);
}

/**
 * The program configures Vault through an in-cluster reconciler, so the prod stack holds no vault:* resource;
 * the pack's Vault policies judge the organisation's other stacks that use the Vault provider. These
 * mutations add such a stack's compliant Vault resources (an audit device, a role, a policy, a Transit key
 * and a static role), then make one of them insecure.
 */
function vaultResource(
    resources: RenderedResource[],
    type: string,
    options: { withAudit?: boolean } = {},
): RenderedResource & { inputs: Json } {
    if (!resources.some((r) => r.name.startsWith("org-vault-"))) {
        if (options.withAudit !== false)
            add(resources, T.vaultAudit, "org-vault-audit", { type: "file", path: "file", options: { file_path: "/vault/audit/a.log" } });
        add(resources, T.vaultRole, "org-vault-role", {
            backend: "kubernetes",
            roleName: "shop.catalog",
            boundServiceAccountNames: ["catalog"],
            boundServiceAccountNamespaces: ["shop"],
            audience: "vault",
            tokenPolicies: ["service.shop.catalog"],
            tokenTtl: 900,
            tokenMaxTtl: 3600,
        });
        add(resources, T.vaultPolicy, "org-vault-policy", {
            name: "service.shop.catalog",
            policy: 'path "secret/data/shop/catalog/*" {\n  capabilities = ["read"]\n}\n',
        });
        add(resources, T.transitKey, "org-vault-transit", {
            backend: "transit",
            name: "shop.checkout",
            autoRotatePeriod: 2592000,
            exportable: false,
            allowPlaintextBackup: false,
            deletionAllowed: false,
        });
        add(resources, T.staticRole, "org-vault-static-role", {
            backend: "database",
            name: "payments.payment-api",
            dbName: "postgres",
            username: "payments_app",
            rotationPeriod: 86400,
        });
    }
    return one(resources, type, resources.find((r) => r.type === type && r.name.startsWith("org-vault-"))?.name ?? `org-vault ${type}`);
}

function appendVaultPolicy(resources: RenderedResource[], hcl: string): void {
    const policy = vaultResource(resources, T.vaultPolicy);
    policy.inputs.policy = `${policy.inputs.policy as string}\n${hcl}\n`;
}

/** A workload in the `payments` namespace, built from the snapshot CronJob's pod template. */
function paymentsDeployment(resources: RenderedResource[], patch: (pod: Json) => void): Json {
    const pod = structuredClone(one(resources, T.cronJob, SNAPSHOT_CRONJOB).inputs.spec.jobTemplate.spec.template) as Json;
    pod.metadata = { labels: { "app.kubernetes.io/name": "reporting" } };
    pod.spec.serviceAccountName = "payment-api";
    patch(pod);
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "reporting", namespace: "payments" },
        spec: { replicas: 2, selector: { matchLabels: { "app.kubernetes.io/name": "reporting" } }, template: pod },
    };
}

function service(name: string, spec: Json, annotations: Json = {}): Json {
    return {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name, namespace: "shop", annotations },
        spec: { selector: { app: name }, ports: [{ port: 443, targetPort: 8443 }], ...spec },
    };
}

function unauthorizedAccessRule(resources: RenderedResource[]): { group: Json; index: number } {
    const rule = one(resources, T.prometheusRule, "security-monitoring-security-securityalerts");
    for (const group of rule.inputs.spec.groups as Json[]) {
        const index = (group.rules as Json[]).findIndex((r) => r.alert === "UnauthorizedAccess");
        if (index >= 0) return { group, index };
    }
    throw new Error("mutation target: the UnauthorizedAccess alert is not in the stack");
}

export const MUTATIONS: Mutation[] = [
    // --- mesh ---
    mutation("mesh-mtls-permissive", "mesh", "istio:mesh-wide-strict-mtls", "mesh-wide PeerAuthentication STRICT -> PERMISSIVE", (rs) => {
        one(rs, T.peerAuth, MESH_PEER_AUTH).inputs.spec.mtls.mode = "PERMISSIVE";
    }),
    mutation("mesh-mtls-disable", "mesh", "istio:mesh-wide-strict-mtls", "mesh-wide PeerAuthentication STRICT -> DISABLE", (rs) => {
        one(rs, T.peerAuth, MESH_PEER_AUTH).inputs.spec.mtls.mode = "DISABLE";
    }),
    mutation(
        "mesh-mtls-port-permissive",
        "mesh",
        "istio:peer-authentication-strict",
        "a workload PeerAuthentication with a PERMISSIVE port",
        (rs) => {
            add(rs, T.peerAuth, "ledger-port-permissive", {
                apiVersion: "security.istio.io/v1",
                kind: "PeerAuthentication",
                metadata: { name: "ledger", namespace: "payments" },
                spec: {
                    selector: { matchLabels: { "app.kubernetes.io/name": "ledger" } },
                    mtls: { mode: "STRICT" },
                    portLevelMtls: { "9091": { mode: "PERMISSIVE" } },
                },
            });
        },
    ),
    mutation("mesh-mtls-policy-removed", "mesh", "istio:mesh-wide-strict-mtls", "the mesh-wide PeerAuthentication removed", (rs) => {
        remove(rs, T.peerAuth, MESH_PEER_AUTH);
    }),
    mutation(
        "mesh-authz-allow-all",
        "mesh",
        "istio:authorization-policy-no-allow-all",
        "an AuthorizationPolicy's rules replaced by one empty rule (allow-all)",
        (rs) => {
            one(rs, T.authz, "shop-authorizationpolicy-allow-callers-catalog").inputs.spec.rules = [{}];
        },
    ),
    mutation(
        "mesh-authz-star-principal",
        "mesh",
        "istio:authorization-policy-no-allow-all",
        "an AuthorizationPolicy allows principal `*`",
        (rs) => {
            one(rs, T.authz, "payments-authorizationpolicy-allow-callers-ledger").inputs.spec.rules[0].from[0].source.principals = ["*"];
        },
    ),
    mutation(
        "mesh-authz-star-namespace",
        "mesh",
        "istio:authorization-policy-no-allow-all",
        "an AuthorizationPolicy allows namespace `*`",
        (rs) => {
            const source = one(rs, T.authz, "payments-authorizationpolicy-allow-callers-ledger").inputs.spec.rules[0].from[0].source;
            delete source.principals;
            source.namespaces = ["*"];
        },
    ),
    mutation(
        "mesh-allow-nothing-removed",
        "mesh",
        "istio:namespace-default-deny",
        "the allow-nothing AuthorizationPolicy of `shop` removed",
        (rs) => {
            remove(rs, T.authz, "shop-authorizationpolicy-allow-nothing");
        },
    ),
    mutation(
        "mesh-destination-rule-tls-disable",
        "mesh",
        "istio:destination-rule-tls",
        "DestinationRule port TLS ISTIO_MUTUAL -> DISABLE",
        (rs) => {
            one(
                rs,
                T.destinationRule,
                "istio-egress-destinationrule-egress-gateway",
            ).inputs.spec.subsets[0].trafficPolicy.portLevelSettings[0].tls.mode = "DISABLE";
        },
    ),

    // --- kubernetes ---
    mutation("k8s-privileged", "kubernetes", "pss:baseline:privileged-containers", "a container runs privileged", (rs) => {
        tlsJobContainer(rs).securityContext.privileged = true;
    }),
    mutation(
        "k8s-run-as-non-root-removed",
        "kubernetes",
        "pss:restricted:running-as-non-root",
        "runAsNonRoot removed from pod and container",
        (rs) => {
            delete tlsJobPod(rs).securityContext.runAsNonRoot;
            delete tlsJobContainer(rs).securityContext.runAsNonRoot;
        },
    ),
    mutation("k8s-run-as-root", "kubernetes", "pss:restricted:running-as-non-root-user", "a container runs as UID 0", (rs) => {
        tlsJobContainer(rs).securityContext.runAsUser = 0;
    }),
    mutation("k8s-hostpath-volume", "kubernetes", "pss:baseline:hostpath-volumes", "a hostPath volume mounted", (rs) => {
        tlsJobPod(rs).volumes.push({ name: "host", hostPath: { path: "/var/run" } });
        tlsJobContainer(rs).volumeMounts.push({ name: "host", mountPath: "/host" });
    }),
    mutation("k8s-host-network", "kubernetes", "pss:baseline:host-namespaces", "a pod on the host network", (rs) => {
        tlsJobPod(rs).hostNetwork = true;
    }),
    mutation("k8s-host-pid", "kubernetes", "pss:baseline:host-namespaces", "a pod in the host PID namespace", (rs) => {
        tlsJobPod(rs).hostPID = true;
    }),
    mutation("k8s-capability-added", "kubernetes", "pss:baseline:capabilities", "a container adds NET_ADMIN", (rs) => {
        tlsJobContainer(rs).securityContext.capabilities.add = ["NET_ADMIN"];
    }),
    mutation("k8s-privilege-escalation", "kubernetes", "pss:restricted:privilege-escalation", "allowPrivilegeEscalation: true", (rs) => {
        tlsJobContainer(rs).securityContext.allowPrivilegeEscalation = true;
    }),
    mutation("k8s-seccomp-unconfined", "kubernetes", "pss:baseline:seccomp", "seccomp Unconfined at pod level", (rs) => {
        tlsJobPod(rs).securityContext.seccompProfile = { type: "Unconfined" };
        delete tlsJobContainer(rs).securityContext.seccompProfile;
    }),
    mutation(
        "k8s-image-unknown-registry",
        "kubernetes",
        "k8s:images:allowed-registries",
        "an image from a registry outside the allowlist",
        (rs) => {
            tlsJobContainer(rs).image = "registry.example.net/tools/k8s:1.33.4";
        },
    ),
    mutation("k8s-image-latest", "kubernetes", "k8s:images:no-latest-tag", "an image tagged :latest", (rs) => {
        tlsJobContainer(rs).image = "777788889999.dkr.ecr.eu-west-1.amazonaws.com/mirror/alpine/k8s:latest";
    }),
    mutation(
        "k8s-image-digest-removed",
        "kubernetes",
        "k8s:images:require-digest",
        "a workload in application namespace `payments` without an image digest",
        (rs) => {
            add(
                rs,
                T.deployment,
                "payments-reporting",
                paymentsDeployment(rs, (pod) => {
                    pod.spec.containers[0].image = "777788889999.dkr.ecr.eu-west-1.amazonaws.com/payments/reporting:1.4.2";
                }),
            );
        },
    ),
    mutation("k8s-node-port", "kubernetes", "k8s:service-exposure:no-node-port", "a NodePort Service", (rs) => {
        add(rs, T.service, "shop-storefront-nodeport", service("storefront-nodeport", { type: "NodePort" }));
    }),
    mutation(
        "k8s-public-load-balancer",
        "kubernetes",
        "k8s:service-exposure:no-public-load-balancer",
        "an internet-facing LoadBalancer Service without source ranges",
        (rs) => {
            add(
                rs,
                T.service,
                "shop-storefront-public",
                service(
                    "storefront-public",
                    { type: "LoadBalancer" },
                    { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing" },
                ),
            );
        },
    ),
    mutation(
        "k8s-cluster-admin-binding",
        "kubernetes",
        "k8s:rbac:no-cluster-admin-binding",
        "a ClusterRoleBinding of a service account to cluster-admin",
        (rs) => {
            add(rs, T.clusterRoleBinding, "vault-tls-admin", {
                apiVersion: "rbac.authorization.k8s.io/v1",
                kind: "ClusterRoleBinding",
                metadata: { name: "vault-tls-admin" },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
                subjects: [{ kind: "ServiceAccount", name: "vault-tls", namespace: "vault" }],
            });
        },
    ),
    mutation("k8s-wildcard-role", "kubernetes", "k8s:rbac:no-wildcards", "a Role granting every verb", (rs) => {
        one(rs, T.role, "payments-role-ledger-api").inputs.rules[0].verbs = ["*"];
    }),
    mutation(
        "k8s-token-automount",
        "kubernetes",
        "k8s:service-account:token-automount-needs-rbac",
        "a ServiceAccount with no API permissions mounts its token in every pod",
        (rs) => {
            one(rs, T.serviceAccount, "shop-serviceaccount-catalog").inputs.automountServiceAccountToken = true;
        },
    ),
    mutation(
        "k8s-default-deny-removed",
        "kubernetes",
        "k8s:network-policy:namespace-default-deny",
        "the default-deny NetworkPolicy of `shop` removed",
        (rs) => {
            remove(rs, T.networkPolicy, "shop-default-deny");
        },
    ),
    mutation(
        "k8s-resource-limits-removed",
        "kubernetes",
        "k8s:resources:bounded-memory",
        "a container's resources removed, in a namespace without container defaults",
        (rs) => {
            delete tlsJobContainer(rs).resources;
        },
    ),

    // --- vault ---
    mutation(
        "vault-role-any-account",
        "vault",
        "vault:kubernetes-auth-role",
        "a Kubernetes auth role bound to every service account",
        (rs) => {
            vaultResource(rs, T.vaultRole).inputs.boundServiceAccountNames = ["*"];
        },
    ),
    mutation("vault-role-any-namespace", "vault", "vault:kubernetes-auth-role", "a Kubernetes auth role bound to every namespace", (rs) => {
        vaultResource(rs, T.vaultRole).inputs.boundServiceAccountNamespaces = ["*"];
    }),
    mutation(
        "vault-role-ttl-unbounded",
        "vault",
        "vault:kubernetes-auth-role",
        "a Kubernetes auth role without a maximum token TTL",
        (rs) => {
            delete vaultResource(rs, T.vaultRole).inputs.tokenMaxTtl;
        },
    ),
    mutation("vault-policy-sudo-sys", "vault", "vault:policy-least-privilege", "a service policy with sudo on sys/*", (rs) => {
        appendVaultPolicy(rs, 'path "sys/*" {\n  capabilities = ["read", "sudo"]\n}');
    }),
    mutation(
        "vault-policy-secret-all",
        "vault",
        "vault:policy-least-privilege",
        "a service policy with every capability on secret/data/*",
        (rs) => {
            appendVaultPolicy(rs, 'path "secret/data/*" {\n  capabilities = ["create", "read", "update", "patch", "delete", "list"]\n}');
        },
    ),
    mutation("vault-transit-exportable", "vault", "vault:transit-key-rotation", "a Transit key made exportable", (rs) => {
        vaultResource(rs, T.transitKey).inputs.exportable = true;
    }),
    mutation("vault-transit-deletion-allowed", "vault", "vault:transit-key-deletion", "a Transit key that can be deleted", (rs) => {
        vaultResource(rs, T.transitKey).inputs.deletionAllowed = true;
    }),
    mutation("vault-transit-rotation-removed", "vault", "vault:transit-key-rotation", "a Transit key without auto-rotation", (rs) => {
        delete vaultResource(rs, T.transitKey).inputs.autoRotatePeriod;
    }),
    mutation(
        "vault-static-role-no-rotation",
        "vault",
        "vault:database-rotation",
        "a database static role without a rotation period",
        (rs) => {
            delete vaultResource(rs, T.staticRole).inputs.rotationPeriod;
        },
    ),
    mutation("vault-audit-removed", "vault", "vault:audit-device", "a stack that configures Vault without an audit device", (rs) => {
        vaultResource(rs, T.vaultRole, { withAudit: false });
    }),

    // --- aws ---
    mutation("aws-eks-endpoint-open", "aws", "aws:eks-endpoint-access", "EKS public endpoint open to 0.0.0.0/0", (rs) => {
        one(rs, T.eks, "platform-prod").inputs.vpcConfig.publicAccessCidrs = ["0.0.0.0/0"];
    }),
    mutation("aws-eks-secrets-encryption-removed", "aws", "aws:eks-secrets-encryption", "EKS secrets envelope encryption removed", (rs) => {
        delete one(rs, T.eks, "platform-prod").inputs.encryptionConfig;
    }),
    mutation("aws-eks-audit-log-removed", "aws", "aws:eks-control-plane-logging", "the EKS audit log type removed", (rs) => {
        const eks = one(rs, T.eks, "platform-prod");
        eks.inputs.enabledClusterLogTypes = (eks.inputs.enabledClusterLogTypes as string[]).filter((t) => t !== "audit");
    }),
    mutation("aws-kms-rotation-off", "aws", "aws:kms-key-rotation", "KMS key rotation off", (rs) => {
        one(rs, T.kmsKey, "platform-prod-secrets").inputs.enableKeyRotation = false;
    }),
    mutation("aws-kms-deletion-window-short", "aws", "aws:kms-key-rotation", "KMS deletion window 7 days (policy: 30)", (rs) => {
        one(rs, T.kmsKey, "platform-prod-secrets").inputs.deletionWindowInDays = 7;
    }),
    mutation("aws-log-retention-removed", "aws", "aws:cloudwatch-log-retention", "CloudWatch log group retention removed", (rs) => {
        delete one(rs, T.logGroup, "platform-prod-flow-logs").inputs.retentionInDays;
    }),
    mutation("aws-imdsv1", "aws", "aws:imdsv2-required", "launch template allows IMDSv1 (httpTokens optional)", (rs) => {
        one(rs, T.launchTemplate, "platform-prod-system").inputs.metadataOptions.httpTokens = "optional";
    }),
    mutation(
        "aws-s3-public-access-block-removed",
        "aws",
        "aws:s3-bucket-baseline",
        "the snapshot bucket's public access block removed",
        (rs) => {
            remove(rs, T.s3PublicAccess, "vault-backups-public-access");
        },
    ),
    mutation("aws-s3-public-access-block-off", "aws", "aws:s3-public-access-block", "one public access block setting off", (rs) => {
        one(rs, T.s3PublicAccess, "vault-backups-public-access").inputs.restrictPublicBuckets = false;
    }),
    mutation("aws-s3-encryption-removed", "aws", "aws:s3-bucket-baseline", "the snapshot bucket's default encryption removed", (rs) => {
        remove(rs, T.s3Encryption, "vault-backups-encryption");
    }),
    mutation("aws-s3-versioning-suspended", "aws", "aws:s3-bucket-baseline", "the snapshot bucket's versioning suspended", (rs) => {
        one(rs, T.s3Versioning, "vault-backups-versioning").inputs.versioningConfiguration.status = "Suspended";
    }),
    mutation("aws-s3-tls-only-removed", "aws", "aws:s3-bucket-baseline", "the bucket policy's deny of non-TLS requests removed", (rs) => {
        const policy = one(rs, T.s3Policy, "vault-backups-policy");
        const document = policyDocument(policy);
        document.Statement = (document.Statement as Json[]).filter((s) => s.Sid !== "DenyInsecureTransport");
        policy.inputs.policy = JSON.stringify(document);
    }),
    mutation("aws-security-group-open", "aws", "aws:security-group-open-ingress", "a security group open to the world", (rs) => {
        one(rs, T.securityGroup, "platform-prod-default").inputs.ingress = [
            { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] },
        ];
    }),
    mutation("aws-iam-admin-wildcard", "aws", "aws:iam-no-admin-wildcard", "an IAM role policy allowing *:*", (rs) => {
        const policy = one(rs, T.rolePolicy, "platform-prod-ebs-csi");
        const document = policyDocument(policy);
        (document.Statement as Json[]).push({ Effect: "Allow", Action: "*", Resource: "*" });
        policy.inputs.policy = JSON.stringify(document);
    }),

    // --- helm ---
    mutation("helm-chart-unpinned", "helm", "helm:chart-version-pinned", "Vault chart version as a range", (rs) => {
        one(rs, T.release, "vault").inputs.version = ">=0.31.0";
    }),
    mutation("helm-vault-tls-disable", "helm", "helm:release-security-values", "Vault chart global.tlsDisable: true", (rs) => {
        one(rs, T.release, "vault").inputs.values.global.tlsDisable = true;
    }),
    mutation(
        "helm-istio-cni-off",
        "helm",
        "helm:istio-mesh-values",
        "istiod pilot.cni.enabled: false (istio-init needs NET_ADMIN in every pod)",
        (rs) => {
            one(rs, T.release, "istiod").inputs.values.pilot.cni.enabled = false;
        },
    ),
    mutation("helm-istio-allow-any", "helm", "helm:istio-mesh-values", "istiod outboundTrafficPolicy REGISTRY_ONLY -> ALLOW_ANY", (rs) => {
        one(rs, T.release, "istiod").inputs.values.meshConfig.outboundTrafficPolicy.mode = "ALLOW_ANY";
    }),

    // --- admission ---
    mutation(
        "admission-binding-removed",
        "admission",
        "admission:validating-policy-enforced",
        "the binding of the image-source policy for pods removed",
        (rs) => {
            remove(rs, T.vapBinding, "secure-platform-image-source-pods");
        },
    ),
    mutation(
        "admission-binding-warn",
        "admission",
        "admission:validating-policy-enforced",
        "a binding switched to validationActions [Warn]",
        (rs) => {
            one(rs, T.vapBinding, "secure-platform-image-source-workloads").inputs.spec.validationActions = ["Warn"];
        },
    ),
    mutation(
        "admission-failure-policy-ignore",
        "admission",
        "admission:fail-closed",
        "a ValidatingAdmissionPolicy with failurePolicy Ignore",
        (rs) => {
            one(rs, T.vap, "secure-platform-image-source-workloads").inputs.spec.failurePolicy = "Ignore";
        },
    ),

    // --- monitoring ---
    mutation(
        "monitoring-unauthorized-alert-removed",
        "monitoring",
        "monitoring:unauthorized-access-alert",
        "the UnauthorizedAccess alert removed",
        (rs) => {
            const { group, index } = unauthorizedAccessRule(rs);
            (group.rules as Json[]).splice(index, 1);
        },
    ),
    mutation(
        "monitoring-unauthorized-threshold-raised",
        "monitoring",
        "monitoring:unauthorized-access-alert",
        "the UnauthorizedAccess threshold raised from 10 to 1000",
        (rs) => {
            const { group, index } = unauthorizedAccessRule(rs);
            group.rules[index].expr = 'rate(istio_requests_total{response_code="403"}[5m]) > 1000';
        },
    ),
    mutation("monitoring-falco-removed", "monitoring", "monitoring:runtime-detection", "the Falco release removed", (rs) => {
        remove(rs, T.release, "falco");
    }),

    // --- references: each resource still valid on its own, but pointing at the wrong key, role, bucket or account ---
    mutation("ref-eks-secrets-logs-key", "references", "references:eks-secrets-key", "EKS secrets encrypted with the logs key", (rs) => {
        one(rs, T.eks, "platform-prod").inputs.encryptionConfig.provider.keyArn = clusterKeyArn(rs, "logs");
    }),
    mutation(
        "ref-node-volumes-logs-key",
        "references",
        "references:node-volumes-key",
        "a node group's volumes encrypted with the logs key",
        (rs) => {
            one(rs, T.launchTemplate, "platform-prod-system").inputs.blockDeviceMappings[0].ebs.kmsKeyId = clusterKeyArn(rs, "logs");
        },
    ),
    mutation(
        "ref-storage-class-secrets-key",
        "references",
        "references:storage-class-key",
        "persistent volumes encrypted with the secrets key",
        (rs) => {
            one(rs, T.storageClass, "platform-prod-gp3-encrypted").inputs.parameters.kmsKeyId = clusterKeyArn(rs, "secrets");
        },
    ),
    mutation(
        "ref-log-group-volumes-key",
        "references",
        "references:logs-key",
        "the control-plane log group encrypted with the volumes key",
        (rs) => {
            one(rs, T.logGroup, "platform-prod-control-plane").inputs.kmsKeyId = clusterKeyArn(rs, "volumes");
        },
    ),
    mutation(
        "ref-vault-seal-snapshot-key",
        "references",
        "references:vault-unseal-key",
        "Vault's awskms seal names the snapshots key",
        (rs) => {
            const raft = one(rs, T.release, "vault").inputs.values.server.ha.raft;
            const unseal = outputOf(rs, T.kmsKey, "vault-unseal", "keyId");
            raft.config = String(raft.config).replace(unseal, outputOf(rs, T.kmsKey, "vault-backups-key", "keyId"));
        },
    ),
    mutation(
        "ref-recovery-secret-logs-key",
        "references",
        "references:vault-unseal-key",
        "the recovery secret encrypted with the logs key",
        (rs) => {
            one(rs, T.secret, "vault-recovery").inputs.kmsKeyId = clusterKeyArn(rs, "logs");
        },
    ),
    mutation(
        "ref-snapshot-bucket-unseal-key",
        "references",
        "references:snapshot-key",
        "the snapshot bucket's default key is the unseal key",
        (rs) => {
            const rule = one(rs, T.s3Encryption, "vault-backups-encryption").inputs.rules[0];
            rule.applyServerSideEncryptionByDefault.kmsMasterKeyId = outputOf(rs, T.kmsKey, "vault-unseal", "arn");
        },
    ),
    mutation(
        "ref-snapshot-job-other-bucket",
        "references",
        "references:snapshot-bucket",
        "snapshots uploaded to another account's bucket",
        (rs) => {
            envVar(rs, SNAPSHOT_CRONJOB, "BUCKET").value = "platform-prod-vault-snapshots-210987654321";
        },
    ),
    mutation(
        "ref-snapshot-policy-other-bucket",
        "references",
        "references:snapshot-bucket",
        "the snapshot role may write to another bucket",
        (rs) => {
            const policy = one(rs, T.rolePolicy, SNAPSHOT_CRONJOB);
            policy.inputs.policy = String(policy.inputs.policy).replace(
                /arn:aws:s3:::platform-prod-vault-snapshots-123456789012\/snapshots/,
                "arn:aws:s3:::platform-prod-exports/snapshots",
            );
        },
    ),
    mutation(
        "ref-vault-server-snapshot-role",
        "references",
        "references:vault-server-identity",
        "Vault's pods get the snapshot role",
        (rs) => {
            one(rs, T.podIdentity, "vault-server").inputs.roleArn = outputOf(rs, T.iamRole, "vault-backups-snapshot", "arn");
        },
    ),
    mutation(
        "ref-vault-server-wrong-namespace",
        "references",
        "references:vault-server-identity",
        "the unseal role given to namespace default",
        (rs) => {
            one(rs, T.podIdentity, "vault-server").inputs.namespace = "default";
        },
    ),
    mutation(
        "ref-vault-server-wrong-service-account",
        "references",
        "references:vault-server-identity",
        "the unseal role given to service account default",
        (rs) => {
            one(rs, T.podIdentity, "vault-server").inputs.serviceAccount = "default";
        },
    ),
    mutation(
        "ref-snapshot-server-service-account",
        "references",
        "references:vault-snapshot-identity",
        "the snapshot role given to Vault's server account",
        (rs) => {
            one(rs, T.podIdentity, "vault-backups-snapshot").inputs.serviceAccount = "vault";
        },
    ),
    mutation(
        "ref-bootstrap-server-role",
        "references",
        "references:vault-bootstrap-identity",
        "the bootstrap job gets the server's role",
        (rs) => {
            one(rs, T.podIdentity, "vault-bootstrap").inputs.roleArn = outputOf(rs, T.iamRole, "vault-server", "arn");
        },
    ),
];
