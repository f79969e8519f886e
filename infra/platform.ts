import { createCluster, type PlatformCluster } from "./cluster";
import type { PlatformConfig } from "./config";
import { AppNamespace } from "./namespaces/app-namespace";

export interface Platform {
  cluster: PlatformCluster;
  namespaces: AppNamespace[];
}

/** Wires the platform's components in order; each component owns its resources. */
export function createPlatform(config: PlatformConfig): Platform {
  const cluster = createCluster(config);
  const namespaces = config.namespaces.map((namespace) => new AppNamespace(namespace.name, {
    config: namespace,
    kubernetesVersion: config.cluster.kubernetesVersion,
    provider: cluster.provider,
    dependsOn: cluster.ready,
  }));
  return { cluster, namespaces };
}
