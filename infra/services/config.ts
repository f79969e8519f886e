import { z } from "zod";
import { dnsLabel } from "../lib/schema";

const port = z.strictObject({
    name: dnsLabel.max(15, "must be at most 15 characters (an IANA service name)"),
    port: z.number().int().min(1).max(65535),
    /** Istio selects its protocol handling from this; HTTP and GRPC get L7 authorization. */
    protocol: z.enum(["HTTP", "HTTP2", "GRPC", "TCP", "TLS"]).default("HTTP"),
});

const egressHost = z.strictObject({
    host: z
        .string()
        .regex(/^(\*\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/, "must be a DNS name such as api.example.com or *.example.com"),
    port: z.number().int().min(1).max(65535).default(443),
    protocol: z.enum(["TLS", "HTTPS", "TCP"]).default("TLS"),
});

/** A public host name: exact (a wildcard would let one entry claim every name under a domain). */
const publicHost = z
    .string()
    .regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/, "must be an exact DNS name such as shop.example.com (no wildcard)");

/** Traffic in: the ingress gateway terminates TLS for these hosts and forwards to one declared port. */
const ingressRoute = z.strictObject({
    hosts: z.array(publicHost).min(1),
    /** One of the service's declared ports, with protocol HTTP, HTTP2 or GRPC. */
    port: z.number().int().min(1).max(65535),
    /**
     * The certificate: a kubernetes.io/tls Secret of this name in the ingress gateway's namespace, issued by
     * cert-manager or created by the team. The gateway reads it through SDS; the program never sees the key.
     */
    tlsSecret: dnsLabel,
});

const apiAccess = z.strictObject({
    apiGroups: z.array(z.string()).min(1),
    resources: z
        .array(
            z
                .string()
                .min(1)
                .refine((r) => r !== "*", "must name resources; '*' is not allowed"),
        )
        .min(1),
    verbs: z.array(z.enum(["get", "list", "watch", "create", "update", "patch", "delete"])).min(1),
    resourceNames: z.array(z.string().min(1)).optional(),
});

const vaultAccess = z.strictObject({
    /** Read access to the service's own KV v2 path, secret/data/<namespace>/<service>/*. */
    kv: z.boolean().default(true),
    /** A Transit key of the service's own, for encryption as a service. */
    transit: z.boolean().default(false),
    /** Database credentials: dynamic (a new user per lease) or static (a rotated, existing user). */
    database: z
        .strictObject({
            dynamic: z.boolean().default(false),
            staticUsername: z
                .string()
                .regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a PostgreSQL role name")
                .optional(),
        })
        .optional(),
});

export const serviceSchema = z.strictObject({
    name: dnsLabel,
    namespace: dnsLabel,
    /** The Kubernetes ServiceAccount, and so the SPIFFE identity; the service name by default. */
    serviceAccount: dnsLabel.optional(),
    ports: z.array(port).min(1),
    /** Who may call this service: "name" (same namespace) or "namespace/name". */
    callers: z.array(z.string().regex(/^([a-z0-9-]+\/)?[a-z0-9-]+$/, "must be a service name or namespace/name")).default([]),
    egress: z.array(egressHost).default([]),
    /** Public hosts the ingress gateway serves for this service; none: it is reachable from inside the mesh only. */
    ingress: z.array(ingressRoute).default([]),
    kubernetesApi: z.array(apiAccess).default([]),
    vault: vaultAccess.optional(),
});

export type ServiceConfig = z.infer<typeof serviceSchema>;

/** Resolves "name" or "namespace/name" to the service it names, relative to the caller's namespace. */
export function resolveServiceRef(ref: string, fromNamespace: string): { namespace: string; name: string } {
    const [first, second] = ref.split("/");
    return second === undefined ? { namespace: fromNamespace, name: first! } : { namespace: first!, name: second };
}
