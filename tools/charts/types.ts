// What reaches the cluster: every helm.sh/v3 Release of a stack rendered by a real Helm, and the
// shape in which each check (pack, admission, flows, schemas, storage) reports what it found.
import type { RenderedStack } from "../render/render";

export type Manifest = Record<string, unknown> & {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
};

/** One object a chart renders, as Helm sends it to the API server (namespaced objects carry their namespace). */
export interface ChartObject {
    manifest: Manifest;
    /** The chart template it came from (Helm's `# Source:` comment), e.g. "gateway/templates/deployment.yaml". */
    source: string;
    /** Helm hook events (`helm.sh/hook`), e.g. ["post-delete"]; empty for ordinary release objects. */
    hooks: string[];
    /** From the chart's crds/ folder (Helm installs these first and never upgrades them). */
    crd: boolean;
}

/** A Release of the program, with what its chart rendered. */
export interface RenderedRelease {
    /** The Release resource's URN in the stack; rendered objects are judged as its children. */
    urn: string;
    name: string;
    namespace: string;
    chart: string;
    version: string;
    repo: string;
    objects: ChartObject[];
}

export interface ChartRendering {
    stack: string;
    kubernetesVersion: string;
    /** The program's own resources (Namespaces, NetworkPolicies, admission policies, custom resources...). */
    program: RenderedStack;
    releases: RenderedRelease[];
}

export type CheckName = "pack" | "admission" | "flows" | "schemas" | "storage";

/** One thing the cluster would refuse, or one flow a component needs that the stack denies. */
export interface Finding {
    check: CheckName;
    /** What it is about, e.g. "Deployment istio-ingress/istio-ingressgateway (release istio-ingressgateway)". */
    subject: string;
    message: string;
}

export interface CheckResult {
    check: CheckName;
    /** How many objects, requests or flows the check judged (a check that judged nothing has not passed). */
    judged: number;
    findings: Finding[];
}
