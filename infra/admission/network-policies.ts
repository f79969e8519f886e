// The policy-controller namespace: default deny, then the webhook's callers and the endpoints it verifies against.
import { API_SERVER_PORTS, apiServerPeers, namespaceIsolation } from "../namespaces/baseline";
import { networkPolicy, type NetworkPolicyManifest } from "../mesh/network-policies";

/** The chart's webhook container listens on 8443 (the Service's 443 targets its port "https"). */
export const POLICY_CONTROLLER_WEBHOOK_PORT = 8443;
const WEBHOOK_PODS = { matchLabels: { "control-plane": "policy-controller-webhook" } };
const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));

/**
 * In: only the API server, to the webhook port (image admission and ClusterImagePolicy validation). Out: the
 * API server, and HTTPS to registries (digests, signatures, attestations) and Sigstore (Fulcio's roots,
 * Rekor, the TUF repository), wherever they are: a NetworkPolicy cannot name hosts, so the port is what is
 * allowed. Its metrics port stays closed: the release enables no ServiceMonitor.
 */
export function policyControllerNetworkPolicies(namespace: string, apiServerCidrs?: string[]): NetworkPolicyManifest[] {
    return [
        ...(namespaceIsolation(namespace) as NetworkPolicyManifest[]),
        networkPolicy("policy-controller-webhook-ingress", namespace, {
            podSelector: WEBHOOK_PODS,
            policyTypes: ["Ingress"],
            ingress: [{ from: apiServerPeers(apiServerCidrs), ports: tcp(POLICY_CONTROLLER_WEBHOOK_PORT) }],
        }),
        networkPolicy("policy-controller-egress", namespace, {
            // The webhook, and the chart's cleanup hook, which deletes the webhook's leases through the API.
            podSelector: {},
            policyTypes: ["Egress"],
            egress: [
                { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }, { ipBlock: { cidr: "::/0" } }], ports: tcp(443) },
                { to: apiServerPeers(apiServerCidrs), ports: tcp(...API_SERVER_PORTS) },
            ],
        }),
    ];
}
