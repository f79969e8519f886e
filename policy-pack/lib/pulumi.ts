// Adapts the pack's policies to @pulumi/policy, so the Pulumi CLI runs exactly the code that the
// offline tools and tests run.
import {
    UnknownValueError,
    type PolicyResource,
    type ResourceValidationPolicy,
    type StackValidationPolicy,
    type PolicyComplianceFramework,
} from "@pulumi/policy";
import { controlLabels } from "./controls";
import { findExemption, pulumiConfigSchema, settingsFor } from "./config";
import { runResourceCheck, runStackCheck, type CheckOutcome } from "./evaluate";
import { exemptionTarget } from "./kubernetes";
import type { AnyPolicy, Resource } from "./types";
import { UNKNOWN_STRING } from "./values";

// The engine hands policies a proxy that throws on unknown values; our policies read the plain
// values and track unknowns themselves, so they never throw on them.
function plainProps(props: Record<string, unknown>): Record<string, unknown> {
    const proxied = props as Record<string, unknown> & { __isSpecialProxy?: boolean; __getSpecialProxyTarget?: Record<string, unknown> };
    return proxied.__isSpecialProxy === true && proxied.__getSpecialProxyTarget ? proxied.__getSpecialProxyTarget : props;
}

function framework(policy: AnyPolicy): PolicyComplianceFramework | undefined {
    const pss = policy.controls.PSS?.[0];
    if (pss) return { name: "Pod Security Standards", version: "v1.34", reference: pss, specification: policy.description };
    const cis = policy.controls["CIS EKS"]?.[0];
    if (cis) return { name: "CIS Amazon EKS Benchmark", version: "1.7.0", reference: cis, specification: policy.description };
    const soc2 = policy.controls["SOC 2"]?.[0];
    if (soc2) return { name: "SOC 2", version: "2017 TSC", reference: soc2, specification: policy.description };
    return undefined;
}

/** Verdicts resting on unknown values become the engine's advisory "can't run during preview". */
function raiseIfUnknown(outcome: CheckOutcome): void {
    if (outcome.violations.length > 0 && outcome.unknownPaths.length > 0) {
        throw new UnknownValueError(UNKNOWN_STRING, outcome.unknownPaths[0].split("."));
    }
}

function metadata(policy: AnyPolicy) {
    const fw = framework(policy);
    return {
        name: policy.name,
        description: policy.description,
        enforcementLevel: policy.enforcementLevel,
        severity: policy.severity,
        remediationSteps: policy.remediation,
        tags: controlLabels(policy.controls),
        configSchema: pulumiConfigSchema(policy),
        ...(fw ? { framework: fw } : {}),
    };
}

export function toPulumiPolicy(policy: AnyPolicy): ResourceValidationPolicy | StackValidationPolicy {
    if (policy.kind === "resource") {
        return {
            ...metadata(policy),
            validateResource: async (args, reportViolation) => {
                if (!policy.appliesTo(args.type)) return;
                const resource: Resource = {
                    type: args.type,
                    name: args.name,
                    urn: args.urn,
                    props: plainProps(args.props),
                    dependencies: [],
                };
                const settings = settingsFor(policy, args.getConfig<Record<string, unknown>>());
                const exemption = findExemption(settings.common.exemptions, exemptionTarget(resource));
                if (exemption) args.notApplicable(`exempt: ${exemption.reason}`);
                const outcome = await runResourceCheck(policy, resource, settings.own);
                if (outcome.error) reportViolation(`policy could not judge this resource: ${outcome.error}`);
                raiseIfUnknown(outcome);
                for (const v of outcome.violations) reportViolation(v.message);
            },
        };
    }
    return {
        ...metadata(policy),
        validateStack: async (args, reportViolation) => {
            const resources: Resource[] = args.resources.map((r: PolicyResource) => ({
                type: r.type,
                name: r.name,
                urn: r.urn,
                props: plainProps(r.props),
                ...(r.parent ? { parent: r.parent.urn } : {}),
                dependencies: r.dependencies.map((d) => d.urn),
            }));
            const byUrn = new Map(resources.map((r) => [r.urn, r]));
            const settings = settingsFor(policy, args.getConfig<Record<string, unknown>>());
            const outcome = await runStackCheck(policy, resources, settings.own);
            if (outcome.error) reportViolation(`policy could not judge this stack: ${outcome.error}`);
            const kept = outcome.violations.filter((v) => {
                const target = v.urn ? byUrn.get(v.urn) : undefined;
                return !(target && findExemption(settings.common.exemptions, exemptionTarget(target)));
            });
            raiseIfUnknown({ ...outcome, violations: kept });
            for (const v of kept) reportViolation(v.message, v.urn);
        },
    };
}
