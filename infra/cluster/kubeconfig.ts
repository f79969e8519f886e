import { stringify } from "yaml";

export interface EksKubeconfigArgs {
    clusterName: string;
    region: string;
    endpoint: string;
    certificateAuthorityData: string;
}

/**
 * A kubeconfig that fetches a fresh token on every call (`aws eks get-token`), so long applies outlive
 * the 15-minute EKS token; it holds no credential of its own.
 */
export function eksKubeconfig(args: EksKubeconfigArgs): string {
    const name = args.clusterName;
    return stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name, cluster: { server: args.endpoint, "certificate-authority-data": args.certificateAuthorityData } }],
        contexts: [{ name, context: { cluster: name, user: name } }],
        "current-context": name,
        users: [
            {
                name,
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: "aws",
                        args: ["eks", "get-token", "--cluster-name", name, "--region", args.region, "--output", "json"],
                        interactiveMode: "Never",
                    },
                },
            },
        ],
    });
}
