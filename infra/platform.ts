import { createCluster, type PlatformCluster } from "./cluster";
import type { PlatformConfig } from "./config";
import { SecurityMonitoring } from "./monitoring/security-monitoring";
import { AppNamespace } from "./namespaces/app-namespace";

export interface Platform {
  cluster: PlatformCluster;
  namespaces: AppNamespace[];
  monitoring?: SecurityMonitoring;
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
  const monitoring = config.monitoring.enabled ? new SecurityMonitoring("security-monitoring", {
    config: config.monitoring,
    environment: config.environment,
    clusterName: config.cluster.name,
    kubernetesVersion: config.cluster.kubernetesVersion,
    appNamespaces: namespaces.map((namespace, i) => ({ name: config.namespaces[i]!.name, resource: namespace })),
    provider: cluster.provider,
    dependsOn: cluster.ready,
  }) : undefined;
  return { cluster, namespaces, monitoring };
}
