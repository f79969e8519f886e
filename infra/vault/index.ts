import type * as pulumi from "@pulumi/pulumi";
import type { PlatformCluster } from "../cluster";
import type { PlatformConfig } from "../config";
import { VaultBackups } from "./vault-backups";
import { VaultConfiguration, desiredState } from "./vault-configuration";
import { VaultServer } from "./vault-server";

export interface PlatformVault {
    server: VaultServer;
    configuration: VaultConfiguration;
    backups: VaultBackups;
}

/** Vault server, its configuration (an in-cluster reconciler fed from a ConfigMap) and its backups, in that order. */
export function createVault(
    config: PlatformConfig,
    cluster: PlatformCluster,
    namespaces: { name: string; resource: pulumi.Resource }[],
): PlatformVault {
    // Claims name the cluster's class unless config names one (EKS has no default class).
    const vault = { ...config.vault, storageClass: config.vault.storageClass ?? cluster.storageClass };
    const eks = config.cluster.mode === "eks" ? config.cluster : undefined;
    const vaultServices = config.services.filter((s) => s.vault);
    const desired = desiredState({ config: vault, services: config.services, protect: config.protect });
    const server = new VaultServer("vault", {
        config: vault,
        stack: config.stack,
        clusterName: config.cluster.name,
        kubernetesVersion: config.cluster.kubernetesVersion,
        zones: eks ? eks.vpc.privateSubnetCidrs.length : 1,
        protect: config.protect,
        kmsDeletionWindowDays: eks?.kmsDeletionWindowDays ?? 30,
        cluster,
        reconciler: desired.reconciler,
        clientNamespaces: namespaces
            .map((n) => ({ ...n, workloads: vaultServices.filter((s) => s.namespace === n.name).map((s) => s.name) }))
            .filter((n) => n.workloads.length > 0),
        apiServerCidrs: eks ? [eks.vpc.cidr] : undefined,
    });
    const configuration = new VaultConfiguration(
        "vault-config",
        { config: vault, desired, toolsImage: vault.toolsImage, dependsOn: [server.bootstrap] },
        { providers: [cluster.provider] },
    );
    const backups = new VaultBackups("vault-backups", {
        config: vault,
        clusterName: config.cluster.name,
        protect: config.protect,
        kmsDeletionWindowDays: eks?.kmsDeletionWindowDays ?? 30,
        cluster,
        // The snapshot job logs in with the role the reconciler writes.
        dependsOn: [server.release, configuration.job],
    });
    return { server, configuration, backups };
}
