import { createCluster, type PlatformCluster } from "./cluster";
import type { PlatformConfig } from "./config";
import { IstioMesh } from "./mesh/istio-mesh";
import { SIDECAR_INJECTION_LABELS } from "./mesh/values";
import { AppNamespace } from "./namespaces/app-namespace";
import { ServiceOnboarding } from "./services/service-onboarding";

export interface Platform {
  cluster: PlatformCluster;
  namespaces: AppNamespace[];
  mesh: IstioMesh;
  services: ServiceOnboarding;
}

/** Wires the platform's components in order; each component owns its resources. */
export function createPlatform(config: PlatformConfig): Platform {
  const cluster = createCluster(config);
  const namespaces = config.namespaces.map((namespace) => new AppNamespace(namespace.name, {
    // Application pods get the Istio sidecar: the mesh's mutual TLS and authorization apply to them.
    config: { ...namespace, labels: { ...namespace.labels, ...SIDECAR_INJECTION_LABELS } },
    kubernetesVersion: config.cluster.kubernetesVersion,
    provider: cluster.provider,
    dependsOn: cluster.ready,
  }));
  const mesh = new IstioMesh("mesh", {
    config: config.mesh,
    kubernetesVersion: config.cluster.kubernetesVersion,
    onAws: cluster.aws !== undefined,
    provider: cluster.provider,
    dependsOn: cluster.ready,
  });
  const services = new ServiceOnboarding("services", {
    services: config.services,
    applicationNamespaces: config.namespaces.map((namespace) => namespace.name),
    mesh: { root: config.mesh.rootNamespace, egress: config.mesh.egressNamespace },
    provider: cluster.provider,
    namespacesReady: namespaces,
    meshReady: mesh.ready,
  });
  return { cluster, namespaces, mesh, services };
}
