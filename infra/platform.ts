import { AdmissionControl, applicationNamespaceLabels } from "./admission/admission-control";
import { createCluster, type PlatformCluster } from "./cluster";
import { apiServerCidrs } from "./cluster/config";
import type { PlatformConfig } from "./config";
import { IstioMesh } from "./mesh/istio-mesh";
import { proxyImage, SIDECAR_INJECTION_LABELS } from "./mesh/values";
import { istioProxyImage } from "./admission/signatures";
import { SecurityMonitoring } from "./monitoring/security-monitoring";
import { AppNamespace } from "./namespaces/app-namespace";
import { ServiceOnboarding } from "./services/service-onboarding";
import { createVault, type PlatformVault } from "./vault";
import { VAULT_SERVER_FACTS } from "./vault/values";

export interface Platform {
    cluster: PlatformCluster;
    namespaces: AppNamespace[];
    admission: AdmissionControl;
    mesh: IstioMesh;
    services: ServiceOnboarding;
    vault: PlatformVault;
    monitoring?: SecurityMonitoring;
}

/** Wires the platform's components in order; each component owns its resources. */
export function createPlatform(config: PlatformConfig): Platform {
    const cluster = createCluster(config);
    const webhookSources = apiServerCidrs(config.cluster);
    const admission = new AdmissionControl("admission", {
        config: config.admission,
        // The proxy istiod injects into every meshed pod needs a ClusterImagePolicy where no-match-policy is deny.
        platformImages: [istioProxyImage(proxyImage(config.mesh))],
        // The platform's tools image (kubectl, sh), mirrored into the allowed registries, runs the chart's uninstall hook.
        cleanupImage: config.vault.toolsImage,
        apiServerCidrs: webhookSources,
        kubernetesVersion: config.cluster.kubernetesVersion,
        provider: cluster.provider,
        dependsOn: cluster.ready,
    });
    const admissionLabels = applicationNamespaceLabels(config.admission);
    const namespaces = config.namespaces.map(
        (namespace) =>
            new AppNamespace(namespace.name, {
                // Application pods get the Istio sidecar (mutual TLS, authorization) and the admission policies' labels.
                config: { ...namespace, labels: { ...namespace.labels, ...SIDECAR_INJECTION_LABELS, ...admissionLabels } },
                kubernetesVersion: config.cluster.kubernetesVersion,
                provider: cluster.provider,
                dependsOn: cluster.ready,
            }),
    );
    const appNamespaces = namespaces.map((namespace, i) => ({ name: config.namespaces[i]!.name, resource: namespace }));
    const mesh = new IstioMesh("mesh", {
        config: config.mesh,
        kubernetesVersion: config.cluster.kubernetesVersion,
        onAws: cluster.aws !== undefined,
        apiServerCidrs: webhookSources,
        provider: cluster.provider,
        dependsOn: cluster.ready,
    });
    const services = new ServiceOnboarding("services", {
        services: config.services,
        applicationNamespaces: config.namespaces.map((namespace) => namespace.name),
        mesh: { root: config.mesh.rootNamespace, ingress: config.mesh.ingressNamespace, egress: config.mesh.egressNamespace },
        provider: cluster.provider,
        namespacesReady: namespaces,
        meshReady: mesh.ready,
    });
    const vault = createVault(config, cluster, appNamespaces);
    // Prometheus and Alertmanager claims name the cluster's class unless config names one.
    const prometheus = { ...config.monitoring.prometheus, storageClass: config.monitoring.prometheus.storageClass ?? cluster.storageClass };
    const monitoring = config.monitoring.enabled
        ? new SecurityMonitoring("security-monitoring", {
              config: { ...config.monitoring, prometheus },
              // Facts the mesh and Vault own; monitoring follows them instead of declaring its own copies.
              monitored: { istioNamespace: mesh.rootNamespaceName, vault: VAULT_SERVER_FACTS },
              environment: config.environment,
              clusterName: config.cluster.name,
              kubernetesVersion: config.cluster.kubernetesVersion,
              protect: config.protect,
              appNamespaces,
              provider: cluster.provider,
              dependsOn: cluster.ready,
              // Its monitors and network policies go into the mesh's and Vault's namespaces.
              after: [mesh, vault.server],
              apiServerCidrs: webhookSources,
          })
        : undefined;
    return { cluster, namespaces, admission, mesh, services, vault, monitoring };
}
