import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { helmRelease } from "../lib/helm";
import { systemNamespace } from "../namespaces/system-namespace";
import { POLICY_CONTROLLER_CHART, type AdmissionConfig } from "./config";
import { DIGEST_REQUIRED_LABEL, imagePolicies } from "./image-policies";
import { policyControllerNetworkPolicies } from "./network-policies";
import { clusterImagePolicies, policyControllerValues, SIGNATURE_OPT_IN_LABEL, type PlatformImage } from "./signatures";

export interface AdmissionControlArgs {
    config: AdmissionConfig;
    kubernetesVersion: string;
    provider: k8s.Provider;
    dependsOn: pulumi.Resource[];
    /** The platform's own unsigned images in checked namespaces (the Istio proxy), each with its reason. */
    platformImages?: PlatformImage[];
    /** The pinned image, from an allowed registry, that runs the chart's uninstall hook (needs kubectl and sh). */
    cleanupImage: string;
    /** Where the API server calls the policy-controller webhook from (the VPC on EKS); private address space when unset. */
    apiServerCidrs?: string[];
}

export const POLICY_CONTROLLER_POD_SECURITY_REASON =
    "policy-controller 0.10.5's post-delete hook leases-cleanup (kubectl delete leases in this namespace, run at every uninstall) has no securityContext value; enforce baseline admits it, audit and warn stay restricted, and the webhook sets a restricted context itself";

/** Labels an application namespace carries so that the digest and signature checks apply to it. */
export function applicationNamespaceLabels(admission: AdmissionConfig): Record<string, string> {
    return {
        ...(admission.requireDigest ? { [DIGEST_REQUIRED_LABEL.key]: DIGEST_REQUIRED_LABEL.value } : {}),
        ...(admission.signatures.enabled ? { [SIGNATURE_OPT_IN_LABEL.key]: SIGNATURE_OPT_IN_LABEL.value } : {}),
    };
}

/**
 * Admission control for images: ValidatingAdmissionPolicies (allowed registries, no floating tags,
 * digests where required) with their bindings, and the Sigstore policy-controller with its ClusterImagePolicies.
 */
export class AdmissionControl extends pulumi.ComponentResource {
    readonly policyNames: string[];

    constructor(name: string, args: AdmissionControlArgs, opts?: pulumi.ComponentResourceOptions) {
        super("secure-platform:admission:AdmissionControl", name, {}, { ...opts, providers: [args.provider] });
        const { config } = args;
        const child = { parent: this, dependsOn: args.dependsOn };

        const { policies, bindings } = imagePolicies(config);
        const created = new Map(
            policies.map((policy) => [
                policy.metadata.name,
                new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(policy.metadata.name, policy, child),
            ]),
        );
        for (const binding of bindings) {
            const policy = created.get(binding.metadata.name)!;
            new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(binding.metadata.name, binding, {
                parent: this,
                dependsOn: [policy],
            });
        }
        this.policyNames = policies.map((policy) => policy.metadata.name);

        if (config.signatures.enabled) {
            const controller = config.signatures.policyController;
            const namespace = systemNamespace(
                `${name}-policy-controller`,
                {
                    name: controller.namespace,
                    kubernetesVersion: args.kubernetesVersion,
                    // The chart's post-delete hook (kubectl delete leases), which the provider's uninstall always runs,
                    // has no securityContext value in 0.10.5; audit and warn stay restricted, and the pack holds the
                    // webhook itself to restricted at every preview.
                    podSecurity: "baseline",
                    auditAndWarn: "restricted",
                    reason: POLICY_CONTROLLER_POD_SECURITY_REASON,
                },
                child,
            );
            for (const policy of policyControllerNetworkPolicies(controller.namespace, args.apiServerCidrs))
                new k8s.networking.v1.NetworkPolicy(`${name}-${policy.metadata.name}`, policy, { parent: this, dependsOn: [namespace] });
            const release = helmRelease(
                "policy-controller",
                {
                    ...POLICY_CONTROLLER_CHART,
                    version: controller.version,
                    namespace: namespace.metadata.name,
                    values: policyControllerValues(config, args.cleanupImage),
                },
                { parent: this, dependsOn: [namespace, ...created.values()] },
            );
            // The ClusterImagePolicy CRD comes with the chart.
            for (const manifest of clusterImagePolicies(config, args.platformImages)) {
                new k8s.apiextensions.CustomResource(`cluster-image-policy-${manifest.metadata.name}`, manifest, {
                    parent: this,
                    dependsOn: [release],
                });
            }
        }

        this.registerOutputs({ policyNames: this.policyNames });
    }
}
