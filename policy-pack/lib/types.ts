import type { z } from "zod";

export type Severity = "low" | "medium" | "high" | "critical";

/** "remediate" is accepted from Pulumi config but this pack never rewrites resources: it counts as mandatory. */
export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";

/** Compliance controls a policy serves, by framework, with the framework's own control ids. */
export interface ComplianceControls {
    "SOC 2"?: string[];
    "ISO 27001:2022"?: string[];
    HIPAA?: string[];
    GDPR?: string[];
    "CIS EKS"?: string[];
    /** CIS Amazon Web Services Foundations Benchmark v3.0.0. */
    "CIS AWS"?: string[];
    PSS?: string[];
}

/** A resource as every policy sees it: from the Pulumi engine, a rendered plan or a YAML manifest. */
export interface Resource {
    type: string;
    name: string;
    urn: string;
    props: Record<string, unknown>;
    parent?: string;
    dependencies: string[];
}

export interface Exemption {
    namespace?: string;
    name?: string;
    reason: string;
}

/** Settings every policy accepts, next to its own typed settings. */
export interface CommonPolicyConfig {
    exemptions: Exemption[];
}

export interface Report {
    /** A violation; `urn` names the offending resource (stack policies). */
    violation(message: string, urn?: string): void;
}

interface PolicyMetadata<C extends z.ZodType> {
    name: string;
    description: string;
    severity: Severity;
    enforcementLevel: Exclude<EnforcementLevel, "remediate">;
    remediation: string;
    controls: ComplianceControls;
    /** Typed settings of this policy with their defaults; the pack's JSON schema is derived from it. */
    config?: C;
}

export type ConfigOf<C> = C extends z.ZodType ? z.output<C> : Record<string, never>;

export interface ResourcePolicy<C extends z.ZodType = z.ZodType> extends PolicyMetadata<C> {
    kind: "resource";
    /** Cheap filter on the Pulumi type token, and on it alone: the Pulumi adapter indexes policies by type with it. */
    appliesTo(type: string): boolean;
    check(resource: Resource, report: Report, config: ConfigOf<C>): void | Promise<void>;
}

export interface StackPolicy<C extends z.ZodType = z.ZodType> extends PolicyMetadata<C> {
    kind: "stack";
    check(resources: Resource[], report: Report, config: ConfigOf<C>): void | Promise<void>;
}

export type AnyPolicy = ResourcePolicy<any> | StackPolicy<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Violation {
    policy: string;
    description: string;
    severity: Severity;
    enforcementLevel: "advisory" | "mandatory";
    message: string;
    remediation: string;
    controls: string[];
    resource?: { type: string; name: string; urn: string; namespace?: string };
    /** Set when the verdict rested on a value that is not known before apply. */
    unknownValues?: string[];
}

export interface ExemptionApplied {
    policy: string;
    resource: { type: string; name: string; urn: string; namespace?: string };
    reason: string;
}

export interface PolicyError {
    policy: string;
    urn?: string;
    error: string;
}

export interface EvaluationReport {
    violations: Violation[];
    exemptions: ExemptionApplied[];
    errors: PolicyError[];
    hasMandatory: boolean;
    resourceCount: number;
    policyCount: number;
}
