// Entry point that `pulumi up` and the offline renderer load: read and validate config, build, export.
import * as pulumi from "@pulumi/pulumi";
import { loadPlatformConfig } from "./config";
import { createPlatform } from "./platform";

const config = loadPlatformConfig();
const platform = createPlatform(config);

export const environment = config.environment;
export const clusterName = platform.cluster.name;
export const clusterEndpoint = platform.cluster.endpoint;
/** Marked secret: it names the cluster and its CA; fetch it with `pulumi stack output kubeconfig --show-secrets`. */
export const kubeconfig = platform.cluster.kubeconfig ? pulumi.secret(platform.cluster.kubeconfig) : undefined;
export const namespaces = pulumi.all(platform.namespaces.map((namespace) => namespace.name));
export const admissionPolicies = platform.admission.policyNames;
