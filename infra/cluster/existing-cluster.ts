import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ExistingClusterConfig } from "./config";
import type { PlatformCluster } from "./platform-cluster";

/** A cluster that already runs (kind, k3d, minikube), reached through a kubeconfig context. */
export class ExistingCluster extends pulumi.ComponentResource implements PlatformCluster {
    readonly name: pulumi.Output<string>;
    readonly endpoint: pulumi.Output<string>;
    readonly provider: k8s.Provider;
    readonly ready: pulumi.Resource[] = [];

    constructor(name: string, config: ExistingClusterConfig, opts?: pulumi.ComponentResourceOptions) {
        super("secure-platform:cluster:ExistingCluster", name, {}, opts);
        this.provider = new k8s.Provider(
            `${name}-k8s`,
            {
                context: config.context,
                kubeconfig: config.kubeconfigPath,
                enableServerSideApply: true,
            },
            { parent: this },
        );
        this.name = pulumi.output(config.name);
        this.endpoint = pulumi.output(`kubeconfig context ${config.context}`);
        this.registerOutputs({ name: this.name, context: config.context });
    }
}
