import { z } from "zod";
import type { Environment } from "../environments";
import { fromAllowedRegistry } from "../admission/image-rules";
import { chartVersion, cidr, dnsLabel, quantity } from "../lib/schema";
import { proxyImage } from "./values";

/** Istio's Helm repository; the charts base, istiod, cni and gateway are published there together. */
export const ISTIO_CHART_REPO = "https://istio-release.storage.googleapis.com/charts";
/** Istio 1.29.2: one version for all charts, since istiod, CNI and gateways must match. */
// renovate: datasource=helm registryUrl=https://istio-release.storage.googleapis.com/charts depName=istiod
export const DEFAULT_ISTIO_VERSION = "1.29.2";

/** Replicas per environment: one where an outage is cheap, spread across zones where it is not. */
const REPLICAS: Record<Environment, number> = { local: 1, dev: 1, staging: 2, prod: 3 };

/** A Go duration such as 24h or 90m, as istiod and the Istio agent read them. */
const goDuration = z.string().regex(/^([0-9]+(h|m|s))+$/, "must be a duration such as 24h, 12h30m or 90m");

const resources = z.strictObject({
    cpuRequest: quantity,
    memoryRequest: quantity,
    cpuLimit: quantity,
    memoryLimit: quantity,
});

function workload(environment: Environment, defaults: z.infer<typeof resources>) {
    return z.strictObject({
        replicas: z.number().int().min(1).max(20).default(REPLICAS[environment]),
        resources: resources.default(defaults),
    });
}

export function meshSchema(environment: Environment) {
    const istiod = workload(environment, { cpuRequest: "500m", memoryRequest: "2Gi", cpuLimit: "2", memoryLimit: "4Gi" });
    const gateway = workload(environment, { cpuRequest: "100m", memoryRequest: "128Mi", cpuLimit: "2", memoryLimit: "1Gi" });
    return z.strictObject({
        /** The Istio release; every chart is installed at this exact version. */
        version: chartVersion.default(DEFAULT_ISTIO_VERSION),
        chartRepository: z.url({ protocol: /^https$/ }).default(ISTIO_CHART_REPO),
        /** Istio's root namespace: istiod runs here and mesh-wide policies live here. */
        rootNamespace: dnsLabel.default("istio-system"),
        /** The CNI node agent's namespace; the agent writes to the host, so this one is privileged. */
        cniNamespace: dnsLabel.default("istio-cni"),
        ingressNamespace: dnsLabel.default("istio-ingress"),
        egressNamespace: dnsLabel.default("istio-egress"),
        /** How long a workload certificate lives before the Istio agent rotates it (Istio's default: 24h). */
        workloadCertTtl: goDuration.default("24h"),
        /** The longest lifetime istiod signs, whatever a workload asks for. */
        maxWorkloadCertTtl: goDuration.default("48h"),
        /** Lifetime of istiod's self-signed root; istiod re-signs it before it expires (Istio's default: 10 years). */
        rootCertTtl: goDuration.default("87600h"),
        /** How paths are normalised before authorization policies see them (Istio's meshConfig.pathNormalization). */
        pathNormalization: z.enum(["BASE", "MERGE_SLASHES", "DECODE_AND_MERGE_SLASHES"]).default("DECODE_AND_MERGE_SLASHES"),
        /** Mesh-wide Envoy access logs through the Telemetry API. */
        accessLogging: z.boolean().default(true),
        istiod: istiod.default(istiod.parse({})),
        ingressGateway: gateway
            .extend({
                /** LoadBalancer on a cluster with a load balancer controller; ClusterIP where none exists (kind). */
                serviceType: z.enum(["LoadBalancer", "ClusterIP"]).default(environment === "local" ? "ClusterIP" : "LoadBalancer"),
                /** An internal (VPC-only) load balancer unless the service must face the internet. */
                internal: z.boolean().default(true),
                /** Client ranges the load balancer admits; required for an internet-facing one. */
                loadBalancerSourceRanges: z.array(cidr).default([]),
            })
            .default(() => ({
                ...gateway.parse({}),
                serviceType: environment === "local" ? ("ClusterIP" as const) : ("LoadBalancer" as const),
                internal: true,
                loadBalancerSourceRanges: [],
            })),
        egressGateway: gateway.default(gateway.parse({})),
        /**
         * The injected sidecar's image as a full reference, e.g. a mirror pinned by digest
         * (`<account>.dkr.ecr.<region>.amazonaws.com/istio/proxyv2@sha256:...`) where admission requires digests
         * in application namespaces. Unset: Istio's `docker.io/istio/proxyv2:<version>`.
         */
        proxyImage: z
            .string()
            .regex(
                /^[a-z0-9.-]+(:[0-9]+)?\/[a-z0-9._/-]+(:[A-Za-z0-9._-]+)?(@sha256:[a-f0-9]{64})?$/,
                "must be a full image reference such as registry.example.com/istio/proxyv2@sha256:<64 hex>",
            )
            .refine((image) => /@sha256:/.test(image) || /:[A-Za-z0-9._-]+$/.test(image.split("/").pop()!), "must name a tag or a digest")
            .refine((image) => !/:latest(@|$)/.test(image), "must not use the floating tag latest")
            .optional(),
        /**
         * Requests and limits of the injected sidecar. Istio's default limit (2 CPUs, 1Gi per pod) would exhaust an
         * application namespace's quota after a handful of pods.
         */
        sidecarResources: resources.default({ cpuRequest: "50m", memoryRequest: "128Mi", cpuLimit: "500m", memoryLimit: "256Mi" }),
        /**
         * INSECURE: accept plain text beside mutual TLS mesh-wide (PeerAuthentication PERMISSIVE). Only for a
         * local cluster while migrating workloads into the mesh; rejected in every other environment.
         */
        insecureAllowPermissive: z.boolean().default(false),
    });
}

export type MeshConfig = z.infer<ReturnType<typeof meshSchema>>;

/** Reports one config problem at a key path (as crossFieldRules in infra/config.ts does). */
export type IssueReporter = (path: (string | number)[], message: string, input?: unknown) => void;

const DURATION_UNITS: Record<string, number> = { h: 3600, m: 60, s: 1 };
/** Seconds in a Go duration already validated by goDuration. */
export function durationSeconds(text: string): number {
    let total = 0;
    for (const [, amount, unit] of text.matchAll(/([0-9]+)(h|m|s)/g)) total += Number(amount) * DURATION_UNITS[unit!]!;
    return total;
}

/** Rules that relate the mesh settings to each other, to the environment and to the application namespaces. */
export function meshRules(mesh: MeshConfig, applicationNamespaces: string[], environment: Environment, issue: IssueReporter): void {
    if (mesh.insecureAllowPermissive && environment !== "local") {
        issue(
            ["mesh", "insecureAllowPermissive"],
            `accepts plain text in the mesh and is allowed in the local environment only; ${environment} runs mutual TLS STRICT (remove the key)`,
            true,
        );
    }
    const owners = new Map<string, string>();
    for (const key of ["rootNamespace", "cniNamespace", "ingressNamespace", "egressNamespace"] as const) {
        const name = mesh[key];
        const other = owners.get(name);
        if (other) issue(["mesh", key], `is also the ${other}; each mesh component needs its own namespace`, name);
        else if (applicationNamespaces.includes(name))
            issue(["mesh", key], "is declared as an application namespace; mesh components run in namespaces of their own", name);
        owners.set(name, key);
    }
    if (durationSeconds(mesh.workloadCertTtl) > durationSeconds(mesh.maxWorkloadCertTtl)) {
        issue(
            ["mesh", "workloadCertTtl"],
            `must not exceed maxWorkloadCertTtl (${mesh.maxWorkloadCertTtl}); istiod would refuse the certificate requests`,
            mesh.workloadCertTtl,
        );
    }
    if (durationSeconds(mesh.workloadCertTtl) < 3600) {
        issue(
            ["mesh", "workloadCertTtl"],
            "must be at least 1h: shorter certificates put every workload one istiod outage away from failing",
            mesh.workloadCertTtl,
        );
    }
    if (durationSeconds(mesh.rootCertTtl) <= durationSeconds(mesh.maxWorkloadCertTtl)) {
        issue(
            ["mesh", "rootCertTtl"],
            `must outlive the workload certificates it signs (maxWorkloadCertTtl ${mesh.maxWorkloadCertTtl})`,
            mesh.rootCertTtl,
        );
    }
    if (environment === "staging" || environment === "prod") {
        for (const key of ["istiod", "ingressGateway", "egressGateway"] as const) {
            if (mesh[key].replicas < 2)
                issue(
                    ["mesh", key, "replicas"],
                    `must be at least 2 in ${environment} so that a node drain or a zone loss does not stop the mesh`,
                    mesh[key].replicas,
                );
        }
    }
    const ingress = mesh.ingressGateway;
    if (ingress.serviceType === "LoadBalancer" && !ingress.internal && ingress.loadBalancerSourceRanges.length === 0) {
        issue(
            ["mesh", "ingressGateway", "loadBalancerSourceRanges"],
            "must list the client ranges of an internet-facing load balancer (internal: false); without a list it admits 0.0.0.0/0",
            ingress.loadBalancerSourceRanges,
        );
    }
    if (ingress.serviceType !== "LoadBalancer" && ingress.loadBalancerSourceRanges.length > 0) {
        issue(
            ["mesh", "ingressGateway", "loadBalancerSourceRanges"],
            `applies to a LoadBalancer service only (serviceType is ${ingress.serviceType})`,
            ingress.loadBalancerSourceRanges,
        );
    }
}

/**
 * The injected proxy runs in every application namespace, so it meets the admission rules of those
 * namespaces: from an allowed registry and, where admission requires digests, pinned by digest.
 */
export function meshImageRules(
    mesh: MeshConfig,
    admission: { requireDigest: boolean; allowedRegistries: readonly string[]; signatures: { enabled: boolean } },
    issue: IssueReporter,
): void {
    const image = proxyImage(mesh);
    // The digest rule judges the Pod after the mutating webhooks: policy-controller (which selects every
    // application namespace when signatures are on) resolves the injected tag to a digest after Istio's
    // injector runs (webhooks run in name order). Without it, only a pinned image carries a digest.
    if (admission.requireDigest && !admission.signatures.enabled && !/@sha256:[a-f0-9]{64}$/.test(image)) {
        issue(
            ["mesh", "proxyImage"],
            `must be pinned by digest while admission.requireDigest is true and admission.signatures is off (nothing resolves the injected tag), or every meshed pod is refused: set <registry>/istio/proxyv2:${mesh.version}@sha256:<64 hex> (the digest that \`crane digest docker.io/istio/proxyv2:${mesh.version}\` prints)`,
            mesh.proxyImage,
        );
    }
    if (!fromAllowedRegistry(image, admission.allowedRegistries)) {
        issue(
            ["mesh", "proxyImage"],
            `${image} is not from admission.allowedRegistries (${admission.allowedRegistries.join(", ")}); the injected sidecar would be refused`,
            mesh.proxyImage,
        );
    }
}
