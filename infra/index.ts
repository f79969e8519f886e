// Entry point that `pulumi up` and the offline renderer load: read and validate config, build, export.
import * as pulumi from "@pulumi/pulumi";
import { loadPlatformConfig } from "./config";
import { createPlatform } from "./platform";

const config = loadPlatformConfig();
const platform = createPlatform(config);

export const environment = config.environment;
export const clusterName = platform.cluster.name;
export const clusterEndpoint = platform.cluster.endpoint;
/** On EKS, the VPC the cluster runs in (created, or adopted from the network stack) and its range. */
export const clusterNetwork = platform.cluster.network && { vpcId: platform.cluster.network.vpcId, cidr: platform.cluster.network.cidr };
/** Marked secret: it names the cluster and its CA; fetch it with `pulumi stack output kubeconfig --show-secrets`. */
export const kubeconfig = platform.cluster.kubeconfig ? pulumi.secret(platform.cluster.kubeconfig) : undefined;
export const namespaces = pulumi.all(platform.namespaces.map((namespace) => namespace.name));
export const admissionPolicies = platform.admission.policyNames;
/** The Secrets Manager secret holding Vault's recovery keys (EKS), and the snapshot bucket. */
export const vaultRecoverySecretArn = platform.vault.server.recoverySecretArn;
export const vaultSnapshotBucket = platform.vault.backups.bucket;
export const meshRootNamespace = platform.mesh.rootNamespace;
/** In-cluster service addresses; the ingress load balancer's address is on that service once it is provisioned. */
export const gatewayAddresses = {
    ingress: platform.mesh.gateways.ingress.service,
    egress: platform.mesh.gateways.egress.service,
};
/** Per service ("namespace/name"), the SPIFFE ID that authorization policies and peers see. */
export const serviceIdentities = platform.services.identities;
export const monitoringNamespace = platform.monitoring?.namespace;
export const securityAlerts = platform.monitoring?.alerts;
