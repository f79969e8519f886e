import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { defaultDenyPolicy, dnsEgressPolicy, limitRange, namespaceManifest, resourceQuota } from "./baseline";
import type { NamespaceConfig } from "./config";

export interface AppNamespaceArgs {
    config: NamespaceConfig;
    kubernetesVersion: string;
    provider: k8s.Provider;
    /** Created only once these exist (node groups, networking add-ons). */
    dependsOn: pulumi.Resource[];
}

/** An application namespace: Pod Security restricted, default-deny network, defaults and a quota. */
export class AppNamespace extends pulumi.ComponentResource {
    readonly name: pulumi.Output<string>;
    readonly namespace: k8s.core.v1.Namespace;

    constructor(name: string, args: AppNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("secure-platform:namespaces:AppNamespace", name, {}, { ...opts, providers: [args.provider] });
        const { config } = args;
        const manifest = namespaceManifest(config, args.kubernetesVersion);
        this.namespace = new k8s.core.v1.Namespace(name, manifest, { parent: this, dependsOn: args.dependsOn });
        const inNamespace = { parent: this, dependsOn: [this.namespace] };
        new k8s.networking.v1.NetworkPolicy(`${name}-default-deny`, defaultDenyPolicy(config.name), inNamespace);
        new k8s.networking.v1.NetworkPolicy(`${name}-allow-dns`, dnsEgressPolicy(config.name), inNamespace);
        new k8s.core.v1.LimitRange(`${name}-defaults`, limitRange(config), inNamespace);
        new k8s.core.v1.ResourceQuota(`${name}-quota`, resourceQuota(config), inNamespace);
        this.name = this.namespace.metadata.name;
        this.registerOutputs({ name: this.name });
    }
}
