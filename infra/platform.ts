import { AdmissionControl, applicationNamespaceLabels } from "./admission/admission-control";
import { createCluster, type PlatformCluster } from "./cluster";
import type { PlatformConfig } from "./config";
import { IstioMesh } from "./mesh/istio-mesh";
import { SIDECAR_INJECTION_LABELS } from "./mesh/values";
import { AppNamespace } from "./namespaces/app-namespace";
import { ServiceOnboarding } from "./services/service-onboarding";
import { createVault, type PlatformVault } from "./vault";

export interface Platform {
  cluster: PlatformCluster;
  namespaces: AppNamespace[];
  admission: AdmissionControl;
  mesh: IstioMesh;
  services: ServiceOnboarding;
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
    // Application pods get the Istio sidecar (mutual TLS, authorization) and the admission policies' labels.
    config: { ...namespace, labels: { ...namespace.labels, ...SIDECAR_INJECTION_LABELS, ...admissionLabels } },
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
  const vault = createVault(config, cluster, namespaces.map((n, i) => ({ name: config.namespaces[i]!.name, resource: n })));
  return { cluster, namespaces, admission, mesh, services, vault };
}
