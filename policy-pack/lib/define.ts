import type { z } from "zod";
import { podTemplateOf, isPodBearing, type PodTemplate } from "./pod-spec";
import type { ComplianceControls, ConfigOf, Report, Resource, ResourcePolicy, Severity, StackPolicy } from "./types";

interface Meta<C extends z.ZodType> {
    name: string;
    description: string;
    severity: Severity;
    enforcementLevel?: "advisory" | "mandatory" | "disabled";
    remediation: string;
    controls: ComplianceControls;
    config?: C;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- zod's type of an object schema with no keys
type NoConfig = z.ZodObject<{}>;

export function resourcePolicy<C extends z.ZodType = NoConfig>(
    meta: Meta<C> & {
        appliesTo(type: string): boolean;
        check(resource: Resource, report: Report, config: ConfigOf<C>): void | Promise<void>;
    },
): ResourcePolicy<C> {
    return { kind: "resource", enforcementLevel: "mandatory", ...meta };
}

export function stackPolicy<C extends z.ZodType = NoConfig>(
    meta: Meta<C> & { check(resources: Resource[], report: Report, config: ConfigOf<C>): void | Promise<void> },
): StackPolicy<C> {
    return { kind: "stack", enforcementLevel: "mandatory", ...meta };
}

/** A policy over the pod template of every pod-bearing kind; `check` returns violation messages. */
export function podPolicy<C extends z.ZodType = NoConfig>(
    meta: Meta<C> & { check(pod: PodTemplate, config: ConfigOf<C>, resource: Resource): string[] },
): ResourcePolicy<C> {
    const { check, ...rest } = meta;
    return resourcePolicy<C>({
        ...rest,
        appliesTo: isPodBearing,
        check(resource, report, config) {
            const pod = podTemplateOf(resource.type, resource.props);
            if (!pod) return;
            for (const message of check(pod, config, resource)) report.violation(message);
        },
    });
}
