import { AdmissionControl, applicationNamespaceLabels } from "./admission/admission-control";
import { createCluster, type PlatformCluster } from "./cluster";
import type { PlatformConfig } from "./config";
import { AppNamespace } from "./namespaces/app-namespace";
import { createVault, type PlatformVault } from "./vault";

export interface Platform {
  cluster: PlatformCluster;
  namespaces: AppNamespace[];
  admission: AdmissionControl;
  vault: PlatformVault;
}

/** Wires the platform's components in order; each component owns its resources. */
export function createPlatform(config: PlatformConfig): Platform {
  const cluster = createCluster(config);
  const admission = new AdmissionControl("admission", {
    config: config.admission,
    kubernetesVersion: config.cluster.kubernetesVersion,
    provider: cluster.provider,
    dependsOn: cluster.ready,
  });
  const admissionLabels = applicationNamespaceLabels(config.admission);
  const namespaces = config.namespaces.map((namespace) => new AppNamespace(namespace.name, {
    config: { ...namespace, labels: { ...namespace.labels, ...admissionLabels } },
    kubernetesVersion: config.cluster.kubernetesVersion,
    provider: cluster.provider,
    dependsOn: cluster.ready,
  }));
  const vault = createVault(config, cluster, namespaces.map((n, i) => ({ name: config.namespaces[i]!.name, resource: n })));
  return { cluster, namespaces, admission, vault };
}
