// Every policy of the pack, in report order. Importing this starts no server.
import type { AnyPolicy } from "../lib/types";
import { podSecurityControls } from "./kubernetes/pod-security/controls";
import { namespaceVersion } from "./kubernetes/pod-security/namespace-version";
import { readOnlyRootFilesystem } from "./kubernetes/containers/read-only-root-filesystem";
import { podSpecNotJudged } from "./kubernetes/workloads/pod-spec-not-judged";
import { containerLimits } from "./kubernetes/resources/container-limits";
import { allowedRegistries } from "./kubernetes/images/allowed-registries";
import { noLatestTag } from "./kubernetes/images/no-latest-tag";
import { requireDigest } from "./kubernetes/images/require-digest";
import { rbacNoWildcards } from "./kubernetes/rbac/no-wildcards";
import { noClusterAdminBinding } from "./kubernetes/rbac/no-cluster-admin-binding";
import { tokenAutomount } from "./kubernetes/service-account/token-automount";
import { noNodePort } from "./kubernetes/service-exposure/no-node-port";
import { noPublicLoadBalancer } from "./kubernetes/service-exposure/no-public-load-balancer";
import { noPlainSecrets } from "./kubernetes/secrets/no-plain-secrets";
import { encryptedEbsStorageClass } from "./kubernetes/storage/encrypted-ebs-storage-class";
import { namespaceDefaultDeny } from "./kubernetes/network-policy/namespace-default-deny";
import { peerAuthenticationStrict } from "./istio/peer-authentication-strict";
import { authorizationPolicyNoAllowAll } from "./istio/authorization-policy-no-allow-all";
import { destinationRuleTls } from "./istio/destination-rule-tls";
import { meshWideStrictMtls } from "./istio/mesh-wide-strict-mtls";
import { namespaceDefaultDenyAuthz } from "./istio/namespace-default-deny";
import { vaultPolicyLeastPrivilege } from "./vault/policy-least-privilege";
import { kubernetesAuthRole } from "./vault/kubernetes-auth-role";
import { transitKeyRotation } from "./vault/transit-key-rotation";
import { databaseRotation } from "./vault/database-rotation";
import { databaseRootRotation } from "./vault/database-root-rotation";
import { auditDevice } from "./vault/audit-device";
import { eksEndpointAccess } from "./aws/eks-endpoint-access";
import { eksSecretsEncryption } from "./aws/eks-secrets-encryption";
import { eksControlPlaneLogging } from "./aws/eks-control-plane-logging";
import { kmsKeyRotation } from "./aws/kms-key-rotation";
import { cloudwatchLogRetention } from "./aws/cloudwatch-log-retention";
import { s3PublicAccessBlock } from "./aws/s3-public-access-block";
import { s3BucketBaseline } from "./aws/s3-bucket-baseline";
import { securityGroupOpenIngress } from "./aws/security-group-open-ingress";
import { imdsv2 } from "./aws/imdsv2-required";
import { iamNoAdminWildcard } from "./aws/iam-no-admin-wildcard";
// AWS controls of the peer packs (issue 14), advisory in their first pack version.
import { kmsNoLockoutBypass } from "./aws/kms-no-lockout-bypass";
import { s3BucketKmsEncryption } from "./aws/s3-bucket-kms-encryption";
import { s3BucketAccessLogging } from "./aws/s3-bucket-access-logging";
import { ec2NoPublicIp } from "./aws/ec2-no-public-ip";
import { ec2EncryptedVolumes } from "./aws/ec2-encrypted-volumes";
import { ec2DetailedMonitoring } from "./aws/ec2-detailed-monitoring";
import { iamPasswordPolicy } from "./aws/iam-password-policy";
import { iamNoUserPolicies } from "./aws/iam-no-user-policies";
import { rdsNoPublicAccess } from "./aws/rds-no-public-access";
import { rdsStorageEncrypted } from "./aws/rds-storage-encrypted";
import { rdsBackupRetention } from "./aws/rds-backup-retention";
import { rdsMultiAz } from "./aws/rds-multi-az";
import { dynamodbEncryption } from "./aws/dynamodb-encryption";
import { dynamodbPointInTimeRecovery } from "./aws/dynamodb-point-in-time-recovery";
import { efsEncrypted } from "./aws/efs-encrypted";
import { opensearchEncryptedAtRest } from "./aws/opensearch-encrypted-at-rest";
import { opensearchInVpc } from "./aws/opensearch-in-vpc";
import { opensearchNodeToNodeEncryption } from "./aws/opensearch-node-to-node-encryption";
import { redshiftNotPublic } from "./aws/redshift-not-public";
import { redshiftEncrypted } from "./aws/redshift-encrypted";
import { lbHttpToHttps } from "./aws/lb-http-to-https";
import { lbModernTlsPolicy } from "./aws/lb-modern-tls-policy";
import { lbAccessLogs } from "./aws/lb-access-logs";
import { lbDeletionProtection } from "./aws/lb-deletion-protection";
import { apigatewayCacheEncrypted } from "./aws/apigateway-cache-encrypted";
import { cloudtrailMultiRegion } from "./aws/cloudtrail-multi-region";
import { cloudtrailLogFileValidation } from "./aws/cloudtrail-log-file-validation";
import { cloudtrailKms } from "./aws/cloudtrail-kms";
import { chartVersionPinned } from "./helm/chart-version-pinned";
import { releaseSecurityValues } from "./helm/release-security-values";
import { tokenAutomountNeedsRbac } from "./kubernetes/service-account/token-automount-needs-rbac";
import { boundedMemory } from "./kubernetes/resources/bounded-memory";
import { transitKeyDeletion } from "./vault/transit-key-deletion";
import { istioMeshValues } from "./helm/istio-mesh-values";
import { validatingPolicyEnforced } from "./admission/validating-policy-enforced";
import { admissionFailClosed } from "./admission/fail-closed";
import { unauthorizedAccessAlert } from "./monitoring/unauthorized-access-alert";
import { runtimeDetection } from "./monitoring/runtime-detection";

export const podSecurityPolicies: AnyPolicy[] = podSecurityControls;

export const allPolicies: AnyPolicy[] = [
    ...podSecurityPolicies,
    // Pod Security at a namespace's pinned version, read-only root filesystems, pods the pack cannot find (issue 14)
    namespaceVersion,
    readOnlyRootFilesystem,
    podSpecNotJudged,
    containerLimits,
    boundedMemory,
    allowedRegistries,
    noLatestTag,
    requireDigest,
    rbacNoWildcards,
    noClusterAdminBinding,
    tokenAutomount,
    tokenAutomountNeedsRbac,
    noNodePort,
    noPublicLoadBalancer,
    noPlainSecrets,
    encryptedEbsStorageClass,
    namespaceDefaultDeny,
    peerAuthenticationStrict,
    authorizationPolicyNoAllowAll,
    destinationRuleTls,
    meshWideStrictMtls,
    namespaceDefaultDenyAuthz,
    vaultPolicyLeastPrivilege,
    kubernetesAuthRole,
    transitKeyRotation,
    transitKeyDeletion,
    databaseRotation,
    databaseRootRotation,
    auditDevice,
    eksEndpointAccess,
    eksSecretsEncryption,
    eksControlPlaneLogging,
    kmsKeyRotation,
    cloudwatchLogRetention,
    s3PublicAccessBlock,
    s3BucketBaseline,
    securityGroupOpenIngress,
    imdsv2,
    iamNoAdminWildcard,
    // AWS controls of the peer packs (issue 14)
    kmsNoLockoutBypass,
    s3BucketKmsEncryption,
    s3BucketAccessLogging,
    ec2NoPublicIp,
    ec2EncryptedVolumes,
    ec2DetailedMonitoring,
    iamPasswordPolicy,
    iamNoUserPolicies,
    rdsNoPublicAccess,
    rdsStorageEncrypted,
    rdsBackupRetention,
    rdsMultiAz,
    dynamodbEncryption,
    dynamodbPointInTimeRecovery,
    efsEncrypted,
    opensearchEncryptedAtRest,
    opensearchInVpc,
    opensearchNodeToNodeEncryption,
    redshiftNotPublic,
    redshiftEncrypted,
    lbHttpToHttps,
    lbModernTlsPolicy,
    lbAccessLogs,
    lbDeletionProtection,
    apigatewayCacheEncrypted,
    cloudtrailMultiRegion,
    cloudtrailLogFileValidation,
    cloudtrailKms,
    chartVersionPinned,
    releaseSecurityValues,
    istioMeshValues,
    validatingPolicyEnforced,
    admissionFailClosed,
    unauthorizedAccessAlert,
    runtimeDetection,
];
