// Mesh-wide Istio objects in the root namespace, as plain manifests.
import { MANAGED_BY } from "../namespaces/baseline";
import type { MeshConfig } from "./config";

export interface IstioManifest {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace: string; labels?: Record<string, string> };
    spec: Record<string, unknown>;
}

/**
 * The mesh-wide PeerAuthentication: in the root namespace with no selector, it applies to every workload.
 * STRICT: a sidecar accepts mutual TLS only, so every caller presents its SPIFFE identity.
 */
export function meshPeerAuthentication(mesh: MeshConfig): IstioManifest {
    return {
        apiVersion: "security.istio.io/v1",
        kind: "PeerAuthentication",
        metadata: { name: "default", namespace: mesh.rootNamespace, labels: MANAGED_BY },
        spec: { mtls: { mode: mesh.insecureAllowPermissive ? "PERMISSIVE" : "STRICT" } },
    };
}

/** Envoy access logs for every workload, through Istio's built-in `envoy` provider (stdout). */
export function meshAccessLogging(mesh: MeshConfig): IstioManifest {
    return {
        apiVersion: "telemetry.istio.io/v1",
        kind: "Telemetry",
        metadata: { name: "mesh-default", namespace: mesh.rootNamespace, labels: MANAGED_BY },
        spec: { accessLogging: [{ providers: [{ name: "envoy" }] }] },
    };
}
