import type { PlatformConfig } from "../config";
import { EksCluster } from "./eks-cluster";
import { ExistingCluster } from "./existing-cluster";
import type { PlatformCluster } from "./platform-cluster";

export type { PlatformCluster } from "./platform-cluster";

export function createCluster(config: PlatformConfig): PlatformCluster {
    const cluster = config.cluster;
    if (cluster.mode === "existing") return new ExistingCluster(cluster.name, cluster);
    return new EksCluster(cluster.name, {
        config: cluster,
        protect: config.protect,
        natGatewayPerZone: config.environment !== "dev",
    });
}
